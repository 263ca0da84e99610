/**
 * Pilots in DiracX's PilotAgentsDB on MariaDB, shared with DiracX 0.7.0: pilots DiracX registers
 * we find by stamp (and do not register twice), jobs we map to our pilot DiracX finds by stamp and
 * its mappings we find, and metadata we set lands in DiracX's columns (`AccountingSent` as
 * `'True'`). Needs MariaDB and DiracX's venv with aiomysql; skips without them unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import {
  getPilotsByStamp,
  insertJobsOfPilot,
  insertPilot,
  jobIdsOfPilotStamps,
  updatePilotsByStamp,
} from '../../../src/db/mysql/pilots.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-pilots.py');
const AT = new Date('2026-12-06T09:20:00Z');

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('PilotAgentsDB shared with DiracX on MariaDB', () => {
    it.skip(`each server finds the other's pilots (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('PilotAgentsDB shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';
    let ours = 0;

    async function diracxPilots(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('PilotAgentsDB'), request, 'pilot DB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    it('finds the pilot DiracX registered, does not register its stamp again, registers ours', async () => {
      const { database } = t;
      await diracxPilots({ op: 'register', stamps: ['theirs'], vo: 'lhcb' });
      const [theirs] = await getPilotsByStamp(database.db, database.tables, ['theirs', 'nobody']);
      expect(theirs).toMatchObject({ pilotStamp: 'theirs', vo: 'lhcb' });
      expect(await insertPilot(database.db, database.tables, { pilotStamp: 'theirs', vo: 'lhcb' })).toBeUndefined();
      ours =
        (await insertPilot(database.db, database.tables, { pilotStamp: 'ours', vo: 'lhcb', benchMark: 12.5 })) ?? 0;
      expect(ours).toBeGreaterThan(theirs?.pilotId ?? 0);
      const [row] = await database.query<{ b: number; sent: string; n: number }>(
        sql`SELECT BenchMark AS b, AccountingSent AS sent,
            (SELECT COUNT(*) FROM ${sql.identifier(t.set.names.PilotAgentsDB)}.PilotAgents) AS n
            FROM ${sql.identifier(t.set.names.PilotAgentsDB)}.PilotAgents WHERE PilotID = ${ours}`,
      );
      expect(row).toEqual({ b: 12.5, sent: 'False', n: 2 });
    });

    it('DiracX finds the jobs of our pilot by its stamp; we find the jobs it mapped', async () => {
      const { database } = t;
      const q = { pilotId: ours, jobIds: [7, 8, 8], startTime: AT };
      expect(await insertJobsOfPilot(database.db, database.tables, q)).toBe(2);
      expect(await insertJobsOfPilot(database.db, database.tables, q)).toBe(0);
      expect(await diracxPilots({ op: 'jobs', stamps: ['ours'] })).toEqual([7, 8]);
      const [theirs] = await getPilotsByStamp(database.db, database.tables, ['theirs']);
      await diracxPilots({
        op: 'assign',
        mapping: [{ PilotID: theirs?.pilotId, JobID: 9, StartTime: '2026-12-06T09:21:00+00:00' }],
      });
      expect(await jobIdsOfPilotStamps(database.db, database.tables, ['ours', 'theirs'])).toEqual([7, 8, 9]);
    });

    it("sets each pilot's metadata in DiracX's columns and returns only the stamps that exist", async () => {
      const { database } = t;
      const updated = await database.transaction(({ db: tx }) =>
        updatePilotsByStamp(
          tx,
          database.tables,
          new Map([
            ['theirs', { status: 'Running', accountingSent: true }],
            ['ours', { statusReason: 'done', benchMark: 3 }],
            ['nobody', { status: 'Done' }],
          ]),
          AT,
        ),
      );
      expect(updated.sort()).toEqual(['ours', 'theirs']);
      const rows = await database.query<Record<string, unknown>>(
        sql`SELECT PilotStamp AS stamp, Status AS status, StatusReason AS reason, AccountingSent AS sent,
            BenchMark AS b, CAST(LastUpdateTime AS CHAR) AS t
            FROM ${sql.identifier(t.set.names.PilotAgentsDB)}.PilotAgents ORDER BY PilotID`,
      );
      expect(rows).toEqual([
        { stamp: 'theirs', status: 'Running', reason: 'Unknown', sent: 'True', b: 0, t: '2026-12-06 09:20:00' },
        { stamp: 'ours', status: 'Unknown', reason: 'done', sent: 'False', b: 3, t: '2026-12-06 09:20:00' },
      ]);
    });
  });
}
