/**
 * In-process application for handler tests: the testing kit's (`src/testing/app.ts`, which
 * extensions reach as `@diracx-ts/sdk/testing`) over this repository's fast test databases
 * (`./database.ts`, cloned from a migrated template) instead of the kit's migrate-each-time default.
 */
import { createTestApp as createKitTestApp, type TestApp, type TestAppOverrides } from '../../src/testing/app.ts';
import { createTestDatabase } from './database.ts';

export { DEFAULT_TEST_OPTIONS } from '../../src/testing/app.ts';
export type { TestApp, TestAppOverrides } from '../../src/testing/app.ts';

/** The kit's `createTestApp`, on a database cloned from the migrated template unless one is given. */
export function createTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  return createKitTestApp({ createDatabase: () => createTestDatabase(), ...overrides });
}
