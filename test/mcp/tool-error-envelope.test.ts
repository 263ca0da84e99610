/**
 * Errors every client reads (issue 20, item 1): a tool failure is an `isError` result whose text
 * is `CODE: message hint` as before, and whose `structuredContent` is `{success: false, error,
 * code}` with `error` the same text without its code; for a logic error, a policy refusal and an
 * extension tool's error alike. Both SDK clients read it: the 2.x client skips output validation
 * on errors, the 1.x client validates it against the advertised output schema, which therefore
 * admits the envelope. Invalid arguments stay a JSON-RPC invalid-params error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import gubbins from '@diracx-ts/gubbins';
import { Client as V2Client } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPClientTransport as V2Transport } from '@modelcontextprotocol/client';
import { GUBBINS_SENSEI } from '../../extensions/gubbins/src/properties.ts';
import { submitJob } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

interface Outcome {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}
interface AnyClient {
  listTools(): Promise<{ tools: { name: string; outputSchema?: Record<string, unknown> }[] }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

let server: McpTestServer;
let job = 0;
const clients: Record<'v1' | 'v2', { owner: AnyClient; otherVo: AnyClient }> = {} as never;

async function connect(kind: 'v1' | 'v2', vo: string, group: string, user: string): Promise<AnyClient> {
  const token = await server.app.tokens.tokenFor(vo, group, user, {
    audience: server.mcpUrl.href,
    properties: ['NormalUser', GUBBINS_SENSEI],
  });
  const requestInit = { headers: { authorization: `Bearer ${token}` } };
  if (kind === 'v1') {
    const client = new V1Client({ name: `v1-${user}`, version: '1.0.0' });
    await client.connect(new V1Transport(server.mcpUrl, { requestInit }));
    return client as unknown as AnyClient;
  }
  const client = new V2Client({ name: `v2-${user}`, version: '1.0.0' });
  await client.connect(new V2Transport(server.mcpUrl, { requestInit }));
  return client as unknown as AnyClient;
}

beforeAll(async () => {
  server = await startMcpTestServer({ extensions: [gubbins] });
  job = await submitJob(server.app, 'owner');
  for (const kind of ['v1', 'v2'] as const) {
    clients[kind] = {
      owner: await connect(kind, 'lhcb', 'lhcb_user', 'chaen'),
      otherVo: await connect(kind, 'gridpp', 'gridpp_user', 'alice'),
    };
    // Both clients compile the output schemas' validators from tools/list, as hosts do.
    await clients[kind].owner.listTools();
    await clients[kind].otherVo.listTools();
  }
});
afterAll(async () => {
  for (const pair of Object.values(clients)) await Promise.all([pair.owner.close(), pair.otherVo.close()]);
  await server.stop();
});

function expectEnvelope(result: Outcome, code: string): string {
  expect(result.isError).toBe(true);
  expect(result.content).toHaveLength(1);
  const text = result.content[0]?.text ?? '';
  expect(text).toStartWith(`${code}: `);
  expect(result.structuredContent).toEqual({ success: false, error: text.slice(code.length + 2), code });
  return text;
}

describe.each(['v1', 'v2'] as const)('tool errors read by the %s SDK client', (kind) => {
  it('a logic error (a job that does not exist) is NOT_FOUND in text and structure', async () => {
    const result = (await clients[kind].owner.callTool({
      name: 'get_job',
      arguments: { job_id: 2 ** 31 - 1 },
    })) as Outcome;
    expect(expectEnvelope(result, 'NOT_FOUND')).toContain(`Job ${2 ** 31 - 1} not found`);
  });

  it('a policy refusal is FORBIDDEN and says no more than before', async () => {
    const result = (await clients[kind].otherVo.callTool({
      name: 'get_job_jdl',
      arguments: { job_id: job },
    })) as Outcome;
    const text = expectEnvelope(result, 'FORBIDDEN');
    expect(text).toStartWith('FORBIDDEN: Forbidden. ');
  });

  it("an extension tool's error carries the same envelope", async () => {
    const name = `Owner-${kind}`;
    const first = (await clients[kind].owner.callTool({ name: 'add_gubbins_owner', arguments: { name } })) as Outcome;
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).toMatchObject({ success: true });
    const again = (await clients[kind].owner.callTool({ name: 'add_gubbins_owner', arguments: { name } })) as Outcome;
    expectEnvelope(again, 'CONFLICT');
  });

  it('invalid arguments stay a JSON-RPC invalid-params error', async () => {
    const err = await clients[kind].owner
      .callTool({ name: 'get_job', arguments: { job_id: 'not a number' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: -32602 });
    expect(String((err as Error).message)).toContain('job_id');
  });
});

describe('advertised output schemas', () => {
  it('admit the result or the error envelope, for core and extension tools', async () => {
    const { tools } = await clients.v2.owner.listTools();
    expect(tools.map((t) => t.name)).toContain('list_gubbins_owners');
    for (const tool of tools) {
      const schema = tool.outputSchema as { type: string; anyOf: { properties: Record<string, unknown> }[] };
      expect({ name: tool.name, type: schema.type, branches: schema.anyOf.length }).toEqual({
        name: tool.name,
        type: 'object',
        branches: 2,
      });
      expect(Object.keys(schema.anyOf[1]!.properties).sort()).toEqual(['code', 'error', 'success']);
    }
  });
});
