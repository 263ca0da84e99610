/**
 * @module testing/config
 * The testing kit's configuration: a copy of the shipped development configuration
 * (`src/config/default.yml`: VOs lhcb and gridpp), with the test's users added and its edits
 * applied, validated by the schema the extensions compose (so their user fields are typed as in a
 * deployment). Throws what the server would refuse to start with.
 */
import { DEFAULT_CONFIG_PATH } from '../config/file-source.ts';
import type { Config } from '../config/schema.ts';
import { ConfigStore, createConfigSnapshot } from '../config/store.ts';
import { composeExtensions } from '../extensions/compose.ts';
import type { Extension } from '../extensions/contract.ts';
import {
  addTestUsers,
  type DefaultTestUserName,
  type TestConfigDocument,
  type TestUser,
  type TestUserSpec,
} from './users.ts';

/** What the test configuration is made of; everything is optional. */
export interface TestConfigOptions<U extends string = never> {
  /** The extensions whose configuration fields the document may use (none: the core schema). */
  extensions?: readonly Extension[];
  /** Users to add, by the name the test calls them (beside `DEFAULT_TEST_USERS`). */
  users?: Readonly<Record<U, TestUserSpec>>;
  /**
   * Edits the document (users already added) before it is validated, e.g. to set an
   * extension's user field: `(doc) => { configUser(doc, 'lhcb', 'chaen').X = 1; }`.
   */
  edit?: (document: TestConfigDocument, users: Readonly<Record<DefaultTestUserName | U, TestUser>>) => void;
}

/** A validated test configuration and its users. */
export interface TestConfig<U extends string = never> {
  store: ConfigStore;
  config: Config;
  users: Readonly<Record<DefaultTestUserName | U, TestUser>>;
}

/**
 * Builds the test configuration; throws `ConfigValidationError` (with the failing path in its
 * message) when the result is invalid, `ExtensionError` when the extensions conflict, and
 * `TypeError` for a user that cannot be added.
 */
export async function buildTestConfig<U extends string = never>(
  options: TestConfigOptions<U> = {},
): Promise<TestConfig<U>> {
  const document = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as TestConfigDocument;
  const users = addTestUsers(document, options.users ?? ({} as Record<U, TestUserSpec>));
  options.edit?.(document, users);
  const text = JSON.stringify(document);
  const schema = composeExtensions(options.extensions ?? []).configSchema;
  const snapshot = await createConfigSnapshot(JSON.parse(text), text, new Date(), schema);
  return { store: new ConfigStore(snapshot), config: snapshot.config, users };
}
