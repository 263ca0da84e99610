/**
 * @module db/mysql/schema/sandbox-metadata-db
 * DiracX 0.7.0's SandboxMetadataDB on MySQL/MariaDB (`diracx/db/sql/sandbox_metadata/schema.py`):
 * sandbox owners, sandboxes and their assignment to jobs (`EntityId` is `Job:<id>`).
 */
import { bigint, boolean, index, int, primaryKey, unique, varchar } from 'drizzle-orm/mysql-core';
import { type TableFn, utcDatetime, utcNow } from './columns.ts';

export function sandboxMetadataDbTables(table: TableFn) {
  const sandboxOwners = table(
    'sb_Owners',
    {
      ownerId: int('OwnerID').autoincrement().notNull(),
      owner: varchar('Owner', { length: 32 }).notNull(),
      ownerGroup: varchar('OwnerGroup', { length: 32 }).notNull(),
      vo: varchar('VO', { length: 64 }).notNull(),
    },
    (t) => [primaryKey({ columns: [t.ownerId] }), unique('unique_owner_group_vo').on(t.owner, t.ownerGroup, t.vo)],
  );

  const sandboxes = table(
    'sb_SandBoxes',
    {
      sbId: int('SBId').autoincrement().notNull(),
      ownerId: int('OwnerId').notNull(),
      seName: varchar('SEName', { length: 64 }).notNull(),
      sePfn: varchar('SEPFN', { length: 512 }).notNull(),
      bytes: bigint('Bytes', { mode: 'number' }).notNull(),
      registrationTime: utcDatetime('RegistrationTime').notNull().default(utcNow),
      lastAccessTime: utcDatetime('LastAccessTime').notNull().default(utcNow),
      assigned: boolean('Assigned')
        .notNull()
        .$defaultFn(() => false),
    },
    (t) => [
      primaryKey({ columns: [t.sbId] }),
      unique('Location').on(t.seName, t.sePfn),
      index('OwnerId').on(t.ownerId),
    ],
  );

  const sandboxEntityMapping = table(
    'sb_EntityMapping',
    {
      sbId: int('SBId').notNull(),
      entityId: varchar('EntityId', { length: 128 }).notNull(),
      type: varchar('Type', { length: 64 }).notNull(),
    },
    (t) => [
      primaryKey({ columns: [t.sbId, t.entityId, t.type] }),
      // DiracX's Index("SBId", "EntityId"): an index named SBId on the EntityId column.
      index('SBId').on(t.entityId),
      unique('Mapping').on(t.sbId, t.entityId, t.type),
    ],
  );

  return { sandboxOwners, sandboxes, sandboxEntityMapping };
}
