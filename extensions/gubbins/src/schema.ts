/**
 * @module gubbins/schema
 * The gubbins table on PostgreSQL, as drizzle sees it: queries are written against this
 * definition, and drizzle-kit can generate the SQL migration from it (see the README). The table
 * itself is created by `migrations/0000_gubbins_owners.sql`; keep the two in step (and the MySQL
 * side, `./schema-mysql.ts`). `GubbinsOwnerRow` is the row both dialects' queries return.
 */
import { pgTable, serial, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

/** One owner per (VO, name): what the example routes and tools create, list and remove. */
export const gubbinsOwners = pgTable(
  'GubbinsOwners',
  {
    ownerId: serial('OwnerID').primaryKey(),
    vo: varchar('VO', { length: 64 }).notNull(),
    name: varchar('Name', { length: 255 }).notNull(),
    /** Preferred username of whoever added the owner. */
    createdBy: varchar('CreatedBy', { length: 255 }).notNull(),
    creationTime: timestamp('CreationTime', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('GubbinsOwners_VO_Name').on(t.vo, t.name)],
);

export type GubbinsOwnerRow = typeof gubbinsOwners.$inferSelect;
