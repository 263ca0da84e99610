/**
 * @module db/pg/oauth-clients
 * Atomic queries on dynamically registered OAuth clients: insert, use (which both checks that
 * the registration has not expired and moves its expiry forward, in one statement), and the
 * clean-up of expired registrations. No rules here: callers pass the times.
 */
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { oauthClients, type OAuthClientRow } from '../schema/oauth-clients.ts';

type Handle = Db | Tx;

export type NewOAuthClient = Omit<OAuthClientRow, 'lastUsedAt'>;

export async function insertOAuthClient(db: Handle, client: NewOAuthClient): Promise<void> {
  await db.insert(oauthClients).values({ ...client, lastUsedAt: null });
}

/**
 * The registration `clientId` if it has not expired at `now`, after recording the use:
 * `LastUsedAt` becomes `now` and `ExpiresAt` becomes `expiresAt`. Undefined when unknown or
 * expired (an expired registration is not revived).
 */
export async function useOAuthClient(
  db: Handle,
  clientId: string,
  now: Date,
  expiresAt: Date,
): Promise<OAuthClientRow | undefined> {
  const [row] = await db
    .update(oauthClients)
    .set({ lastUsedAt: now, expiresAt })
    .where(and(eq(oauthClients.clientId, clientId), gt(oauthClients.expiresAt, now)))
    .returning();
  return row;
}

/** Deletes registrations that expired at or before `now`; returns how many. */
export async function deleteExpiredOAuthClients(db: Handle, now: Date): Promise<number> {
  const rows = await db
    .delete(oauthClients)
    .where(lte(oauthClients.expiresAt, now))
    .returning({ clientId: oauthClients.clientId });
  return rows.length;
}
