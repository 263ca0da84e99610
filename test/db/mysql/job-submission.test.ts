/**
 * Jobs in DiracX's JobDB on MariaDB, shared with DiracX 0.7.0: a job our MySQL submission
 * writes, DiracX's own `JobDB` reads (its JDLs through DIRAC's `extractJDL`, its attributes
 * through `JobDB.search`, flags as booleans, times in UTC), and a job DiracX's submission writes
 * (DIRAC's `compressJDL`), we read as text. Needs MariaDB and DiracX's venv with aiomysql; skips
 * without them unless DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { compressJdl, extractJdl } from '../../../src/db/mysql/jdl-text.ts';
import { getLoggingRecords } from '../../../src/db/mysql/job-logging.ts';
import {
  allocateJobIds,
  getJobJdls,
  getJobsForReschedule,
  insertSubmittedJobs,
  ownersOfJobs,
  updateJobJdls,
} from '../../../src/db/mysql/job-submission.ts';
import type { SubmittedJob } from '../../../src/db/job-submission.ts';
import {
  createMysqlTestDatabase,
  diracxOnMariadb,
  type MysqlTestDatabase,
  callDiracxScript,
  stopDiracxScripts,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-jobs.py');
const SUBMITTED = new Date('2026-12-06T08:10:11Z');
const ORIGINAL = '[Executable = "echo"; Arguments = "héllo wörld"; JobName = "shared"]';
const PREPARED = `[\n  Executable = "echo";\n  Arguments = "héllo wörld";\n  JobName = "shared";\n  JobID = %s;\n]`;

const shared = await diracxOnMariadb();

describe('JDL text as DIRAC stores it', () => {
  it('round-trips through compressJdl and extractJdl, and reads plain and empty JDLs as they are', async () => {
    const compressed = await compressJdl(ORIGINAL);
    expect(compressed).toMatch(/^eJ[A-Za-z0-9+/]+=*$/); // zlib's header, base64
    expect(await extractJdl(compressed)).toBe(ORIGINAL);
    expect(await extractJdl(ORIGINAL)).toBe(ORIGINAL);
    expect(await extractJdl('')).toBe('');
  });
});

if (shared.skipReason) {
  describe('JobDB shared with DiracX on MariaDB', () => {
    it.skip(`each server reads the jobs the other submitted (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('JobDB shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';

    async function diracxJobs(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('JobDB'), request, 'JobDB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    function submitted(jobId: number, overrides: Partial<SubmittedJob['job']> = {}): SubmittedJob {
      return {
        jdl: { jobId, jdl: PREPARED.replace('%s', String(jobId)), jobRequirements: '', originalJdl: ORIGINAL },
        job: {
          jobId,
          vo: 'lhcb',
          owner: 'chaen',
          ownerGroup: 'lhcb_user',
          jobName: 'shared',
          status: 'Received',
          minorStatus: 'Job accepted',
          submissionTime: SUBMITTED,
          lastUpdateTime: SUBMITTED,
          verifiedFlag: true,
          ...overrides,
        },
        inputData: ['/lhcb/data/file1', '/lhcb/data/file1', '/lhcb/data/file2'],
        logging: {
          jobId,
          status: 'Received',
          minorStatus: 'Job accepted',
          applicationStatus: 'Unknown',
          timeUs: SUBMITTED.getTime() * 1000,
          source: 'JobManager',
        },
      };
    }

    it('DiracX reads the job we submitted: its JDLs, attributes and flags', async () => {
      const { database } = t;
      const [jobId = 0] = await database.transaction(async ({ db: tx }) => {
        const ids = await allocateJobIds(tx, database.tables, 1);
        await insertSubmittedJobs(
          tx,
          database.tables,
          ids.map((id) => submitted(id)),
        );
        return ids;
      });
      const read = (await diracxJobs({ op: 'read', job_ids: [jobId] })) as {
        jdl: Record<string, string>;
        original: Record<string, string>;
        jobs: Record<string, unknown>[];
      };
      expect(read.jdl[String(jobId)]).toBe(PREPARED.replace('%s', String(jobId)));
      expect(read.original[String(jobId)]).toBe(ORIGINAL);
      expect(read.jobs).toHaveLength(1);
      expect(read.jobs[0]).toMatchObject({
        JobID: jobId,
        VO: 'lhcb',
        Owner: 'chaen',
        Status: 'Received',
        Site: 'ANY',
        JobType: 'user',
        VerifiedFlag: true,
        AccountedFlag: false,
        SubmissionTime: '2026-12-06 08:10:11+00:00',
      });
      const history = await getLoggingRecords(database.db, database.tables, [jobId]);
      expect(history.map((r) => [r.seqNum, r.status])).toEqual([[1, 'Received']]);
    });

    it('we read the JDLs of a job DiracX submitted, and DiracX reads the JDL we replace', async () => {
      const { database } = t;
      const jobId = (await diracxJobs({
        op: 'submit',
        original_jdl: ORIGINAL,
        jdl: '[JobName = "theirs"]',
        attributes: {
          VO: 'lhcb',
          Owner: 'chaen',
          OwnerGroup: 'lhcb_user',
          Status: 'Received',
          SubmissionTime: '2026-12-06T08:10:12+00:00',
        },
      })) as number;
      const [forReschedule] = await database.transaction(({ db: tx }) =>
        getJobsForReschedule(tx, database.tables, [jobId]),
      );
      expect(forReschedule).toMatchObject({ jobId, owner: 'chaen', verifiedFlag: false, originalJdl: ORIGINAL });
      const owners = await ownersOfJobs(database.db, database.tables, [jobId, jobId - 1, 999_999]);
      expect(owners).toEqual([{ owner: 'chaen', vo: 'lhcb', count: 2 }]);
      const jdls = await getJobJdls(database.db, database.tables, [jobId, 999_999]);
      expect(jdls).toEqual(new Map([[jobId, { jdl: '[JobName = "theirs"]', originalJdl: ORIGINAL }]]));
      await database.transaction(({ db: tx }) =>
        updateJobJdls(tx, database.tables, new Map([[jobId, '[JobName = "ours"]']])),
      );
      const read = (await diracxJobs({ op: 'read', job_ids: [jobId] })) as { jdl: Record<string, string> };
      expect(read.jdl[String(jobId)]).toBe('[JobName = "ours"]');
    });

    it('a job that cannot be stored leaves no row behind (its reserved id included)', async () => {
      const { database } = t;
      const before = (await diracxJobs({ op: 'read', job_ids: [1, 2, 3, 4, 5] })) as { jobs: unknown[] };
      const attempt = database.transaction(async ({ db: tx }) => {
        const ids = await allocateJobIds(tx, database.tables, 2);
        await insertSubmittedJobs(
          tx,
          database.tables,
          ids.map((id, i) => submitted(id, i === 1 ? { jobName: 'x'.repeat(129) } : {})),
        );
      });
      expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await attempt.catch(() => {});
      const after = (await diracxJobs({ op: 'read', job_ids: [1, 2, 3, 4, 5] })) as { jobs: unknown[]; jdl: object };
      expect(after.jobs).toEqual(before.jobs);
      const jdlRows = await database.db.select().from(database.tables.jobJdls);
      expect(jdlRows).toHaveLength(2);
    });
  });
}
