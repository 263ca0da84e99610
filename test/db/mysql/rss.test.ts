/**
 * Site and resource statuses in DiracX's ResourceStatusDB on MariaDB, shared with DiracX 0.7.0:
 * statuses DiracX inserts we list and select, statuses we write DiracX reads (and its cache
 * revision, the newest DateEffective, moves), a deletion is gone for DiracX too. Needs MariaDB and
 * DiracX's venv with aiomysql; skips without them unless DIRACX_REQUIRE_MARIADB_TESTS=1 /
 * DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import {
  deleteStatus,
  listStatuses,
  resourceStatusTypes,
  selectResourceStatuses,
  selectSiteStatuses,
  writeStatus,
} from '../../../src/db/mysql/rss.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-rss.py');
const AT = new Date('2026-12-06T09:10:00Z');

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('ResourceStatusDB shared with DiracX on MariaDB', () => {
    it.skip(`each server reads the other's statuses (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('ResourceStatusDB shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';

    async function diracxRss(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('ResourceStatusDB'), request, 'ResourceStatusDB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    it('lists the statuses DiracX inserted, with their UTC dates', async () => {
      const { database } = t;
      await diracxRss({
        op: 'insert_site',
        fields: { name: 'LCG.CERN.cern', status: 'Active', vo: 'all', date_effective: '2026-12-06T09:00:00+00:00' },
      });
      await diracxRss({
        op: 'insert_resource',
        fields: {
          name: 'CERN-DST-EOS',
          status: 'Banned',
          status_type: 'ReadAccess',
          vo: 'all',
          element_type: 'StorageElement',
          reason: 'downtime',
          date_effective: '2026-12-06T09:01:00+00:00',
        },
      });
      expect(await selectSiteStatuses(database.db, database.tables)).toEqual([
        {
          name: 'LCG.CERN.cern',
          statusType: 'all',
          vo: 'all',
          status: 'Active',
          reason: '',
          elementType: 'Site',
          dateEffective: new Date('2026-12-06T09:00:00Z'),
        },
      ]);
      const resources = await selectResourceStatuses(database.db, database.tables, ['ReadAccess'], 'StorageElement');
      expect(resources.map((r) => [r.name, r.status, r.reason])).toEqual([['CERN-DST-EOS', 'Banned', 'downtime']]);
      expect(
        await resourceStatusTypes(database.db, database.tables, {
          name: 'CERN-DST-EOS',
          vo: 'all',
          elementType: 'StorageElement',
        }),
      ).toEqual(['ReadAccess']);
    });

    it('DiracX reads the statuses we write, its revision moving to our date; each write is logged', async () => {
      const { database } = t;
      const write = { statusType: 'all', vo: 'all', reason: 'operator', elementType: 'Site', tokenOwner: 'chaen' };
      await database.transaction(async ({ db: tx }) => {
        await writeStatus(tx, database.tables, 'site', { ...write, name: 'LCG.CERN.cern', status: 'Banned', at: AT });
        await writeStatus(tx, database.tables, 'site', { ...write, name: 'LCG.PIC.es', status: 'Active', at: AT });
      });
      expect(await diracxRss({ op: 'sites' })).toEqual([
        ['LCG.CERN.cern', 'Banned', 'operator', 'all'],
        ['LCG.PIC.es', 'Active', 'operator', 'all'],
      ]);
      expect(await diracxRss({ op: 'site_date' })).toEqual(['2026-12-06T09:10:00+00:00', 2]);
      const [logged] = await database.query<{ n: number }>(
        sql`SELECT COUNT(*) AS n FROM ${sql.identifier(t.set.names.ResourceStatusDB)}.SiteLog`,
      );
      expect(Number(logged?.n)).toBe(2);
      expect((await listStatuses(database.db, database.tables, 'site')).map((s) => s.name)).toEqual([
        'LCG.CERN.cern',
        'LCG.PIC.es',
      ]);
    });

    it('a deleted status is gone for DiracX too; deleting it again deletes nothing', async () => {
      const { database } = t;
      const key = { name: 'LCG.PIC.es', statusType: 'all', vo: 'all' };
      expect(await database.transaction(({ db: tx }) => deleteStatus(tx, database.tables, 'site', key))).toBe(true);
      expect(await database.transaction(({ db: tx }) => deleteStatus(tx, database.tables, 'site', key))).toBe(false);
      expect(await diracxRss({ op: 'sites' })).toEqual([['LCG.CERN.cern', 'Banned', 'operator', 'all']]);
    });
  });
}
