/**
 * The committed DDL of DiracX's tables on MySQL (`src/db/mysql/diracx-tables/<Db>.sql`) is what
 * the table definitions of `src/db/mysql/schema/` generate: `bun run mysql-ddl` after a change.
 */
import { describe, expect, it } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DATABASES, diracxDdlFile } from '../../../src/db/mysql/diracx-ddl.ts';

const TABLES_DIR = join(import.meta.dir, '../../../src/db/mysql/diracx-tables');

describe('src/db/mysql/diracx-tables', () => {
  for (const database of SQL_DATABASES) {
    it(`${database}.sql is current (else: bun run mysql-ddl)`, async () => {
      const committed = readFileSync(join(TABLES_DIR, `${database}.sql`), 'utf8');
      expect(committed).toBe(await diracxDdlFile(database));
    });
  }
});
