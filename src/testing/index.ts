/**
 * @module testing
 * The extension testing kit, `@diracx-ts/sdk/testing` (mapped here by `tsconfig.json`): what an
 * extension's own tests need to run the real server with it enabled, from outside this
 * repository. `startExtensionTestServer({ extensions: [myExtension] })` gives the handler over a
 * fresh migrated database (the extension's migrations applied; PostgreSQL or PGlite, or
 * MySQL/MariaDB with `createDatabase: createMigratedMysqlTestDatabase`), a test configuration
 * with named users, and their tokens for REST and `/mcp`. Test-side only: the server never
 * imports it, and it imports nothing from `test/`. See docs/extensions.md, "Testing an extension".
 */
export { startExtensionTestServer } from './server.ts';
export type { ExtensionTestServer, ExtensionTestServerOptions, JsonCall, TestTokenOptions } from './server.ts';
export { buildTestConfig } from './config.ts';
export type { TestConfig, TestConfigOptions } from './config.ts';
export { configUser, DEFAULT_TEST_USERS } from './users.ts';
export type { DefaultTestUserName, TestConfigDocument, TestUser, TestUserSpec } from './users.ts';
export { createMigratedTestDatabase } from './database.ts';
export type { TestableDatabase, TestDatabase, TestDatabaseFactory } from './database.ts';
// MySQL/MariaDB (an extension's `mysql` migrations and queries): a fresh set on DIRACX_TEST_MYSQL_URL.
export {
  createMigratedMysqlTestDatabase,
  mysqlTestServerAvailability,
  TEST_MYSQL_SERVER_URL,
} from './mysql-database.ts';
export type {
  MysqlTestDatabase,
  MysqlTestDatabaseOptions,
  MysqlTestServerAvailability,
} from './mysql-database.ts';
export type { TestApp } from './app.ts';
// What `buildTestConfig` and `startExtensionTestServer` throw for an invalid configuration.
export { ConfigValidationError } from '../config/parse.ts';
