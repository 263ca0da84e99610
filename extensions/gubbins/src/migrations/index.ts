/**
 * @module gubbins/migrations
 * The extension's SQL migrations, in the order they apply. Each is recorded by (extension, name)
 * once applied, so a name never changes and a new migration is appended, never edited in place.
 * The files are imported as text: Bun inlines them into `bun build` bundles, so nothing is read
 * from disk at run time.
 */
import type { ExtensionMigration } from '@diracx-ts/sdk';
import gubbinsOwners from './0000_gubbins_owners.sql' with { type: 'text' };

export const migrations: readonly ExtensionMigration[] = [{ name: '0000_gubbins_owners', sql: gubbinsOwners }];
