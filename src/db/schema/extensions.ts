/**
 * @module db/schema/extensions
 * Which extension migrations this database has applied (ours; DiracX's extensions bring their
 * own databases). Extensions' own tables are created by those migrations, not declared here.
 */
import { pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

export const extensionMigrations = pgTable(
  'ExtensionMigrations',
  {
    extension: varchar('Extension', { length: 64 }).notNull(),
    name: varchar('Name', { length: 255 }).notNull(),
    appliedAt: timestamp('AppliedAt', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.extension, t.name] })],
);
