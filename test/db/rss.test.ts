/**
 * The ResourceStatusDB tables and queries on whichever driver the run uses (PGlite by default,
 * PostgreSQL when DATABASE_URL is set, DiracX's ResourceStatusDB on MariaDB in the MariaDB mode):
 * DiracX's table and column names, types, lengths, server defaults and primary keys (PostgreSQL's
 * schema; MySQL's is compared with DiracX's own in test/db/mysql/diracx-schema); a status write
 * replaces the current row and appends a log row; the reads filter by status type and element
 * type; a deletion reports whether a row went.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { asc, sql } from 'drizzle-orm';
import {
  deleteStatus,
  listStatuses,
  selectResourceStatuses,
  selectSiteStatuses,
  writeStatus,
  type StatusWrite,
} from '../../src/db/rss.ts';
import { siteLog, siteStatus } from '../../src/db/schema/rss.ts';
import { createTestDatabase, POSTGRES_ONLY, postgresOf, type TestDatabase } from '../harness/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

interface ColumnInfo extends Record<string, unknown> {
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  is_nullable: string;
}

const columnsOf = (table: string) =>
  postgresOf(t.database).query<ColumnInfo>(
    sql`select column_name, data_type, character_maximum_length, is_nullable from information_schema.columns
        where table_schema = 'public' and table_name = ${table} order by ordinal_position`,
  );

/** DiracX's `ElementStatusBase` columns: name, SQL type, length. */
const STATUS_COLUMNS = [
  ['Name', 'character varying', 64],
  ['StatusType', 'character varying', 128],
  ['VO', 'character varying', 64],
  ['Status', 'character varying', 8],
  ['Reason', 'character varying', 512],
  ['DateEffective', 'timestamp with time zone', null],
  ['TokenExpiration', 'timestamp with time zone', null],
  ['ElementType', 'character varying', 32],
  ['LastCheckTime', 'timestamp with time zone', null],
  ['TokenOwner', 'character varying', 16],
];

describe.skipIf(POSTGRES_ONLY)("PostgreSQL's ResourceStatusDB schema (MySQL's: test/db/mysql/diracx-schema)", () => {
  for (const table of ['SiteStatus', 'ResourceStatus']) {
    it(`creates ${table} with DiracX's columns, all NOT NULL, keyed by (Name, StatusType, VO)`, async () => {
      const columns = await columnsOf(table);
      expect(columns.map((c) => [c.column_name, c.data_type, c.character_maximum_length])).toEqual(STATUS_COLUMNS);
      expect(columns.every((c) => c.is_nullable === 'NO')).toBe(true);
      const key = await postgresOf(t.database).query<{ column_name: string }>(
        sql`select k.column_name from information_schema.table_constraints c
            join information_schema.key_column_usage k
              on k.constraint_name = c.constraint_name and k.table_name = c.table_name
            where c.table_name = ${table} and c.constraint_type = 'PRIMARY KEY' order by k.ordinal_position`,
      );
      expect(key.map((k) => k.column_name)).toEqual(['Name', 'StatusType', 'VO']);
    });
  }

  for (const table of ['SiteLog', 'SiteHistory', 'ResourceLog', 'ResourceHistory']) {
    it(`creates ${table} with an ID bigint first and the same columns`, async () => {
      const columns = await columnsOf(table);
      expect(columns.map((c) => [c.column_name, c.data_type, c.character_maximum_length])).toEqual([
        ['ID', 'bigint', null],
        ...STATUS_COLUMNS,
      ]);
    });
  }

  it("fills DiracX's server defaults", async () => {
    const at = new Date('2026-11-20T10:00:00Z');
    await postgresOf(t.database).db.insert(siteStatus).values({ name: 'Defaults.site', dateEffective: at });
    const [row] = await postgresOf(t.database)
      .db.select()
      .from(siteStatus)
      .where(sql`${siteStatus.name} = 'Defaults.site'`);
    expect(row).toEqual({
      name: 'Defaults.site',
      statusType: 'all',
      vo: 'all',
      status: '',
      reason: 'Unspecified',
      dateEffective: at,
      tokenExpiration: new Date('9999-12-31T23:59:59Z'),
      elementType: '',
      lastCheckTime: new Date('1000-01-01T00:00:00Z'),
      tokenOwner: 'rs_svc',
    });
    await postgresOf(t.database).db.delete(siteStatus);
  });
});

/** The `SiteLog` rows in write order: status, effective date, last check time. */
async function siteLogRows(): Promise<[string, Date, Date][]> {
  const { database } = t;
  const rows =
    database.driver === 'mysql'
      ? await database.db.select().from(database.tables.siteLog).orderBy(asc(database.tables.siteLog.id))
      : await database.db.select().from(siteLog).orderBy(asc(siteLog.id));
  return rows.map((r) => [r.status, r.dateEffective, r.lastCheckTime]);
}

describe('ResourceStatusDB queries', () => {
  const write = (over: Partial<StatusWrite>): StatusWrite => ({
    name: 'LCG.CERN.cern',
    statusType: 'all',
    vo: 'all',
    status: 'Active',
    reason: '',
    elementType: 'Site',
    at: new Date('2026-11-20T10:00:00Z'),
    tokenOwner: 'rs_svc',
    ...over,
  });

  it('replaces the current row and logs every write', async () => {
    await t.database.transaction((tx) => writeStatus(tx, 'site', write({})));
    const later = new Date('2026-11-20T11:00:00Z');
    await t.database.transaction((tx) =>
      writeStatus(tx, 'site', write({ status: 'Banned', reason: 'down', at: later })),
    );
    expect(await selectSiteStatuses(t.database.session)).toEqual([
      {
        name: 'LCG.CERN.cern',
        statusType: 'all',
        vo: 'all',
        status: 'Banned',
        reason: 'down',
        elementType: 'Site',
        dateEffective: later,
      },
    ]);
    expect(await siteLogRows()).toEqual([
      ['Active', new Date('2026-11-20T10:00:00Z'), new Date('2026-11-20T10:00:00Z')],
      ['Banned', later, later],
    ]);
  });

  it('reads resources of the given status types and element type only', async () => {
    await t.database.transaction(async (tx) => {
      await writeStatus(tx, 'resource', write({ name: 'ce1', elementType: 'ComputeElement' }));
      await writeStatus(tx, 'resource', write({ name: 'fts1', elementType: 'FTS' }));
      await writeStatus(
        tx,
        'resource',
        write({ name: 'se1', elementType: 'StorageElement', statusType: 'ReadAccess' }),
      );
    });
    const names = async (types: string[], elementType: string) =>
      (await selectResourceStatuses(t.database.session, types, elementType)).map((r) => r.name);
    expect(await names(['all'], 'ComputeElement')).toEqual(['ce1']);
    expect(await names(['all'], 'FTS')).toEqual(['fts1']);
    expect(await names(['ReadAccess', 'WriteAccess'], 'StorageElement')).toEqual(['se1']);
    expect(await names(['all'], 'StorageElement')).toEqual([]);
    expect((await listStatuses(t.database.session, 'resource', 'FTS')).map((r) => r.name)).toEqual(['fts1']);
  });

  it('deletes one row and says whether there was one', async () => {
    const key = { name: 'ce1', statusType: 'all', vo: 'all' };
    expect(await t.database.transaction((tx) => deleteStatus(tx, 'resource', key))).toBe(true);
    expect(await t.database.transaction((tx) => deleteStatus(tx, 'resource', key))).toBe(false);
    const left = await listStatuses(t.database.session, 'resource');
    expect(left.map((r) => r.name).sort()).toEqual(['fts1', 'se1']);
  });
});
