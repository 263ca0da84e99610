/**
 * @module db/mysql/refresh-tokens
 * Refresh tokens in DiracX's AuthDB on MySQL/MariaDB, as DiracX 0.7.0 keeps them
 * (`diracx/db/sql/auth/db.py`): one row per token (`JTI`, a uuid7; `Status` CREATED or REVOKED;
 * `Scope`; `Sub`), so that a token either server issued can be rotated, revoked and detected as
 * reused by the other. The same functions as `../auth.ts` over the qualified tables. DiracX's
 * table has no `ExpiresAt`: rows read here carry `expiresAt: null`, and the clean-up dates a row
 * by its `JTI`'s creation time alone (DiracX drops whole monthly partitions instead).
 */
import { and, asc, eq, lt, ne } from 'drizzle-orm';
import type { ListRefreshTokensFilter, NewRefreshToken } from '../auth.ts';
import type { RefreshTokenRow } from '../schema/auth.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'refreshTokens'>;

/** A row as the rest of the code reads one (DiracX's table has no `ExpiresAt`). */
function toRow(row: { jti: string; status: string; scope: string; sub: string }): RefreshTokenRow {
  return {
    jti: row.jti,
    status: row.status === 'REVOKED' ? 'REVOKED' : 'CREATED',
    scope: row.scope,
    sub: row.sub,
    expiresAt: null,
  };
}

/** Inserts a CREATED refresh token (its `exp` is not stored: DiracX's table has no column for it). */
export async function insertRefreshToken(db: Handle, t: Tables, token: NewRefreshToken): Promise<void> {
  await db.insert(t.refreshTokens).values({ jti: token.jti, sub: token.sub, scope: token.scope });
}

/** Locks and returns the refresh token `jti` (whatever its status). */
export async function getRefreshTokenForUpdate(
  db: Handle,
  t: Tables,
  jti: string,
): Promise<RefreshTokenRow | undefined> {
  const [row] = await db.select().from(t.refreshTokens).where(eq(t.refreshTokens.jti, jti)).for('update');
  return row && toRow(row);
}

/** Marks the refresh token `jti` REVOKED; returns rows matched (0 when it does not exist). */
export async function revokeRefreshToken(db: Handle, t: Tables, jti: string): Promise<number> {
  const [header] = await db.update(t.refreshTokens).set({ status: 'REVOKED' }).where(eq(t.refreshTokens.jti, jti));
  return header.affectedRows;
}

/** Marks every not yet revoked refresh token of `sub` REVOKED; returns how many. */
export async function revokeUserRefreshTokens(db: Handle, t: Tables, sub: string): Promise<number> {
  const [header] = await db
    .update(t.refreshTokens)
    .set({ status: 'REVOKED' })
    .where(and(eq(t.refreshTokens.sub, sub), ne(t.refreshTokens.status, 'REVOKED')));
  return header.affectedRows;
}

/** Refresh tokens, oldest first (uuid7 order is creation order), as `../auth.ts` lists them. */
export async function listRefreshTokens(
  db: Handle,
  t: Tables,
  filter: ListRefreshTokensFilter,
): Promise<RefreshTokenRow[]> {
  const conditions = [
    filter.sub === undefined ? undefined : eq(t.refreshTokens.sub, filter.sub),
    filter.includeRevoked ? undefined : ne(t.refreshTokens.status, 'REVOKED'),
  ];
  const rows = await db
    .select()
    .from(t.refreshTokens)
    .where(and(...conditions))
    .orderBy(asc(t.refreshTokens.jti));
  return rows.map(toRow);
}

/** Deletes refresh tokens (revoked or not) created before `undatedBefore` (a uuid7 of the oldest time kept). */
export async function deleteExpiredRefreshTokens(db: Handle, t: Tables, undatedBefore: string): Promise<number> {
  const [header] = await db.delete(t.refreshTokens).where(lt(t.refreshTokens.jti, undatedBefore));
  return header.affectedRows;
}
