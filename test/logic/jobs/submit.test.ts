/**
 * Job submission in the logic layer: JDLs become jobs with DiracX's initial statuses, attributes
 * and stored JDL (owner, VO, modules, requirements, %j); parametric JDLs expand; limits and
 * manifest checks refuse bad input; a batch with one bad JDL writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../../src/config/file-source.ts';
import type { Config } from '../../../src/config/schema.ts';
import { getLoggingRecords } from '../../../src/db/job-logging.ts';
import { getJobJdls } from '../../../src/db/jobs.ts';
import type { AuthedUser } from '../../../src/core/user.ts';
import { submitJdlJobs, type SubmitContext } from '../../../src/logic/jobs/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { countJobs, readInputData, readJobRow } from '../../harness/job-rows.ts';

const NOW = new Date('2026-11-26T10:00:00Z');
const CHAEN: AuthedUser = {
  sub: 'lhcb:b824d4dc-1f9d-4ee8-8df5-c0ae55d46041',
  preferredUsername: 'chaen',
  vo: 'lhcb',
  diracGroup: 'lhcb_user',
  properties: ['NormalUser'],
  tokenId: 't',
  policies: {},
  expiresAt: 0,
};

let db: TestDatabase;
let config: Config;
beforeAll(async () => {
  [db, { config }] = await Promise.all([createTestDatabase(), loadConfigFile(DEFAULT_CONFIG_PATH)]);
});
afterAll(() => db.dispose());

const ctx = (user: AuthedUser = CHAEN): SubmitContext => ({ database: db.database, config, user, now: () => NOW });
const jobCount = (): Promise<number> => countJobs(db.database);

const JDL = `[
  Executable = "echo";
  Arguments = "hello %j";
  JobName = "greeting";
  JobType = "User";
  Site = "LCG.CERN.cern, LCG.IN2P3.fr";
  InputData = {"/lhcb/a", "/lhcb/b"};
  Priority = 99;
]`;

describe('submitJdlJobs', () => {
  it('creates a Received job with the attributes DiracX takes from the JDL', async () => {
    const [inserted] = await submitJdlJobs(ctx(), [JDL]);
    expect(inserted).toMatchObject({ Status: 'Received', MinorStatus: 'Job accepted', TimeStamp: NOW });
    const row = await readJobRow(db.database, inserted!.JobID);
    expect(row).toMatchObject({
      owner: 'chaen',
      ownerGroup: 'lhcb_user',
      vo: 'lhcb',
      jobName: 'greeting',
      jobType: 'User',
      site: 'Multiple',
      // DiracX keeps a Priority given in the JDL as written (its limits apply only to defaults).
      userPriority: 99,
      verifiedFlag: true,
      status: 'Received',
    });
    expect(await readInputData(db.database, inserted!.JobID)).toEqual(['/lhcb/a', '/lhcb/b']);
    const stored = (await getJobJdls(db.database.session, [inserted!.JobID])).get(inserted!.JobID);
    expect(stored!.jdl).toContain(`Arguments = "hello ${inserted!.JobID}"`);
    expect(stored!.jdl).toContain('VirtualOrganization = "lhcb"');
    expect(stored!.jdl).toContain('JobRequirements');
    const history = await getLoggingRecords(db.database.session, [inserted!.JobID]);
    expect(history).toMatchObject([
      { status: 'Received', minorStatus: 'Job accepted', applicationStatus: 'Unknown', source: 'JobManager' },
    ]);
  });

  it('expands a parametric JDL into Submitting jobs', async () => {
    const inserted = await submitJdlJobs(ctx(), [
      '[Executable = "x"; Parameters = {"a", "b", "c"}; Arguments = "%s";]',
    ]);
    expect(inserted).toHaveLength(3);
    expect(inserted.every((j) => j.Status === 'Submitting' && j.MinorStatus === 'Bulk transaction confirmation')).toBe(
      true,
    );
  });

  it('submits a list of JDLs atomically with increasing job ids', async () => {
    const inserted = await submitJdlJobs(ctx(), ['[Executable = "a";]', '[Executable = "b";]']);
    expect(inserted[1]!.JobID).toBe(inserted[0]!.JobID + 1);
  });

  it.each([
    [
      'more than 20 jobs',
      Array.from({ length: 21 }, () => '[Executable = "x";]'),
      'Normal user cannot submit more than 20 jobs at once',
    ],
    [
      'a parametric JDL in a list',
      ['[Executable = "x";]', '[Parameters = {"a","b"};]'],
      'You cannot submit parametric jobs in a bulk fashion',
    ],
    [
      'a JDL of another VO',
      ['[Executable = "x"; VirtualOrganization = "gridpp";]'],
      'Wrong Virtual Organization in JDL',
    ],
    [
      'a job type the VO does not allow',
      ['[Executable = "x"; JobType = "Production";]'],
      'Production is not a valid value for JobType',
    ],
    ['a non-numeric CPU time', ['[Executable = "x"; CPUTime = "lots";]'], 'CPUTime must be a number'],
    [
      'too many input files',
      [`[InputData = {${Array.from({ length: 101 }, (_, i) => `"/f${i}"`).join(',')}};]`],
      'Number of Input Data Files (101) greater than current limit: 100',
    ],
    ['a syntax error, with its position', ['[Executable = "x";\n  Arguments "y";]'], 'line 2, column 13'],
    ['the bad JDL of a batch, by number', ['[Executable = "x";]', '[Executable = ;]'], 'JDL 2: '],
    // Unparsable on purpose: the size is refused before the text is parsed.
    [
      'a JDL over the per-job size, before parsing it',
      [`[Executable = ;${'x'.repeat(300_000)}`],
      'The job would have a JDL of 300015 bytes, more than ' +
        'the 262144 allowed per job (DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES)',
    ],
    [
      'a batch JDL over the per-job size, by number',
      ['[Executable = "x";]', `[A = "${'y'.repeat(300_000)}";]`],
      'Job 2 of 2 would have a JDL of 300009 bytes',
    ],
  ])('refuses %s and writes nothing', async (_name, jdls, message) => {
    const before = await jobCount();
    const err = await submitJdlJobs(ctx(), jdls).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toContain(message);
    expect(await jobCount()).toBe(before);
  });

  it('lets a production manager submit more than 20 jobs in one request', async () => {
    const manager = { ...CHAEN, diracGroup: 'lhcb_prmgr', properties: ['NormalUser', 'ProductionManagement'] };
    const inserted = await submitJdlJobs(
      ctx(manager),
      Array.from({ length: 50 }, () => '[Executable = "x";]'),
    );
    expect(inserted).toHaveLength(50);
  });
});
