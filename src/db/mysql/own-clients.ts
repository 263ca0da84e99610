/**
 * @module db/mysql/own-clients
 * Registered OAuth clients and used client assertions, in our own MySQL database (DiracX has
 * neither). The same functions as `../oauth-clients.ts` and `../client-assertions.ts` over the
 * qualified tables; MySQL has no `RETURNING`, so a use reads the client back, and JSON columns
 * (MariaDB's text) are parsed when read.
 */
import { and, eq, gt, lte } from 'drizzle-orm';
import type { NewOAuthClient } from '../oauth-clients.ts';
import type { OAuthClientRow } from '../schema/oauth-clients.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'oauthClients' | 'clientAssertions'>;

const list = (value: unknown): string[] => (typeof value === 'string' ? JSON.parse(value) : value) as string[];

export async function insertOAuthClient(db: Handle, t: Tables, client: NewOAuthClient): Promise<void> {
  await db.insert(t.oauthClients).values({ ...client, lastUsedAt: null });
}

/** Records a use of a registered, unexpired client and moves its expiry; returns it, or undefined. */
export async function useOAuthClient(
  db: Handle,
  t: Tables,
  q: { clientId: string; now: Date; expiresAt: Date },
): Promise<OAuthClientRow | undefined> {
  const [header] = await db
    .update(t.oauthClients)
    .set({ lastUsedAt: q.now, expiresAt: q.expiresAt })
    .where(and(eq(t.oauthClients.clientId, q.clientId), gt(t.oauthClients.expiresAt, q.now)));
  if (header.affectedRows === 0) return undefined;
  const [row] = await db.select().from(t.oauthClients).where(eq(t.oauthClients.clientId, q.clientId));
  return row && { ...row, redirectUris: list(row.redirectUris), grantTypes: list(row.grantTypes) };
}

export async function deleteExpiredOAuthClients(db: Handle, t: Tables, now: Date): Promise<number> {
  const [header] = await db.delete(t.oauthClients).where(lte(t.oauthClients.expiresAt, now));
  return header.affectedRows;
}

/** Records a client assertion's `jti` once; a second presentation is a replay. */
export async function recordClientAssertion(
  db: Handle,
  t: Tables,
  entry: { clientId: string; jti: string; expiresAt: Date },
): Promise<'recorded' | 'replayed'> {
  const [header] = await db.insert(t.clientAssertions).ignore().values(entry);
  return header.affectedRows === 1 ? 'recorded' : 'replayed';
}

export async function deleteExpiredClientAssertions(db: Handle, t: Tables, now: Date): Promise<number> {
  const [header] = await db.delete(t.clientAssertions).where(lte(t.clientAssertions.expiresAt, now));
  return header.affectedRows;
}
