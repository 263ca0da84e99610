/**
 * DiracX's tables on MariaDB are ours: DiracX 0.7.0's own `python -m diracx.db init-sql` (its
 * SQLAlchemy metadata, `create_all` and `post_create`) creates one set of databases, our
 * generated DDL (`src/db/mysql/diracx-tables/*.sql`) another, and every table's columns (order,
 * type, nullability, server default, auto-increment), indexes, foreign keys (names, columns,
 * targets, rules) and CHECK constraints must read the same in information_schema. Needs MariaDB
 * and DiracX 0.7.0's venv with aiomysql; skips without them unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { sqlStatements } from '../../../src/db/mysql/migrate.ts';
import { SQL_DATABASES, type DiracxSqlDatabase } from '../../../src/db/mysql/schema/index.ts';
import { connectServer, createDatabaseSet, type DatabaseSet, diracxOnMariadb } from '../../harness/mariadb.ts';
import { runPython } from '../../interop/diracx-python.ts';

const TABLES_DIR = join(import.meta.dir, '../../../src/db/mysql/diracx-tables');
const SLOW_MS = 180_000;

/** What information_schema says about one database, in a stable order, without its name. */
async function describeDatabase(connection: mysql.Connection, schema: string): Promise<Record<string, unknown[]>> {
  const rows = async (statement: string): Promise<unknown[]> => {
    const [result] = await connection.query(statement, [schema]);
    return result as unknown[];
  };
  return {
    tables: await rows(
      `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
    ),
    columns: await rows(
      `SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
              CHARACTER_SET_NAME, COLLATION_NAME
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    ),
    indexes: await rows(
      `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, INDEX_TYPE
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    ),
    foreignKeys: await rows(
      `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.ORDINAL_POSITION, k.REFERENCED_TABLE_NAME,
              k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
       WHERE k.TABLE_SCHEMA = ? ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    ),
    checks: await rows(
      `SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
       WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
    ),
  };
}

/** The statements of one generated DDL file. */
function ddlStatements(database: DiracxSqlDatabase): string[] {
  return sqlStatements(readFileSync(join(TABLES_DIR, `${database}.sql`), 'utf8'));
}

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('DiracX tables on MariaDB', () => {
    it.skip(`match DiracX 0.7.0's own (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('DiracX tables on MariaDB', () => {
    let connection: mysql.Connection;
    let theirs: DatabaseSet;
    let ours: DatabaseSet;

    beforeAll(async () => {
      const python = shared.requirePython();
      connection = await connectServer();
      theirs = await createDatabaseSet(connection, 'dxref');
      ours = await createDatabaseSet(connection, 'dxts');
      const env = Object.fromEntries(
        SQL_DATABASES.map((db) => [`DIRACX_DB_URL_${db.toUpperCase()}`, theirs.diracxUrl(db)]),
      );
      const run = await runPython(python, ['-m', 'diracx.db', 'init-sql'], env, SLOW_MS - 30_000);
      if (run.code !== 0) throw new Error(`diracx.db init-sql failed (exit ${run.code}):\n${run.stderr.slice(-3000)}`);
      for (const database of SQL_DATABASES) {
        await connection.query(`USE \`${ours.names[database]}\``);
        for (const statement of ddlStatements(database)) await connection.query(statement);
      }
    }, SLOW_MS);

    afterAll(async () => {
      await theirs?.drop();
      await ours?.drop();
      await connection?.end();
    });

    for (const database of SQL_DATABASES) {
      it(`${database}: the same tables, columns, indexes, foreign keys and checks as DiracX's`, async () => {
        const expected = await describeDatabase(connection, theirs.names[database]);
        const actual = await describeDatabase(connection, ours.names[database]);
        // Not vacuous: DiracX created tables with columns in this database.
        expect(expected.tables?.length ?? 0).toBeGreaterThan(0);
        expect(expected.columns?.length ?? 0).toBeGreaterThan(0);
        expect(actual).toEqual(expected);
      });
    }

    it('a column that differs from DiracX is seen (the comparison is not blind)', async () => {
      const schema = ours.names.JobDB;
      await connection.query(`ALTER TABLE \`${schema}\`.\`Jobs\` MODIFY \`Site\` varchar(101) NOT NULL`);
      try {
        const expected = await describeDatabase(connection, theirs.names.JobDB);
        const actual = await describeDatabase(connection, schema);
        expect(actual).not.toEqual(expected);
      } finally {
        await connection.query(`ALTER TABLE \`${schema}\`.\`Jobs\` MODIFY \`Site\` varchar(100) NOT NULL`);
      }
    });
  });
}
