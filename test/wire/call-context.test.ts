/**
 * The one per-call context (`wire/call-context`) and its policy guard (`policies/guard`): the
 * guard runs the policy in force and records that one ran, the context holds one configuration
 * snapshot and the services' clock, and both faces build it, so a frozen clock stamps a job
 * submitted over REST and one submitted through the MCP tool alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ForbiddenError } from '../../src/core/errors.ts';
import type { AuthedUser } from '../../src/core/user.ts';
import { EXTENSION_CONTRACT_VERSION } from '../../src/extensions/contract.ts';
import { composeExtensions } from '../../src/extensions/compose.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { wmsPolicy } from '../../src/policies/wms.ts';
import { createCallContext } from '../../src/wire/call-context.ts';
import { call } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';

const FROZEN = new Date('2031-02-03T04:05:06.000Z');
let server: McpTestServer;
let chaen: AuthedUser;

beforeAll(async () => {
  server = await startMcpTestServer({ now: () => FROZEN });
  chaen = await server.app.tokens.auth.verifier(await server.app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen'));
});
afterAll(() => server.stop());

describe('the policy guard', () => {
  it('records that a policy ran, also when the policy refuses', async () => {
    const ctx = createCallContext(server.app.apiDeps, chaen);
    expect(ctx.access.called).toBe(false);
    const refused = await ctx.access.check(wmsPolicy, { action: 'force_status', jobIds: [] }).catch((e) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(ctx.access.called).toBe(true);
  });

  it("runs an extension's override of the policy, not the core's", async () => {
    const seen: unknown[] = [];
    const override: AccessPolicy<unknown> = {
      id: wmsPolicy.id,
      async check(_ctx, args) {
        seen.push(args);
      },
    };
    const { policies } = composeExtensions([
      {
        name: 'override-wms',
        contractVersion: EXTENSION_CONTRACT_VERSION,
        description: 'lets everything through, to see which policy runs',
        policyOverrides: [override as AccessPolicy<never>],
      },
    ]);
    const ctx = createCallContext({ ...server.app.apiDeps, policies }, chaen);
    // The core policy refuses force_status to a normal user; the override lets it through.
    await ctx.access.check(wmsPolicy, { action: 'force_status', jobIds: [] });
    expect(seen).toEqual([{ action: 'force_status', jobIds: [] }]);
  });
});

describe('the call context', () => {
  it("keeps the configuration in force at the call's start, and the services' clock", async () => {
    const before = server.app.config.current();
    const ctx = createCallContext(server.app.apiDeps, chaen, 'https://diracx.example.org/prefix');
    server.app.config.replace({ ...before, config: { ...before.config }, etag: 'changed' });
    try {
      expect(server.app.config.current()).not.toBe(before);
      expect(ctx.config).toBe(before.config);
      expect(ctx.now()).toEqual(FROZEN);
      expect(ctx.origin).toBe('https://diracx.example.org/prefix');
      expect(ctx.user).toBe(chaen);
    } finally {
      server.app.config.replace(before);
    }
  });

  it('gives REST and MCP the same clock: both stamp a submitted job with the frozen time', async () => {
    const rest = await call(server.app, 'owner', 'POST', '/api/jobs/jdl', ['[Executable = "rest";]']);
    expect(rest.status).toBe(201);
    const restJob = (rest.body as { JobID: number }[])[0]?.JobID;

    const client = new Client({ name: 'call-context-test', version: '1.0.0' });
    const token = await server.token('lhcb', 'lhcb_user', 'chaen');
    await client.connect(
      new StreamableHTTPClientTransport(server.mcpUrl, {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const result = await client.callTool({ name: 'submit_job', arguments: { executable: 'mcp' } });
      expect(result.isError).toBeFalsy();
      const mcpJob = (result.structuredContent as { job_ids: number[] }).job_ids[0];

      const search = await call(server.app, 'owner', 'POST', '/api/jobs/search', {
        parameters: ['JobID', 'SubmissionTime', 'LastUpdateTime'],
        search: [{ parameter: 'JobID', operator: 'in', values: [restJob, mcpJob] }],
        sort: [{ parameter: 'JobID', direction: 'asc' }],
      });
      const stamp = FROZEN.toISOString().replace('.000Z', '');
      expect(search.body).toEqual([
        {
          JobID: restJob,
          SubmissionTime: expect.stringContaining(stamp),
          LastUpdateTime: expect.stringContaining(stamp),
        },
        {
          JobID: mcpJob,
          SubmissionTime: expect.stringContaining(stamp),
          LastUpdateTime: expect.stringContaining(stamp),
        },
      ]);
    } finally {
      await client.close();
    }
  });
});
