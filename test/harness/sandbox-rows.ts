/**
 * The sandbox tables as tests read and alter them, on either dialect of the test database:
 * PostgreSQL's schema (`src/db/schema/sandboxes.ts`) or DiracX's SandboxMetadataDB on
 * MySQL/MariaDB, whose drizzle tables share the property names. What the data layer offers no
 * function for: a sandbox's row and mappings by PFN, how many sandboxes are registered, a column
 * set on every sandbox (a state the logic never makes itself, such as DiracX's orphans), and
 * emptying the tables between tests.
 */
import { asc, count, eq } from 'drizzle-orm';
import { sandboxEntityMapping, sandboxes } from '../../src/db/schema/sandboxes.ts';
import type { AnyDatabase } from './database.ts';

export interface StoredSandboxRow {
  sbId: number;
  ownerId: number;
  seName: string;
  sePfn: string;
  assigned: boolean;
  lastAccessTime: Date;
}

/** The row of the sandbox at short PFN `sePfn`, or undefined. */
export async function readSandboxRow(database: AnyDatabase, sePfn: string): Promise<StoredSandboxRow | undefined> {
  const rows =
    database.driver === 'mysql'
      ? await database.db.select().from(database.tables.sandboxes).where(eq(database.tables.sandboxes.sePfn, sePfn))
      : await database.db.select().from(sandboxes).where(eq(sandboxes.sePfn, sePfn));
  return rows[0];
}

/** The `Type:EntityId` mappings of sandbox `sbId`, by entity. */
export async function readSandboxMappings(database: AnyDatabase, sbId: number): Promise<string[]> {
  const rows =
    database.driver === 'mysql'
      ? await database.db
          .select()
          .from(database.tables.sandboxEntityMapping)
          .where(eq(database.tables.sandboxEntityMapping.sbId, sbId))
          .orderBy(asc(database.tables.sandboxEntityMapping.entityId))
      : await database.db
          .select()
          .from(sandboxEntityMapping)
          .where(eq(sandboxEntityMapping.sbId, sbId))
          .orderBy(asc(sandboxEntityMapping.entityId));
  return rows.map((m) => `${m.type}:${m.entityId}`);
}

/** Sets columns of every sandbox row. */
export async function setEverySandbox(
  database: AnyDatabase,
  values: { assigned?: boolean; seName?: string },
): Promise<void> {
  if (database.driver === 'mysql') await database.db.update(database.tables.sandboxes).set(values);
  else await database.db.update(sandboxes).set(values);
}

/** Deletes every sandbox and mapping (the owners stay). */
export async function deleteEverySandbox(database: AnyDatabase): Promise<void> {
  if (database.driver === 'mysql') {
    await database.db.delete(database.tables.sandboxEntityMapping);
    await database.db.delete(database.tables.sandboxes);
    return;
  }
  await database.db.delete(sandboxEntityMapping);
  await database.db.delete(sandboxes);
}

/** How many sandboxes are registered. */
export async function countSandboxes(database: AnyDatabase): Promise<number> {
  const rows =
    database.driver === 'mysql'
      ? await database.db.select({ n: count() }).from(database.tables.sandboxes)
      : await database.db.select({ n: count() }).from(sandboxes);
  return Number(rows[0]?.n ?? 0);
}
