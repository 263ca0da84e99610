/**
 * drizzle-kit configuration for our own tables on MySQL/MariaDB (`bun run generate:mysql`): SQL
 * migrations of the database that holds what DiracX lacks. DiracX's own tables are not migrated
 * by us (`bun run mysql-ddl` writes the DDL that creates them in a standalone installation).
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'mysql',
  schema: './src/db/mysql/schema/own.ts',
  out: './src/db/mysql/migrations',
});
