/**
 * @module db/mysql/ddl-cli
 * `bun run mysql-ddl`: writes `src/db/mysql/diracx-tables/<Db>.sql`, the DDL of DiracX's tables
 * on MySQL/MariaDB generated from `src/db/mysql/schema/`. Run it after changing a table there;
 * test/db/mysql/diracx-ddl.test.ts fails while the files are stale.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DATABASES, diracxDdlFile } from './diracx-ddl.ts';

export const TABLES_DIR = join(import.meta.dir, 'diracx-tables');

if (import.meta.main) {
  mkdirSync(TABLES_DIR, { recursive: true });
  for (const database of SQL_DATABASES) {
    const path = join(TABLES_DIR, `${database}.sql`);
    await Bun.write(path, await diracxDdlFile(database));
    console.log(`wrote ${path}`);
  }
}
