/**
 * Rows written as DiracX or legacy DIRAC write them, past our data layer, on either dialect: a
 * refresh token as DiracX's AuthDB stores it (JTI, Status, Scope, Sub: no `ExpiresAt`, a column
 * only our PostgreSQL table has), and a resource status as DIRAC's Resource Status System leaves
 * it (the current row alone, no log). For tests that our code reads what others wrote.
 */
import { sql } from 'drizzle-orm';
import { resourceStatus } from '../../src/db/schema/rss.ts';
import type { AnyDatabase } from './database.ts';

export interface DiracxRefreshTokenRow {
  /** A dashed uuid. */
  jti: string;
  /** CREATED unless given. */
  status?: string;
  scope: string;
  sub: string;
}

/** Inserts `row` into RefreshTokens with the columns DiracX writes, and no other. */
export async function insertRefreshTokenAsDiracx(database: AnyDatabase, row: DiracxRefreshTokenRow): Promise<void> {
  const { jti, status = 'CREATED', scope, sub } = row;
  if (database.driver === 'mysql') {
    await database.db.insert(database.tables.refreshTokens).values({ jti, status, scope, sub });
    return;
  }
  await database.query(
    sql`insert into "RefreshTokens" ("JTI", "Status", "Scope", "Sub") values (${jti}, ${status}, ${scope}, ${sub})`,
  );
}

export interface LegacyResourceStatusRow {
  name: string;
  /** `all` unless given (the column's default). */
  statusType?: string;
  status: string;
  /** `Unspecified` unless given (the column's default). */
  reason?: string;
  elementType: string;
  dateEffective: Date;
}

/** Inserts `row` into ResourceStatus alone, the other columns left to their defaults. */
export async function insertResourceStatusAsDirac(database: AnyDatabase, row: LegacyResourceStatusRow): Promise<void> {
  if (database.driver === 'mysql') await database.db.insert(database.tables.resourceStatus).values(row);
  else await database.db.insert(resourceStatus).values(row);
}
