/**
 * Status-side writes on DiracX's JobDB on MariaDB, shared with DiracX 0.7.0: attributes we set
 * DiracX's `JobDB.search` reads; commands we queue DiracX's `get_job_commands` delivers (once),
 * and commands DiracX queues we deliver (once); heartbeat samples as DiracX's rows; deleting jobs
 * removes them for DiracX too. Needs MariaDB and DiracX's venv with aiomysql; skips without them
 * unless DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import {
  deleteJobs,
  insertHeartbeatSamples,
  insertJobCommands,
  lockJobs,
  takePendingJobCommands,
  updateJobAttributes,
} from '../../../src/db/mysql/job-status.ts';
import { allocateJobIds, insertSubmittedJobs } from '../../../src/db/mysql/job-submission.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-jobs.py');
const AT = new Date('2026-12-06T09:00:00.400Z');

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('job status writes shared with DiracX on MariaDB', () => {
    it.skip(`each server sees the other's (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('job status writes shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';
    let ids: number[] = [];

    async function diracxJobs(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('JobDB'), request, 'JobDB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
      const { database } = t;
      ids = await database.transaction(async ({ db: tx }) => {
        const allocated = await allocateJobIds(tx, database.tables, 2);
        await insertSubmittedJobs(
          tx,
          database.tables,
          allocated.map((jobId) => ({
            jdl: { jobId, jdl: '[]', jobRequirements: '', originalJdl: '[]' },
            job: { jobId, vo: 'lhcb', owner: 'chaen', status: 'Received', submissionTime: AT },
            inputData: ['/lhcb/f'],
            logging: { jobId, status: 'Received', minorStatus: '', applicationStatus: '', timeUs: 0, source: 'x' },
          })),
        );
        return allocated;
      });
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    it('DiracX reads the attributes we set on each job, and what we left alone', async () => {
      const { database } = t;
      const [a = 0, b = 0] = ids;
      await database.transaction(async ({ db: tx }) => {
        expect((await lockJobs(tx, database.tables, [b, a, 999])).map((j) => j.jobId)).toEqual([a, b]);
        expect(await lockJobs(tx, database.tables, [a], 'gridpp')).toEqual([]);
        await updateJobAttributes(
          tx,
          database.tables,
          new Map([
            [a, { Status: 'Running', MinorStatus: 'Application', StartExecTime: AT, VerifiedFlag: false }],
            [b, { Status: 'Killed', AccountedFlag: 'Failed' }],
          ]),
        );
      });
      const read = (await diracxJobs({ op: 'read', job_ids: ids })) as { jobs: Record<string, unknown>[] };
      const byId = new Map(read.jobs.map((job) => [job.JobID, job]));
      expect(byId.get(a)).toMatchObject({
        Status: 'Running',
        MinorStatus: 'Application',
        StartExecTime: '2026-12-06 09:00:00+00:00',
        VerifiedFlag: false,
        AccountedFlag: false,
      });
      expect(byId.get(b)).toMatchObject({ Status: 'Killed', MinorStatus: 'Unknown', AccountedFlag: 'Failed' });
    });

    it('writes times given as ISO-8601 text (as the status logic gives them) as DiracX reads them', async () => {
      const { database } = t;
      const [a = 0, b = 0] = ids;
      await database.transaction(async ({ db: tx }) => {
        await updateJobAttributes(
          tx,
          database.tables,
          new Map([
            // DiracX's own format (microseconds, Z), an offset, and text without one (UTC).
            [a, { LastUpdateTime: '2026-12-06T11:37:26.324000Z', EndExecTime: '2026-12-06T13:37:27.999+02:00' }],
            [b, { LastUpdateTime: '2026-12-06 08:00:01.5', HeartBeatTime: '2026-12-06T08:00:02' }],
          ]),
        );
      });
      const read = (await diracxJobs({ op: 'read', job_ids: ids })) as { jobs: Record<string, unknown>[] };
      const byId = new Map(read.jobs.map((job) => [job.JobID, job]));
      expect(byId.get(a)).toMatchObject({
        LastUpdateTime: '2026-12-06 11:37:26+00:00',
        EndExecTime: '2026-12-06 11:37:27+00:00',
      });
      expect(byId.get(b)).toMatchObject({
        LastUpdateTime: '2026-12-06 08:00:01+00:00',
        HeartBeatTime: '2026-12-06 08:00:02+00:00',
      });
      // Text that is no time is refused by MariaDB as before, and nothing is written.
      const refused = database.transaction(({ db: tx }) =>
        updateJobAttributes(tx, database.tables, new Map([[a, { LastUpdateTime: 'yesterday' }]])),
      );
      expect(refused).rejects.toThrow();
      await refused.catch(() => undefined);
      const again = (await diracxJobs({ op: 'read', job_ids: [a] })) as { jobs: Record<string, unknown>[] };
      expect(again.jobs[0]).toMatchObject({ LastUpdateTime: '2026-12-06 11:37:26+00:00' });
    });

    it('commands go to the pilot once, whichever server queued them or delivers them', async () => {
      const { database } = t;
      const [a = 0, b = 0] = ids;
      await database.transaction(({ db: tx }) =>
        insertJobCommands(
          tx,
          database.tables,
          [
            { jobId: a, command: 'Kill', arguments: '' },
            { jobId: a, command: 'Kill', arguments: 'again' },
          ],
          AT,
        ),
      );
      expect(await diracxJobs({ op: 'commands_get', job_ids: [a] })).toEqual([
        [a, 'Kill', ''],
        [a, 'Kill', 'again'],
      ]);
      expect(await database.transaction(({ db: tx }) => takePendingJobCommands(tx, database.tables, [a]))).toEqual([]);
      await diracxJobs({ op: 'commands_set', commands: [[b, 'Kill', '']] });
      expect(await database.transaction(({ db: tx }) => takePendingJobCommands(tx, database.tables, [a, b]))).toEqual([
        { jobId: b, command: 'Kill', arguments: '' },
      ]);
      expect(await diracxJobs({ op: 'commands_get', job_ids: [b] })).toEqual([]);
      // A command queued in the same second as the latest still gets a key of its own.
      await database.transaction(({ db: tx }) =>
        insertJobCommands(tx, database.tables, [{ jobId: a, command: 'Kill', arguments: 'third' }], AT),
      );
      const times = await database.query<{ t: string }>(
        sql`SELECT CAST(ReceptionTime AS CHAR) AS t FROM ${sql.identifier(t.set.names.JobDB)}.JobCommands
            WHERE JobID = ${a} ORDER BY ReceptionTime`,
      );
      expect(times.map((r) => r.t)).toEqual(['2026-12-06 09:00:00', '2026-12-06 09:00:01', '2026-12-06 09:00:02']);
    });

    it('stores heartbeat samples at the second, a repeated one replacing its value', async () => {
      const { database } = t;
      const [a = 0] = ids;
      await database.transaction(({ db: tx }) =>
        insertHeartbeatSamples(tx, database.tables, [
          { jobId: a, name: 'LoadAverage', value: '0.5', time: AT },
          { jobId: a, name: 'MemoryUsed', value: '1024', time: AT },
        ]),
      );
      await database.transaction(({ db: tx }) =>
        insertHeartbeatSamples(tx, database.tables, [{ jobId: a, name: 'LoadAverage', value: '0.7', time: AT }]),
      );
      const rows = await database.query<{ name: string; value: string; t: string }>(
        sql`SELECT Name AS name, Value AS value, CAST(HeartBeatTime AS CHAR) AS t
            FROM ${sql.identifier(t.set.names.JobDB)}.HeartBeatLoggingInfo WHERE JobID = ${a} ORDER BY Name`,
      );
      expect(rows).toEqual([
        { name: 'LoadAverage', value: '0.7', t: '2026-12-06 09:00:00' },
        { name: 'MemoryUsed', value: '1024', t: '2026-12-06 09:00:00' },
      ]);
    });

    it('deletes jobs with everything DiracX keeps of them in JobDB; DiracX no longer finds them', async () => {
      const { database } = t;
      const [a = 0, b = 0] = ids;
      expect(await database.transaction(({ db: tx }) => deleteJobs(tx, database.tables, [b, 999_999]))).toEqual([b]);
      const read = (await diracxJobs({ op: 'read', job_ids: ids })) as { jobs: Record<string, unknown>[] };
      expect(read.jobs.map((job) => job.JobID)).toEqual([a]);
      const [left] = await database.query<{ n: number }>(
        sql`SELECT COUNT(*) AS n FROM ${sql.identifier(t.set.names.JobDB)}.InputData WHERE JobID = ${b}`,
      );
      expect(Number(left?.n)).toBe(0);
    });
  });
}
