/**
 * @module gubbins/owners-postgres
 * The owners' queries on PostgreSQL (and the embedded database), for `./logic.ts`: every
 * statement confined to the VO it is given.
 */
import { and, asc, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError, type Db, type Tx } from '@diracx-ts/sdk';
import type { NewOwner } from './logic.ts';
import { gubbinsOwners, type GubbinsOwnerRow } from './schema.ts';

/** Adds an owner; a duplicate name is decided by the unique index (`ON CONFLICT DO NOTHING`). */
export async function addOwner(db: Db | Tx, owner: NewOwner): Promise<GubbinsOwnerRow> {
  const [row] = await db
    .insert(gubbinsOwners)
    .values({ vo: owner.vo, name: owner.name, createdBy: owner.createdBy })
    .onConflictDoNothing({ target: [gubbinsOwners.vo, gubbinsOwners.name] })
    .returning();
  if (!row) throw new ConflictError(`Owner ${JSON.stringify(owner.name)} already exists in VO ${owner.vo}`);
  return row;
}

export function listOwners(db: Db | Tx, vo: string): Promise<GubbinsOwnerRow[]> {
  return db.select().from(gubbinsOwners).where(eq(gubbinsOwners.vo, vo)).orderBy(asc(gubbinsOwners.ownerId));
}

export async function removeOwner(db: Db | Tx, vo: string, ownerId: number): Promise<GubbinsOwnerRow> {
  const [row] = await db
    .delete(gubbinsOwners)
    .where(and(eq(gubbinsOwners.vo, vo), eq(gubbinsOwners.ownerId, ownerId)))
    .returning();
  if (!row) throw new NotFoundError(`Owner ${ownerId} not found`);
  return row;
}
