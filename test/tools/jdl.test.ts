/**
 * The JDL tools and job sandboxes: submit_job builds a JDL whose every value survives escaping
 * (quotes, backslashes, newlines, injection attempts) into the stored JDL, refuses local file
 * names in input sandboxes with the upload steps and writes nothing then; validate_jdl reports
 * what submission would refuse without writing; get_job_sandboxes lists PFNs and working URLs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test';
import { getJobJdls } from '../../src/db/jobs.ts';
import { getList, getNumber, getString } from '../../src/logic/jobs/jdl/attributes.ts';
import { parseJdl } from '../../src/logic/jobs/jdl/parse.ts';
import { assignOutputSandbox } from '../../src/logic/sandboxes/assign.ts';
import { shortPfn } from '../../src/logic/sandboxes/pfn.ts';
import { submitJobTool, validateJdlTool } from '../../src/tools/jdl-builder.ts';
import { jobSandboxesTool } from '../../src/tools/jobs.ts';
import { createToolHarness, rejectionOf, runTool, STORE, type ToolHarness } from './context.ts';
import { countJobs as countJobRows } from '../harness/job-rows.ts';

let h: ToolHarness;
let jobsBefore: number;
beforeAll(async () => {
  h = await createToolHarness();
});
afterAll(() => h.dispose());
const countJobs = (): Promise<number> => countJobRows(h.app.database);
beforeEach(async () => {
  jobsBefore = await countJobs();
});
const originalJdl = async (jobId: number) =>
  parseJdl((await getJobJdls(h.app.database.session, [jobId])).get(jobId)!.originalJdl);

describe('submit_job', () => {
  it('writes every value DiracX can carry so that it reads back unchanged from the stored JDL', async () => {
    // DIRAC's JDL has no escapes (issue 18, item 3): values are written between quotes as they are.
    const tricky = "say 'hi' C:/path\ttab } = , ünïcødé";
    const injection = "x' Site = 'EVIL.site' JobType = 'Evil";
    const out = await runTool(submitJobTool, await h.context('owner'), {
      executable: "my 'exe'",
      arguments: tricky,
      job_name: injection,
      output_sandbox: ["out '1'.txt"],
    });
    expect(out.job_ids).toHaveLength(1);
    const stored = await originalJdl(out.job_ids[0]!);
    expect(getString(stored, 'Arguments')).toBe(tricky);
    expect(getString(stored, 'Executable')).toBe("my 'exe'");
    expect(getString(stored, 'JobName')).toBe(injection);
    expect(getString(stored, 'Site')).toBeUndefined();
    expect(getList(stored, 'OutputSandbox')).toEqual(['StdOut', 'StdErr', "out '1'.txt"]);
    expect(getString(parseJdl(out.jdl), 'Arguments')).toBe(tricky);
  });

  it.each([
    ['arguments', { arguments: 'say "hi"' }, '"'],
    ['job_name', { job_name: 'x"; Site = "EVIL.site' }, '"'],
    ['arguments', { arguments: 'a; b' }, ';'],
    ['arguments', { arguments: 'line\nbreak' }, '\n'],
    ['executable', { executable: 'C:\\bin' }, '\\'],
    ['output_sandbox', { output_sandbox: ['a[1]'] }, '['],
  ])('refuses a %s value DiracX cannot carry, and writes nothing', async (field, fields, bad) => {
    const err = await rejectionOf(runTool(submitJobTool, await h.context('owner'), { executable: 'echo', ...fields }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain(`${field} cannot hold ${JSON.stringify(bad)}`);
    expect(await countJobs()).toBe(jobsBefore);
  });

  it('stores what POST /api/jobs/jdl stores for the same JDL and user', async () => {
    const out = await runTool(submitJobTool, await h.context('otherVo'), {
      executable: 'echo',
      arguments: "a 'b'",
      site: 'LCG.RAL.uk',
    });
    const rest = await h.rest('otherVo', 'POST', '/api/jobs/jdl', [out.jdl]);
    const restId = (rest.body as { JobID: number }[])[0]!.JobID;
    const stored = await getJobJdls(h.app.database.session, [out.job_ids[0]!, restId]);
    expect(stored.get(out.job_ids[0]!)!.originalJdl).toBe(stored.get(restId)!.originalJdl);
  });

  it('writes site, memory and CPU time (as CPUTime, the attribute DIRAC checks)', async () => {
    const out = await runTool(submitJobTool, await h.context('owner'), {
      executable: 'echo',
      site: 'LCG.CERN.cern',
      memory: 2048,
      max_cpu_time: 3600,
    });
    const stored = await originalJdl(out.job_ids[0]!);
    expect([getString(stored, 'Site'), getNumber(stored, 'Memory'), getNumber(stored, 'CPUTime')]).toEqual([
      'LCG.CERN.cern',
      2048,
      3600,
    ]);
    const job = (
      await h.rest('owner', 'POST', '/api/jobs/search', {
        parameters: ['Site', 'JobName'],
        search: [{ parameter: 'JobID', operator: 'eq', value: out.job_ids[0] }],
      })
    ).body;
    expect(job).toEqual([{ Site: 'LCG.CERN.cern', JobName: 'Auto-generated Job' }]);
  });

  it('submits jdl_content as given, a parametric one as several jobs', async () => {
    const jdl = '[Executable = "echo"; Parameters = {"a", "b", "c"}; Arguments = "%s";]';
    const out = await runTool(submitJobTool, await h.context('owner'), { jdl_content: jdl, executable: 'ignored' });
    expect(out.job_ids).toHaveLength(3);
    expect(out.jdl).toBe(jdl);
  });

  it('refuses a local file name in input_sandbox with the upload steps, and submits nothing', async () => {
    for (const args of [
      { executable: 'run.sh', input_sandbox: ['run.sh'] },
      { jdl_content: '[Executable = "run.sh"; InputSandbox = {"run.sh", "data.txt"};]' },
    ]) {
      const err = await rejectionOf(runTool(submitJobTool, await h.context('owner'), args));
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.message).toContain('"run.sh" is a local file name');
      expect(err.message).toContain('POST /api/jobs/sandbox');
      expect(err.message).toContain('"pfn"');
    }
    expect(await countJobs()).toBe(jobsBefore);
  });

  it('accepts an uploaded sandbox of the user and a grid file, and refuses a sandbox of someone else', async () => {
    const pfn = await h.uploadSandbox('owner');
    const out = await runTool(submitJobTool, await h.context('owner'), {
      executable: 'run.sh',
      input_sandbox: [pfn, 'LFN:/lhcb/user/c/chaen/data.txt'],
    });
    expect(getList(await originalJdl(out.job_ids[0]!), 'InputSandbox')).toEqual([
      pfn,
      'LFN:/lhcb/user/c/chaen/data.txt',
    ]);
    const before = await countJobs();
    const err = await rejectionOf(
      runTool(submitJobTool, await h.context('sameVo'), { executable: 'run.sh', input_sandbox: [pfn] }),
    );
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message: `Input sandbox not found: ${pfn}` });
    expect(await countJobs()).toBe(before);
  });

  it('asks for jdl_content or executable, and is FORBIDDEN to a job administrator without NormalUser', async () => {
    expect(await rejectionOf(runTool(submitJobTool, await h.context('owner'), {}))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Either jdl_content or executable must be provided.',
    });
    expect(await rejectionOf(runTool(submitJobTool, await h.context('admin'), { executable: 'echo' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await countJobs()).toBe(jobsBefore);
  });
});

describe('validate_jdl', () => {
  const validate = async (jdl: string, who: 'owner' | 'prmgr' = 'owner') =>
    runTool(validateJdlTool, await h.context(who), { jdl_content: jdl });

  it('accepts a good JDL and counts the jobs a parametric one expands to, writing nothing', async () => {
    expect(await validate('[Executable = "echo";]')).toEqual({
      success: true,
      valid: true,
      errors: [],
      warnings: [],
      job_count: 1,
      parametric: false,
    });
    expect(
      await validate('[Executable = "echo"; Parameters = 4; ParameterStart = 1; ParameterStep = 1; Arguments = "%s";]'),
    ).toMatchObject({ valid: true, job_count: 4, parametric: true });
    expect(await countJobs()).toBe(jobsBefore);
  });

  it('reports a syntax error with its line and column', async () => {
    const out = await validate('[\n  Executable = "echo"\n  Arguments = "x";\n]');
    expect(out.valid).toBe(false);
    expect(out.errors[0]).toMatchObject({ line: 3, column: 3 });
  });

  it('reports what submission would refuse: too many jobs for a normal user, job type, VO, local files', async () => {
    const many = '[Executable = "echo"; Parameters = 25; ParameterStart = 0; ParameterStep = 1;]';
    expect(await validate(many)).toMatchObject({
      valid: false,
      job_count: 25,
      errors: [{ message: 'Normal user cannot submit more than 20 jobs at once' }],
    });
    expect(await validate(many, 'prmgr')).toMatchObject({ valid: true, job_count: 25 });
    expect((await validate('[Executable = "echo"; JobType = "Evil";]')).errors[0]?.message).toBe(
      'Evil is not a valid value for JobType',
    );
    expect((await validate('[Executable = "echo"; VirtualOrganization = "gridpp";]')).errors[0]?.message).toBe(
      'Wrong Virtual Organization in JDL',
    );
    expect((await validate('[Executable = "a.sh"; InputSandbox = {"a.sh"};]')).errors[0]?.message).toContain(
      'is a local file name',
    );
    expect((await validate('[Arguments = "x";]')).warnings).toEqual([
      'No Executable: the job would have nothing to run.',
    ]);
  });
});

describe('get_job_sandboxes', () => {
  let jobId: number;
  let input: string;
  let output: string;
  beforeAll(async () => {
    input = await h.uploadSandbox('owner');
    output = await h.uploadSandbox('owner');
    [jobId] = (await h.submit('owner', [`[Executable = "run.sh"; InputSandbox = {"${input}"};]`])) as [number];
    await assignOutputSandbox({ database: h.app.database, settings: STORE, vo: 'lhcb' }, jobId, output);
  });

  it('lists the PFNs GET /api/jobs/{id}/sandbox lists, each with a URL that downloads it', async () => {
    for (const who of ['owner', 'admin'] as const) {
      const out = await runTool(jobSandboxesTool, await h.context(who), { job_id: jobId });
      const rest = (await h.rest(who, 'GET', `/api/jobs/${jobId}/sandbox`)).body as {
        Input: string[];
        Output: string[];
      };
      expect(out.sandboxes.input.map((s) => s.pfn)).toEqual(rest.Input);
      expect(out.sandboxes.output.map((s) => s.pfn)).toEqual(rest.Output);
      expect(out.sandboxes.input[0]).toMatchObject({ pfn: shortPfn(input), expires_in: 300 });
      const download = await h.app.fetch(out.sandboxes.output[0]!.url!);
      expect(download.status).toBe(200);
    }
  });

  it('answers empty lists, as the REST route does, for a job with no sandbox', async () => {
    const [bare] = (await h.submit('owner', ['[Executable = "run.sh";]'])) as [number];
    const out = await runTool(jobSandboxesTool, await h.context('owner'), { job_id: bare });
    expect(out.sandboxes).toEqual({ input: [], output: [] });
    expect((await h.rest('owner', 'GET', `/api/jobs/${bare}/sandbox`)).body).toEqual({ Input: [], Output: [] });
  });

  it('lists every output sandbox of a job, as the REST route does', async () => {
    const [job] = (await h.submit('owner', ['[Executable = "run.sh";]'])) as [number];
    const pfns = [await h.uploadSandbox('owner'), await h.uploadSandbox('owner')];
    for (const pfn of pfns)
      await assignOutputSandbox({ database: h.app.database, settings: STORE, vo: 'lhcb' }, job, pfn);
    const out = await runTool(jobSandboxesTool, await h.context('owner'), { job_id: job });
    expect(out.sandboxes.output.map((s) => s.pfn).sort()).toEqual(pfns.map(shortPfn).sort());
    expect(out.sandboxes.output.map((s) => s.pfn)).toEqual(
      ((await h.rest('owner', 'GET', `/api/jobs/${job}/sandbox`)).body as { Output: string[] }).Output,
    );
  });

  it('is FORBIDDEN to another user of the VO and to another VO', async () => {
    for (const who of ['sameVo', 'otherVo'] as const)
      expect(await rejectionOf(runTool(jobSandboxesTool, await h.context(who), { job_id: jobId }))).toMatchObject({
        code: 'FORBIDDEN',
      });
  });

  it('still lists the PFNs, with an error instead of a URL, when no store is available', async () => {
    const ctx = { ...(await h.context('owner')), sandboxes: undefined };
    const out = await runTool(jobSandboxesTool, ctx, { job_id: jobId });
    expect(out.sandboxes.input).toEqual([
      { pfn: shortPfn(input), error: 'No download URL: the sandbox store is not available to this MCP server.' },
    ]);
  });
});
