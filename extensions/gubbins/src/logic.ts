/**
 * @module gubbins/logic
 * What gubbins does with its table, independent of HTTP and MCP: add, list and remove owners,
 * always within one VO. Callers check the gubbins policy first; these functions only confine
 * every statement to the VO they are given, so no call can read or change another VO's rows.
 * Its table is a PostgreSQL table (the server refuses gubbins on MySQL/MariaDB).
 */
import { and, asc, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError, postgresHandle, type Session } from '@diracx-ts/sdk';
import { gubbinsOwners, type GubbinsOwnerRow } from './schema.ts';

export interface NewOwner {
  vo: string;
  name: string;
  /** Preferred username of the caller. */
  createdBy: string;
}

/**
 * Adds an owner and returns its row. Throws `ConflictError` when the VO already has an owner of
 * that name: decided by the unique index (`ON CONFLICT DO NOTHING`), so two concurrent calls
 * cannot both succeed.
 */
export async function addOwner(session: Session, owner: NewOwner): Promise<GubbinsOwnerRow> {
  const db = postgresHandle(session, 'gubbins');
  const [row] = await db
    .insert(gubbinsOwners)
    .values({ vo: owner.vo, name: owner.name, createdBy: owner.createdBy })
    .onConflictDoNothing({ target: [gubbinsOwners.vo, gubbinsOwners.name] })
    .returning();
  if (!row) throw new ConflictError(`Owner ${JSON.stringify(owner.name)} already exists in VO ${owner.vo}`);
  return row;
}

/** The owners of `vo`, oldest first. */
export function listOwners(session: Session, vo: string): Promise<GubbinsOwnerRow[]> {
  const db = postgresHandle(session, 'gubbins');
  return db.select().from(gubbinsOwners).where(eq(gubbinsOwners.vo, vo)).orderBy(asc(gubbinsOwners.ownerId));
}

/**
 * Removes owner `ownerId` of `vo` and returns the removed row. Throws `NotFoundError` when `vo`
 * has no such owner, whether the id is unused or belongs to another VO (which is not revealed).
 */
export async function removeOwner(session: Session, vo: string, ownerId: number): Promise<GubbinsOwnerRow> {
  const db = postgresHandle(session, 'gubbins');
  const [row] = await db
    .delete(gubbinsOwners)
    .where(and(eq(gubbinsOwners.vo, vo), eq(gubbinsOwners.ownerId, ownerId)))
    .returning();
  if (!row) throw new NotFoundError(`Owner ${ownerId} not found`);
  return row;
}
