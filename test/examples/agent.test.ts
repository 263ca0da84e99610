/**
 * `examples/agent.ts` runs as a separate process against a live server (real HTTP) and does its
 * task with no person: it logs in by client credentials (a secret, then private_key_jwt), submits
 * a job, follows it and reads its history, as its service account; REST confirms the job exists
 * and belongs to that account. Wrong credentials get no token and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { exportJWK } from 'jose';
import { call } from '../routes/jobs/harness.ts';
import {
  createServiceClientFixture,
  JWT_CLIENT,
  SECRET_CLIENT,
  type ServiceClientFixture,
} from '../harness/service-clients.ts';
import { REPO_ROOT } from '../harness/server-process.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';

let server: McpTestServer;
let fixture: ServiceClientFixture;
beforeAll(async () => {
  fixture = await createServiceClientFixture();
  server = await startMcpTestServer({ rawConfig: fixture.raw });
});
afterAll(() => server.stop());

interface Report {
  acting_as: { user: string; vo: string; group: string; client_id: string };
  tools: number;
  job_id: number;
  status: string;
  history: string[];
}

async function runAgent(env: Record<string, string>): Promise<{ code: number; report?: Report; stderr: string }> {
  const proc = Bun.spawn({
    cmd: [process.execPath, 'examples/agent.ts'],
    cwd: REPO_ROOT,
    env: { ...process.env, DIRACX_MCP_URL: server.mcpUrl.href, DIRACX_ISSUER: server.base, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, stderr, ...(code === 0 ? { report: JSON.parse(stdout) as Report } : {}) };
}

async function ownerOf(jobId: number): Promise<unknown> {
  const res = await call(server.app, 'admin', 'POST', '/api/jobs/search', {
    parameters: ['Owner', 'JobName'],
    search: [{ parameter: 'JobID', operator: 'eq', value: jobId }],
  });
  return res.body;
}

describe('examples/agent.ts', () => {
  it('logs in with a client secret and submits, follows and inspects a job as its service account', async () => {
    const { code, report, stderr } = await runAgent({
      DIRACX_CLIENT_ID: SECRET_CLIENT,
      DIRACX_CLIENT_SECRET: fixture.secret,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(report!.acting_as).toEqual({ user: 'chaen', vo: 'lhcb', group: 'lhcb_user', client_id: SECRET_CLIENT });
    expect(report!.tools).toBeGreaterThanOrEqual(17);
    expect(report!.status).toBe('Received');
    expect(report!.history).toEqual(['Received']);
    expect(await ownerOf(report!.job_id)).toEqual([{ Owner: 'chaen', JobName: 'agent-example' }]);
  });

  it('logs in with private_key_jwt', async () => {
    const jwk = JSON.stringify(await exportJWK(fixture.privateKey));
    const { code, report, stderr } = await runAgent({
      DIRACX_CLIENT_ID: JWT_CLIENT,
      DIRACX_CLIENT_PRIVATE_KEY: jwk,
      DIRACX_CLIENT_KEY_ALG: 'ES256',
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(report!.acting_as).toEqual({ user: 'albdr', vo: 'lhcb', group: 'lhcb_user', client_id: JWT_CLIENT });
    expect(await ownerOf(report!.job_id)).toEqual([{ Owner: 'albdr', JobName: 'agent-example' }]);
  });

  it('gets no token with a wrong secret, and submits nothing', async () => {
    const before = await call(server.app, 'admin', 'POST', '/api/jobs/search', { parameters: ['JobID'] });
    const { code, stderr } = await runAgent({
      DIRACX_CLIENT_ID: SECRET_CLIENT,
      DIRACX_CLIENT_SECRET: 'not-the-secret',
    });
    expect(code).not.toBe(0);
    expect(stderr.trim()).toBe('agent: InvalidClientError: Client authentication failed');
    const after = await call(server.app, 'admin', 'POST', '/api/jobs/search', { parameters: ['JobID'] });
    expect(after.body).toEqual(before.body);
  });
});
