/**
 * Migrated embedded-database directories for test servers. The core migrations are applied once
 * to an on-disk PGlite directory, the template, and every server start gets its own recursive
 * copy of it (`DIRACX_DATA_DIR`), so that a server skips `initdb` and the migrations at start (its
 * own migration run finds them applied and does nothing). A copy is removed once its server has
 * exited. The template is kept on purpose, like PostgreSQL's `tmpl_<hash>`: it is named after a
 * hash of the migration files and PGlite's version (`diracx-test-server-db-<hash>` in the
 * temporary directory), so later runs skip building it; it is built under a temporary name and
 * renamed when complete, so parallel runs share it safely. Old ones can be removed at any time
 * when no run is going.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { openMigratedDatabase } from '../../src/db/open.ts';
import { migrationsHash } from './database.ts';

const PGLITE_MANIFEST = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url));

function templatePath(): string {
  const { version } = JSON.parse(readFileSync(PGLITE_MANIFEST, 'utf8')) as { version: string };
  const hash = createHash('sha256').update(migrationsHash()).update('\0').update(version).digest('hex').slice(0, 16);
  return join(tmpdir(), `diracx-test-server-db-${hash}`);
}

let template: Promise<string> | undefined;

/** The migrated template directory (built when missing; never handed to a server). */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const path = templatePath();
    if (existsSync(path)) return path;
    const building = await mkdtemp(`${path}.building-`);
    try {
      const database = await openMigratedDatabase({ dataDir: join(building, 'data'), thread: 'inline' }, (db) =>
        migrateDatabase(db),
      );
      await database.close();
      // Another run may have renamed its own first: then that one is used.
      await rename(join(building, 'data'), path).catch((err: unknown) => {
        if (!existsSync(path)) throw err;
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
    return path;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

/** A fresh copy of the migrated template for one server, and how to remove it. */
export async function migratedDataDirCopy(): Promise<{ path: string; remove: () => void }> {
  const source = await migratedTemplate();
  const root = await mkdtemp(join(tmpdir(), 'diracx-server-data-'));
  const path = join(root, 'data');
  await cp(source, path, { recursive: true });
  return { path, remove: () => rmSync(root, { recursive: true, force: true }) };
}
