/**
 * DiracX's JobLoggingDB on MariaDB, shared: what our MySQL job logging writes, DiracX 0.7.0's own
 * `JobLoggingDB.get_records` reads back unchanged (order, `idem` resolution, times in UTC), and
 * what DiracX's `insert_records` writes, we read, numbered after ours. Needs MariaDB and DiracX's
 * venv with aiomysql; skips without them unless DIRACX_REQUIRE_MARIADB_TESTS=1 /
 * DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { InvalidInputError } from '../../../src/core/errors.ts';
import type { LoggingRecord } from '../../../src/db/job-logging.ts';
import {
  deleteLoggingRecords,
  getLoggingRecords,
  historyPositions,
  insertLoggingRecords,
  latestRecordTimes,
} from '../../../src/db/mysql/job-logging.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-job-logging.py');

/** µs since the epoch of an ISO time with microseconds. */
function micros(iso: string): number {
  const [whole = '', fraction = ''] = iso.replace('Z', '').split('.');
  return Date.parse(`${whole}Z`) * 1000 + Number(fraction.padEnd(6, '0'));
}

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('JobLoggingDB shared with DiracX on MariaDB', () => {
    it.skip(`reads what the other wrote (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('JobLoggingDB shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';

    /** DiracX's JobLoggingDB, run on this test's JobLoggingDB database. */
    async function diracxLogging(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('JobLoggingDB'), request, 'JobLoggingDB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    const record = (jobId: number, iso: string, status: string, minor: string, app: string): LoggingRecord => ({
      jobId,
      status,
      minorStatus: minor,
      applicationStatus: app,
      timeUs: micros(iso),
      source: 'JobManager',
    });

    it('DiracX reads our records as it reads its own: order, idem, whole-second UTC times', async () => {
      const { database } = t;
      await database.transaction(({ db: tx }) =>
        insertLoggingRecords(tx, database.tables, [
          record(11, '2026-12-06T08:00:00.250Z', 'Received', 'Job accepted', 'idem'),
          record(12, '2026-12-06T08:00:01.000Z', 'Received', 'Job accepted', 'Unknown'),
          record(11, '2026-12-06T08:00:00.750Z', 'Checking', 'JobSanity', 'idem'),
          record(11, '2026-12-06T08:00:02.125Z', 'idem', 'Pilot Agent Submission', 'idem'),
        ]),
      );
      const theirs = (await diracxLogging({ op: 'get', job_ids: [11, 12] })) as Record<string, unknown[]>;
      expect(theirs['11']).toEqual([
        {
          Status: 'Received',
          MinorStatus: 'Job accepted',
          ApplicationStatus: 'Unknown',
          StatusTime: '2026-12-06T08:00:00Z',
          Source: 'JobManager',
        },
        {
          Status: 'Checking',
          MinorStatus: 'JobSanity',
          ApplicationStatus: 'Unknown',
          StatusTime: '2026-12-06T08:00:00Z',
          Source: 'JobManager',
        },
        {
          Status: 'Checking',
          MinorStatus: 'Pilot Agent Submission',
          ApplicationStatus: 'Unknown',
          StatusTime: '2026-12-06T08:00:02Z',
          Source: 'JobManager',
        },
      ]);
      expect(theirs['12']).toHaveLength(1);
      const ours = await getLoggingRecords(database.db, database.tables, [11]);
      expect(ours.map((r) => [r.seqNum, r.statusTimeOrder])).toEqual([
        [1, '526544000.250'],
        [2, '526544000.750'],
        [3, '526544002.125'],
      ]);
    });

    it("we read DiracX's records, numbered after ours, with its StatusTimeOrder", async () => {
      const { database } = t;
      await diracxLogging({
        op: 'insert',
        records: [
          {
            job_id: 11,
            status: 'Waiting',
            minor_status: 'Pilot Agent Submission',
            application_status: 'Unknown',
            date: '2026-12-06T08:00:03.500000+00:00',
            source: 'TaskQueueDB',
          },
          {
            job_id: 13,
            status: 'Received',
            minor_status: 'Job accepted',
            application_status: 'Unknown',
            date: '2026-12-06T08:00:04+00:00',
            source: 'JobManager',
          },
        ],
      });
      const ours = await getLoggingRecords(database.db, database.tables, [11, 13]);
      expect(ours.map((r) => [r.jobId, r.seqNum, r.status, r.statusTimeOrder, r.source])).toEqual([
        [11, 1, 'Received', '526544000.250', 'JobManager'],
        [11, 2, 'Checking', '526544000.750', 'JobManager'],
        [11, 3, 'idem', '526544002.125', 'JobManager'],
        [11, 4, 'Waiting', '526544003.500', 'TaskQueueDB'],
        [13, 1, 'Received', '526544004.000', 'JobManager'],
      ]);
      expect(ours.at(-1)?.statusTime.toISOString()).toBe('2026-12-06T08:00:04.000Z');
      const positions = await historyPositions(database.db, database.tables, [11, 13, 99]);
      expect(positions).toEqual(
        new Map([
          [11, { lastUs: micros('2026-12-06T08:00:03.500Z'), lastSeqNum: 4 }],
          [13, { lastUs: micros('2026-12-06T08:00:04Z'), lastSeqNum: 1 }],
        ]),
      );
      expect((await latestRecordTimes(database.db, database.tables, [13])).get(13)).toBe(
        micros('2026-12-06T08:00:04Z'),
      );
    });

    it('refuses a status longer than its column with InvalidInputError, storing none of the batch', async () => {
      const { database } = t;
      const attempt = database.transaction(({ db: tx }) =>
        insertLoggingRecords(tx, database.tables, [
          record(14, '2026-12-06T08:00:05Z', 'Received', 'Job accepted', 'Unknown'),
          record(14, '2026-12-06T08:00:06Z', 'x'.repeat(33), 'Job accepted', 'Unknown'),
        ]),
      );
      expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await attempt.catch(() => {});
      expect(await getLoggingRecords(database.db, database.tables, [14])).toEqual([]);
    });

    it('deletes a job history and says how many records went, leaving the others', async () => {
      const { database } = t;
      expect(await database.transaction(({ db: tx }) => deleteLoggingRecords(tx, database.tables, [11, 98]))).toBe(4);
      expect(await getLoggingRecords(database.db, database.tables, [11])).toEqual([]);
      expect(await getLoggingRecords(database.db, database.tables, [12, 13])).toHaveLength(2);
      expect(await diracxLogging({ op: 'get', job_ids: [11] })).toEqual({});
    });
  });
}
