/**
 * Attack: a small parametric JDL that expands into jobs far larger than itself (long parameter
 * values pasted several times per job, or `Parameters = 10000` over a long string), to make the
 * server build and store gigabytes. The size of each job and of all is computed from the
 * template and the values before anything is built: 400 naming the limit and its setting, over
 * REST and over MCP (`submit_job`, `validate_jdl`), and no job is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { call, type Person } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';

let server: McpTestServer;
let mcp: Client;

beforeAll(async () => {
  server = await startMcpTestServer();
  mcp = new Client({ name: 'bomb', version: '1.0.0' });
  const token = await server.token('lhcb', 'lhcb_user', 'chaen');
  await mcp.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
});
afterAll(async () => {
  await mcp.close();
  await server.stop();
});

/** Every job id `who` can see. */
async function jobIds(who: Person): Promise<number[]> {
  const res = await call(server.app, who, 'POST', '/api/jobs/search?per_page=10000', { parameters: ['JobID'] });
  expect([200, 206]).toContain(res.status);
  return (res.body as { JobID: number }[]).map((j) => j.JobID);
}

const PER_JOB = new RegExp(
  String.raw`^Job \d+ of \d+ would have a JDL of \d+ bytes, more than the 262144 allowed per job ` +
    String.raw`\(DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES\)$`,
);
const TOTAL = new RegExp(
  String.raw`^The \d+ jobs would have JDLs of \d+ bytes or more together, more than the 67108864 allowed per ` +
    String.raw`submission \(DIRACX_JOB_SUBMISSION_MAX_TOTAL_BYTES\)$`,
);

/** 20 values of 100 KB, each pasted three times: 2 MB of text becomes 20 jobs of 300 KB. */
const LONG_VALUES =
  `[Executable = "x"; Arguments = "%s %s %s"; Parameters = ` +
  `{${Array.from({ length: 20 }, (_, i) => `"${String(i).padEnd(100_000, 'v')}"`).join(', ')}}]`;
/** 200 KB once, Parameters = 10000: a 200 KB request standing for 2 GB of jobs. */
const REPEATED = `[Executable = "x"; Arguments = "%n ${'y'.repeat(200_000)}"; Parameters = 10000]`;

describe('a parametric JDL expanding beyond the size limits', () => {
  it('is refused when each job would be larger than the per-job limit, and creates nothing', async () => {
    const before = await jobIds('owner');
    const res = await call(server.app, 'owner', 'POST', '/api/jobs/jdl', [LONG_VALUES]);
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toMatch(PER_JOB);
    expect(await jobIds('owner')).toEqual(before);
  });

  it('is refused when 10 000 copies of a long string would exceed the submission limit, creating nothing', async () => {
    const before = await jobIds('ownerOtherGroup');
    const res = await call(server.app, 'ownerOtherGroup', 'POST', '/api/jobs/jdl', [REPEATED]);
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toMatch(TOTAL);
    expect(await jobIds('ownerOtherGroup')).toEqual(before);
  });

  it('is refused when parameters name later parameters, multiplying the text at each step', async () => {
    const chain = (to: string): string => `"${`%(${to})s`.repeat(100)}"`;
    const text =
      `[Executable = "x"; Arguments = "%(A)s"; Parameters.A = {${chain('B')}}; Parameters.B = ` +
      `{${chain('C')}}; Parameters.C = {"${'z'.repeat(100)}"}]`;
    const before = await jobIds('owner');
    const res = await call(server.app, 'owner', 'POST', '/api/jobs/jdl', [text]);
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toMatch(
      new RegExp(
        String.raw`^The job would have a JDL of \d+ bytes, more than the 262144 allowed per job ` +
          String.raw`\(DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES\)$`,
      ),
    );
    expect(await jobIds('owner')).toEqual(before);
  });

  it('is refused by MCP submit_job and reported invalid by validate_jdl, and creates nothing', async () => {
    const before = await jobIds('owner');
    const submitted = await mcp.callTool({ name: 'submit_job', arguments: { jdl_content: LONG_VALUES } });
    expect(submitted.isError).toBe(true);
    const text = (submitted.content as { text: string }[])[0]!.text;
    expect(text).toStartWith('INVALID_INPUT: Job 1 of 20 would have a JDL of');
    expect(text).toContain('DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES');
    const validated = await mcp.callTool({ name: 'validate_jdl', arguments: { jdl_content: LONG_VALUES } });
    const report = validated.structuredContent as { valid: boolean; errors: { message: string }[] };
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => e.message)).toEqual([expect.stringMatching(PER_JOB)]);
    expect(await jobIds('owner')).toEqual(before);
  });

  // Each value is written twice: in Arguments and in Parameter.
  it('still accepts 20 jobs just under the per-job limit', async () => {
    const text =
      `[Executable = "x"; Arguments = "%s"; Parameters = ` +
      `{${Array.from({ length: 20 }, (_, i) => `"${String(i).padEnd(125_000, 'w')}"`).join(', ')}}]`;
    const before = await jobIds('owner');
    const res = await call(server.app, 'owner', 'POST', '/api/jobs/jdl', [text]);
    expect(res.status).toBe(201);
    expect((await jobIds('owner')).length).toBe(before.length + 20);
  });
});
