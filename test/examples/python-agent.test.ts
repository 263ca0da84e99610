/**
 * `examples/python/agent.py`, run by a real python3 with the official MCP Python SDK against a
 * live server: it logs in by client credentials with the SDK's own provider (discovering the
 * authorization server from /mcp), submits a job, follows it and reads its history as its
 * service account; REST confirms the job and its owner. A wrong secret gets no token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { call } from '../routes/jobs/harness.ts';
import {
  PYTHON_CLIENT_INSTALL,
  PYTHON_CLIENT_TESTS_REQUIRED,
  pythonClientAvailability,
} from '../harness/python-clients.ts';
import { createServiceClientFixture, SECRET_CLIENT, type ServiceClientFixture } from '../harness/service-clients.ts';
import { REPO_ROOT } from '../harness/server-process.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';

const python = pythonClientAvailability();

if (!python.available && !PYTHON_CLIENT_TESTS_REQUIRED) {
  describe('examples/python/agent.py', () => {
    const skippedTitle =
      `runs against a live server (skipped: ${python.reason}; ` +
      `set DIRACX_REQUIRE_PYTHON_CLIENT_TESTS=1 to fail instead)`;
    it.skip(skippedTitle, () => {});
  });
} else {
  let server: McpTestServer;
  let fixture: ServiceClientFixture;
  beforeAll(async () => {
    if (!python.available)
      throw new Error(`DIRACX_REQUIRE_PYTHON_CLIENT_TESTS=1 but ${python.reason} (${PYTHON_CLIENT_INSTALL})`);
    fixture = await createServiceClientFixture();
    server = await startMcpTestServer({ rawConfig: fixture.raw });
  });
  afterAll(() => server?.stop());

  const runAgent = async (secret: string) => {
    const proc = Bun.spawn({
      cmd: [(python as { python: string }).python, 'examples/python/agent.py'],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DIRACX_MCP_URL: server.mcpUrl.href,
        DIRACX_ISSUER: server.base,
        DIRACX_CLIENT_ID: SECRET_CLIENT,
        DIRACX_CLIENT_SECRET: secret,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    return { code, stdout, stderr };
  };

  describe('examples/python/agent.py', () => {
    it('logs in with client credentials and submits, follows and inspects a job as its service account', async () => {
      const { code, stdout, stderr } = await runAgent(fixture.secret);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(stdout) as {
        acting_as: Record<string, string>;
        tools: number;
        job_id: number;
        status: string;
        history: string[];
      };
      expect(report.acting_as).toEqual({ user: 'chaen', vo: 'lhcb', group: 'lhcb_user', client_id: SECRET_CLIENT });
      expect(report.tools).toBeGreaterThanOrEqual(17);
      expect([report.status, report.history]).toEqual(['Received', ['Received']]);
      const rest = await call(server.app, 'admin', 'POST', '/api/jobs/search', {
        parameters: ['Owner', 'JobName'],
        search: [{ parameter: 'JobID', operator: 'eq', value: report.job_id }],
      });
      expect(rest.body).toEqual([{ Owner: 'chaen', JobName: 'python-agent-example' }]);
    });

    it('gets no token with a wrong secret', async () => {
      const { code, stdout, stderr } = await runAgent('not-the-secret');
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual([
        expect.stringContaining('agent: OAuthTokenError: Token exchange failed (401)'),
      ]);
      expect(stderr).toContain('invalid_client');
    });
  });
}
