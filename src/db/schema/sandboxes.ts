/**
 * @module db/schema/sandboxes
 * DiracX's SandboxMetadataDB (`diracx-db/.../sandbox_metadata/schema.py`): sandbox owners,
 * sandboxes (content-addressed by their PFN in the store), and which jobs they belong to.
 */
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

const utcNow = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const sandboxOwners = pgTable(
  'sb_Owners',
  {
    ownerId: serial('OwnerID').primaryKey(),
    owner: varchar('Owner', { length: 32 }).notNull(),
    ownerGroup: varchar('OwnerGroup', { length: 32 }).notNull(),
    vo: varchar('VO', { length: 64 }).notNull(),
  },
  (t) => [uniqueIndex('sb_Owners_unique_owner_group_vo').on(t.owner, t.ownerGroup, t.vo)],
);

export const sandboxes = pgTable(
  'sb_SandBoxes',
  {
    sbId: serial('SBId').primaryKey(),
    ownerId: integer('OwnerId').notNull(),
    seName: varchar('SEName', { length: 64 }).notNull(),
    /** `/S3/<bucket>/<vo>/<group>/<user>/<alg>:<checksum>.<format>` (the short PFN). */
    sePfn: varchar('SEPFN', { length: 512 }).notNull(),
    bytes: bigint('Bytes', { mode: 'number' }).notNull(),
    registrationTime: utcNow('RegistrationTime'),
    lastAccessTime: utcNow('LastAccessTime'),
    /** True while at least one job references it. */
    assigned: boolean('Assigned').notNull().default(false),
  },
  (t) => [index('sb_SandBoxes_OwnerId').on(t.ownerId), uniqueIndex('sb_SandBoxes_Location').on(t.seName, t.sePfn)],
);

export const sandboxEntityMapping = pgTable(
  'sb_EntityMapping',
  {
    sbId: integer('SBId').notNull(),
    /** `Job:<id>`. */
    entityId: varchar('EntityId', { length: 128 }).notNull(),
    /** `Input` or `Output`. */
    type: varchar('Type', { length: 64 }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'sb_EntityMapping_pk', columns: [t.sbId, t.entityId, t.type] }),
    index('sb_EntityMapping_SBId_EntityId').on(t.sbId, t.entityId),
    index('sb_EntityMapping_EntityId').on(t.entityId),
  ],
);
