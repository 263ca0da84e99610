/**
 * @module gubbins/schema-mysql
 * The gubbins table on MySQL/MariaDB, as drizzle sees it: the same columns as `./schema.ts`, in
 * our own database, whose name the deployment chooses, so the table is declared for a schema and
 * qualified per session (`ownMysqlTables`). Created by `migrations/mysql/0000_gubbins_owners.sql`;
 * keep the three in step.
 */
import { sql } from 'drizzle-orm';
import { datetime, int, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { ownMysqlTables } from '@diracx-ts/sdk';

/** The gubbins tables in a session's own database. */
export const gubbinsMysqlTables = ownMysqlTables((own) => ({
  gubbinsOwners: own.table(
    'GubbinsOwners',
    {
      ownerId: int('OwnerID').autoincrement().primaryKey(),
      vo: varchar('VO', { length: 64 }).notNull(),
      name: varchar('Name', { length: 255 }).notNull(),
      createdBy: varchar('CreatedBy', { length: 255 }).notNull(),
      // Naive UTC, as the server's connections keep their time zone at UTC.
      creationTime: datetime('CreationTime', { mode: 'date', fsp: 6 }).notNull().default(sql`CURRENT_TIMESTAMP(6)`),
    },
    (t) => [uniqueIndex('GubbinsOwners_VO_Name').on(t.vo, t.name)],
  ),
}));
