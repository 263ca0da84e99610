/**
 * @module gubbins/logic
 * What gubbins does with its table, independent of HTTP and MCP: add, list and remove owners,
 * always within one VO. Callers check the gubbins policy first; these functions only confine
 * every statement to the VO they are given, so no call can read or change another VO's rows.
 * The table exists on both SQL dialects the server runs on; each function hands the session to
 * its dialect's queries (`./owners-postgres.ts`, `./owners-mysql.ts`), which answer alike.
 */
import type { Session } from '@diracx-ts/sdk';
import * as mysql from './owners-mysql.ts';
import * as postgres from './owners-postgres.ts';
import type { GubbinsOwnerRow } from './schema.ts';

export interface NewOwner {
  vo: string;
  name: string;
  /** Preferred username of the caller. */
  createdBy: string;
}

/**
 * Adds an owner and returns its row. Throws `ConflictError` when the VO already has an owner of
 * that name: decided by the unique index, so two concurrent calls cannot both succeed.
 */
export function addOwner(session: Session, owner: NewOwner): Promise<GubbinsOwnerRow> {
  return session.dialect === 'mysql' ? mysql.addOwner(session, owner) : postgres.addOwner(session.db, owner);
}

/** The owners of `vo`, oldest first. */
export function listOwners(session: Session, vo: string): Promise<GubbinsOwnerRow[]> {
  return session.dialect === 'mysql' ? mysql.listOwners(session, vo) : postgres.listOwners(session.db, vo);
}

/**
 * Removes owner `ownerId` of `vo` and returns the removed row. Throws `NotFoundError` when `vo`
 * has no such owner, whether the id is unused or belongs to another VO (which is not revealed).
 */
export function removeOwner(session: Session, vo: string, ownerId: number): Promise<GubbinsOwnerRow> {
  return session.dialect === 'mysql'
    ? mysql.removeOwner(session, vo, ownerId)
    : postgres.removeOwner(session.db, vo, ownerId);
}
