/**
 * @module db/oauth-clients
 * Registered OAuth clients (dynamic registration, client credentials), on whichever dialect the
 * session is: each function hands the session to `./pg/oauth-clients.ts` or its MySQL/MariaDB
 * counterpart in `./mysql/`.
 */
import type { NewOAuthClient } from './pg/oauth-clients.ts';
import type { OAuthClientRow } from './schema/oauth-clients.ts';
import type { Session } from './session.ts';
import * as pg from './pg/oauth-clients.ts';
import * as mysqlOwnClients from './mysql/own-clients.ts';
export type { NewOAuthClient } from './pg/oauth-clients.ts';

export function insertOAuthClient(s: Session, client: NewOAuthClient): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlOwnClients.insertOAuthClient(s.db, s.tables, client)
    : pg.insertOAuthClient(s.db, client);
}

/**
 * The registration `clientId` if it has not expired at `now`, after recording the use:
 * `LastUsedAt` becomes `now` and `ExpiresAt` becomes `expiresAt`. Undefined when unknown or
 * expired (an expired registration is not revived).
 */
export function useOAuthClient(
  s: Session,
  clientId: string,
  now: Date,
  expiresAt: Date,
): Promise<OAuthClientRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlOwnClients.useOAuthClient(s.db, s.tables, { clientId, now, expiresAt })
    : pg.useOAuthClient(s.db, clientId, now, expiresAt);
}

/** Deletes registrations that expired at or before `now`; returns how many. */
export function deleteExpiredOAuthClients(s: Session, now: Date): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlOwnClients.deleteExpiredOAuthClients(s.db, s.tables, now)
    : pg.deleteExpiredOAuthClients(s.db, now);
}
