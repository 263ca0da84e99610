/**
 * @module db/client-assertions
 * The client assertions already used (replay protection for `private_key_jwt`), on whichever
 * dialect the session is: each function hands the session to `./pg/client-assertions.ts` or its
 * MySQL/MariaDB counterpart in `./mysql/`.
 */

import type { Session } from './session.ts';
import * as pg from './pg/client-assertions.ts';
import * as mysqlOwnClients from './mysql/own-clients.ts';

/** Records a used assertion id; `'replayed'` when the client already used it. */
export function recordClientAssertion(
  s: Session,
  entry: { clientId: string; jti: string; expiresAt: Date },
): Promise<'recorded' | 'replayed'> {
  return s.dialect === 'mysql'
    ? mysqlOwnClients.recordClientAssertion(s.db, s.tables, entry)
    : pg.recordClientAssertion(s.db, entry);
}

/** Deletes ids of assertions that have expired; returns how many. */
export function deleteExpiredClientAssertions(s: Session, now: Date): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlOwnClients.deleteExpiredClientAssertions(s.db, s.tables, now)
    : pg.deleteExpiredClientAssertions(s.db, now);
}
