/**
 * @module gubbins/owners-mysql
 * The owners' queries on MySQL/MariaDB, for `./logic.ts`: the same answers as
 * `./owners-postgres.ts` without `RETURNING` or `ON CONFLICT`. Every statement is confined to the
 * VO it is given.
 */
import { and, asc, eq } from 'drizzle-orm';
import { ConflictError, isUniqueViolation, type MysqlSession, NotFoundError } from '@diracx-ts/sdk';
import type { NewOwner } from './logic.ts';
import type { GubbinsOwnerRow } from './schema.ts';
import { gubbinsMysqlTables } from './schema-mysql.ts';

async function findOwner(session: MysqlSession, vo: string, ownerId: number): Promise<GubbinsOwnerRow | undefined> {
  const { gubbinsOwners } = gubbinsMysqlTables(session);
  const [row] = await session.db
    .select()
    .from(gubbinsOwners)
    .where(and(eq(gubbinsOwners.vo, vo), eq(gubbinsOwners.ownerId, ownerId)));
  return row;
}

/** Adds an owner; a duplicate name is decided by the unique index (the insert fails with ER_DUP_ENTRY). */
export async function addOwner(session: MysqlSession, owner: NewOwner): Promise<GubbinsOwnerRow> {
  const { gubbinsOwners } = gubbinsMysqlTables(session);
  let inserted: { ownerId: number }[];
  try {
    inserted = await session.db
      .insert(gubbinsOwners)
      .values({ vo: owner.vo, name: owner.name, createdBy: owner.createdBy })
      .$returningId();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(`Owner ${JSON.stringify(owner.name)} already exists in VO ${owner.vo}`);
    throw err;
  }
  const ownerId = inserted[0]?.ownerId;
  // The row as stored (its creation time is the database's), read back by its new id.
  const row = ownerId === undefined ? undefined : await findOwner(session, owner.vo, ownerId);
  if (!row) throw new Error(`gubbins: owner ${String(ownerId)} vanished after its insert`);
  return row;
}

export function listOwners(session: MysqlSession, vo: string): Promise<GubbinsOwnerRow[]> {
  const { gubbinsOwners } = gubbinsMysqlTables(session);
  return session.db.select().from(gubbinsOwners).where(eq(gubbinsOwners.vo, vo)).orderBy(asc(gubbinsOwners.ownerId));
}

/**
 * Reads the row, then deletes it: a delete that finds nothing (another call removed it
 * meanwhile) is a `NotFoundError`, as when the row was never there, so one call of two wins.
 */
export async function removeOwner(session: MysqlSession, vo: string, ownerId: number): Promise<GubbinsOwnerRow> {
  const { gubbinsOwners } = gubbinsMysqlTables(session);
  const row = await findOwner(session, vo, ownerId);
  if (row) {
    const [result] = await session.db
      .delete(gubbinsOwners)
      .where(and(eq(gubbinsOwners.vo, vo), eq(gubbinsOwners.ownerId, ownerId)));
    if (result.affectedRows === 1) return row;
  }
  throw new NotFoundError(`Owner ${ownerId} not found`);
}
