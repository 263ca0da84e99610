/**
 * What the sdk gives extension code to reach its tables on each dialect: `postgresHandle` and
 * `mysqlHandle` hand over their own dialect's session and refuse the other with a
 * `DialectNotSupportedError` naming the caller; `ownMysqlTables` qualifies an extension's
 * mysql-core tables by the session's own database, built once per database name. The MySQL half
 * needs MariaDB; it skips without it unless DIRACX_REQUIRE_MARIADB_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { getTableConfig, int } from 'drizzle-orm/mysql-core';
import { DialectNotSupportedError, mysqlHandle, ownMysqlTables, postgresHandle } from '@diracx-ts/sdk';
import { createMigratedMysqlTestDatabase, mysqlTestServerAvailability } from '@diracx-ts/sdk/testing';
import type { MysqlDatabase } from '../../src/db/mysql/database.ts';
import { createMigratedTestDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { postgresOf } from '../harness/database.ts';

const thingsTables = ownMysqlTables((own) => ({ things: own.table('SdkThings', { id: int('ID') }) }));

describe('postgresHandle and mysqlHandle on PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    // The kit's default: PGlite (PostgreSQL with DATABASE_URL), whatever the harness's mode.
    t = await createMigratedTestDatabase();
  });
  afterAll(() => t.dispose());

  it('gives the drizzle handle to PostgreSQL code and refuses MySQL code, naming it', () => {
    const { session } = postgresOf(t.database);
    expect(postgresHandle(session, 'widgets')).toBe(postgresOf(t.database).db);
    const refused = (() => {
      try {
        return mysqlHandle(session, 'widgets');
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(DialectNotSupportedError);
    expect((refused as Error).message).toBe(`widgets runs on MySQL/MariaDB only, not on postgres`);
  });
});

const mysqlServer = await mysqlTestServerAvailability();
describe.skipIf(!mysqlServer.available && Bun.env.DIRACX_REQUIRE_MARIADB_TESTS !== '1')(
  `mysqlHandle and ownMysqlTables on MySQL${mysqlServer.available ? '' : ` (skipped: ${mysqlServer.reason})`}`,
  () => {
    let database: MysqlDatabase;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      const t = await createMigratedMysqlTestDatabase();
      database = t.database;
      dispose = t.dispose;
    }, 60_000);
    afterAll(() => dispose?.());

    it('gives the MySQL session (our database named) and refuses PostgreSQL code, naming it', () => {
      expect(mysqlHandle(database.session, 'widgets')).toBe(database.session);
      expect(database.session.ownDatabase).toBe(database.names.own);
      expect(() => postgresHandle(database.session, 'widgets')).toThrow(
        new DialectNotSupportedError('widgets', 'PostgreSQL', 'mysql'),
      );
    });

    it("qualifies an extension's tables by the session's own database, built once per name", async () => {
      const { things } = thingsTables(database.session);
      expect(getTableConfig(things).schema).toBe(database.names.own);
      expect(thingsTables(database.session).things).toBe(things);
      const other = { ...database.session, ownDatabase: 'elsewhere' };
      expect(getTableConfig(thingsTables(other).things).schema).toBe('elsewhere');
      // Usable as is inside a transaction's session too.
      await database.transaction(async (tx) => {
        expect(thingsTables(tx).things).toBe(things);
      });
    });
  },
);
