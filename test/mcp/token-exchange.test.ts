/**
 * An agent started with a person's DiracX credentials reaches /mcp without a browser: the access
 * token of a credentials file in the DiracX CLI's shape (`~/.cache/diracx/credentials.json`:
 * access_token, refresh_token, expires_on) is refused at /mcp as it is (no audience), exchanged
 * (RFC 8693) at the token endpoint over real HTTP, and the exchanged token calls tools as that
 * person, with the TypeScript SDK client and with `examples/python/exchange_agent.py` (the MCP
 * Python SDK; skipped, with the reason, without it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  PYTHON_CLIENT_INSTALL,
  PYTHON_CLIENT_TESTS_REQUIRED,
  pythonClientAvailability,
} from '../harness/python-clients.ts';
import { REPO_ROOT } from '../harness/server-process.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

const python = pythonClientAvailability();
let server: McpTestServer;
let dir: string;
let credentialsPath: string;

beforeAll(async () => {
  server = await startMcpTestServer();
  dir = await mkdtemp(join(tmpdir(), 'diracx-credentials-'));
  credentialsPath = join(dir, 'credentials.json');
  // What `dirac login` leaves behind: a REST token (no audience) and a refresh token.
  const credentials = {
    access_token: await server.app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen'),
    refresh_token: 'opaque-to-this-test',
    expires_on: Math.floor(Date.now() / 1000) + 1200 - 30,
  };
  await writeFile(credentialsPath, JSON.stringify(credentials), { mode: 0o600 });
});
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function readAccessToken(): Promise<string> {
  return ((await Bun.file(credentialsPath).json()) as { access_token: string }).access_token;
}

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'exchange-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe('DiracX CLI credentials to /mcp by token exchange', () => {
  it('refuses the DiracX access token at /mcp as it is, and accepts it once exchanged', async () => {
    const diracxToken = await readAccessToken();
    await expect(connect(diracxToken)).rejects.toThrow();

    const res = await fetch(`${server.base}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: diracxToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: server.mcpUrl.href,
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { access_token: token } = (await res.json()) as { access_token: string };

    const client = await connect(token);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.structuredContent).toMatchObject({
        preferred_username: 'chaen',
        vo: 'lhcb',
        group: 'lhcb_user',
        client_id: null,
      });
    } finally {
      await client.close();
    }
  });
});

if (!python.available && !PYTHON_CLIENT_TESTS_REQUIRED) {
  describe('examples/python/exchange_agent.py', () => {
    const why = `${python.reason}; set DIRACX_REQUIRE_PYTHON_CLIENT_TESTS=1 to fail instead`;
    it.skip(`exchanges DiracX credentials and calls a tool (skipped: ${why})`, () => {});
  });
} else {
  describe('examples/python/exchange_agent.py', () => {
    const run = async (path: string) => {
      if (!python.available)
        throw new Error(`DIRACX_REQUIRE_PYTHON_CLIENT_TESTS=1 but ${python.reason} (${PYTHON_CLIENT_INSTALL})`);
      const proc = Bun.spawn({
        cmd: [python.python, 'examples/python/exchange_agent.py'],
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DIRACX_MCP_URL: server.mcpUrl.href,
          DIRACX_ISSUER: server.base,
          DIRACX_CREDENTIALS_PATH: path,
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

    it('exchanges the credentials file and calls tools as its person', async () => {
      const { code, stdout, stderr } = await run(credentialsPath);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(stdout) as { acting_as: Record<string, unknown>; tools: number };
      expect(report.acting_as).toMatchObject({ preferred_username: 'chaen', vo: 'lhcb', group: 'lhcb_user' });
      expect(report.tools).toBeGreaterThan(10);
    });

    it('stops with the refusal when the credentials hold an expired token', async () => {
      const expired = join(dir, 'expired.json');
      const token = await server.app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', { lifetimeSeconds: -60 });
      await writeFile(expired, JSON.stringify({ access_token: token, refresh_token: null, expires_on: 0 }));
      const { code, stdout, stderr } = await run(expired);
      expect([code, stdout]).toEqual([1, '']);
      expect(stderr).toContain('token exchange refused (400)');
      expect(stderr).toContain('invalid_request');
    });
  });
}
