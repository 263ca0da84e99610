/**
 * The MCP tools over real HTTP with the SDK client: `tools/list` describes every tool fully and
 * every core tool declares its access; the same user gets the same jobs from `search_jobs` as
 * from `POST /api/jobs/search`; refusals are tool errors that do not say which check failed;
 * every call leaves one audit line; the resources and prompts are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CORE_TOOLS } from '../../src/tools/core.ts';
import { call, submitJob } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

let server: McpTestServer;
let owner: Client;
let otherVo: Client;
let job = 0;
async function clientFor(vo: string, group: string, user: string): Promise<Client> {
  const client = new Client({ name: `test-${user}`, version: '1.0.0' });
  const token = await server.token(vo, group, user);
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

beforeAll(async () => {
  server = await startMcpTestServer();
  job = await submitJob(server.app, 'owner');
  await submitJob(server.app, 'otherVo');
  owner = await clientFor('lhcb', 'lhcb_user', 'chaen');
  otherVo = await clientFor('gridpp', 'gridpp_user', 'alice');
});
afterAll(async () => {
  await Promise.all([owner.close(), otherVo.close()]);
  await server.stop();
});

describe('tools/list', () => {
  it('gives every tool a description, input and output schemas and annotations', async () => {
    const { tools } = await owner.listTools();
    expect(tools.map((t) => t.name)).toEqual(CORE_TOOLS.map((t) => t.name));
    for (const tool of tools) {
      expect({ name: tool.name, described: (tool.description ?? '').length > 20 }).toEqual({
        name: tool.name,
        described: true,
      });
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(typeof tool.annotations?.readOnlyHint).toBe('boolean');
      expect(typeof tool.annotations?.destructiveHint).toBe('boolean');
    }
  });

  it('has no tool without an access declaration, and only identity tools are open', () => {
    for (const def of CORE_TOOLS) {
      expect(def.access.kind === 'policy' || ['whoami', 'get_config_summary'].includes(def.name)).toBe(true);
    }
  });
});

describe('tool results match REST for the same user', () => {
  it('search_jobs returns the jobs POST /api/jobs/search returns', async () => {
    const rest = await call(server.app, 'owner', 'POST', '/api/jobs/search?per_page=10', {
      parameters: ['JobID'],
      sort: [{ parameter: 'JobID', direction: 'asc' }],
    });
    const mcp = await owner.callTool({
      name: 'search_jobs',
      arguments: { parameter: 'JobID', operator: 'gt', value: '0', result_fields: ['JobID'] },
    });
    expect(mcp.isError).toBeFalsy();
    const data = (mcp.structuredContent as { data: { JobID: number }[] }).data
      .map((j) => j.JobID)
      .sort((a, b) => a - b);
    expect(data).toEqual((rest.body as { JobID: number }[]).map((j) => j.JobID));
  });

  it('refuses another VO user get_job like REST does, without saying why', async () => {
    const rest = await call(server.app, 'otherVo', 'PATCH', '/api/jobs/status', {
      [job]: { '2030-01-01T00:00:00Z': { MinorStatus: 'x' } },
    });
    expect(rest.status).toBe(403);
    const mcp = await otherVo.callTool({ name: 'kill_jobs', arguments: { job_ids: [job] } });
    expect(mcp.isError).toBe(true);
    const text = JSON.stringify(mcp.content);
    expect(text).toContain('FORBIDDEN');
    expect(text).not.toContain('Owner');
  });

  it('answers invalid arguments with a JSON-RPC invalid-params error naming the argument', async () => {
    const err = await owner
      .callTool({ name: 'get_job', arguments: { job_id: 'not a number' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: -32602 });
    expect(String((err as Error).message)).toContain('job_id');
  });
});

describe('audit and other MCP features', () => {
  it('writes one audit line per tool call with who, client, tool, digest, outcome and duration', async () => {
    const before = server.app.logs.length;
    await owner.callTool({ name: 'whoami', arguments: {} });
    const lines = server.app.logs.slice(before).filter((l) => l.msg === 'tool call');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ tool: 'whoami', sub: 'lhcb:b824d4dc-1f9d-4ee8-8df5-c0ae55d46041', outcome: 'ok' });
    expect(typeof lines[0]!.args_digest).toBe('string');
    expect(typeof lines[0]!.duration_ms).toBe('number');
  });

  it('serves the job resource and the dashboard through the same policies', async () => {
    const own = await owner.readResource({ uri: `dirac-job://${job}` });
    expect(JSON.parse(String((own.contents[0] as { text: string }).text))).toMatchObject({ success: true });
    const foreign = await otherVo.readResource({ uri: `dirac-job://${job}` });
    expect(JSON.parse(String((foreign.contents[0] as { text: string }).text))).toHaveProperty('error');
    const dashboard = await owner.readResource({ uri: 'dirac-dashboard://jobs' });
    expect(JSON.parse(String((dashboard.contents[0] as { text: string }).text))).toMatchObject({ success: true });
  });

  it('lists the prompts, which name the tools to call', async () => {
    const { prompts } = await owner.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['clean-up-stalled-jobs', 'debug-failed-job', 'submit-job']);
    const prompt = await owner.getPrompt({ name: 'debug-failed-job', arguments: { job_id: String(job) } });
    expect(JSON.stringify(prompt.messages)).toContain(`get_job_status_history(job_id=${job})`);
  });
});
