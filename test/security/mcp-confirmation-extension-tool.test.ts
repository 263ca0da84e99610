/**
 * The confirmation covers extensions' destructive tools too: with `DIRACX_MCP_CONFIRM_THRESHOLD`
 * 0 (confirm every destructive call), gubbins's `remove_gubbins_owner` from a 2025-era client
 * used to remove at once. Its first call now changes nothing and answers a confirmation token;
 * a token for another owner is refused; the call carrying its own token removes the owner, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import gubbins from '@diracx-ts/gubbins';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { GUBBINS_SENSEI } from '../../extensions/gubbins/src/properties.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';
import { textOf, type ToolOutcome } from './mcp-confirmation.ts';

let server: McpTestServer;
let client: Client;
beforeAll(async () => {
  server = await startMcpTestServer({ confirmThreshold: 0, extensions: [gubbins] });
  const token = await server.app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', {
    audience: server.mcpUrl.href,
    properties: ['NormalUser', GUBBINS_SENSEI],
  });
  client = new Client({ name: 'v1-host', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
});
afterAll(async () => {
  await client.close();
  await server.stop();
});

const call = async (name: string, args: Record<string, unknown>): Promise<ToolOutcome> =>
  (await client.callTool({ name, arguments: args })) as ToolOutcome;
const names = async (): Promise<string[]> =>
  ((await call('list_gubbins_owners', {})).structuredContent!.owners as { Name: string }[]).map((o) => o.Name);

describe('remove_gubbins_owner under confirmation', () => {
  it('changes nothing at first, refuses a token of another owner, and removes with its own token once', async () => {
    const alice = (await call('add_gubbins_owner', { name: 'Alice' })).structuredContent?.owner as {
      OwnerID: number;
    };
    const bob = (await call('add_gubbins_owner', { name: 'Bob' })).structuredContent?.owner as { OwnerID: number };
    const first = await call('remove_gubbins_owner', { owner_id: alice.OwnerID });
    expect(first.isError).toBeFalsy();
    const token = first.structuredContent?.confirmation_token;
    expect(token).toBeString();
    expect(first.structuredContent?.removed).toBeUndefined();
    expect(await names()).toEqual(['Alice', 'Bob']);

    const other = await call('remove_gubbins_owner', { owner_id: bob.OwnerID, confirmation_token: token });
    expect(other.isError).toBe(true);
    expect(textOf(other)).toStartWith('INVALID_INPUT:');
    expect(await names()).toEqual(['Alice', 'Bob']);

    const removed = await call('remove_gubbins_owner', { owner_id: alice.OwnerID, confirmation_token: token });
    expect(removed.structuredContent?.removed).toMatchObject({ Name: 'Alice' });
    expect(await names()).toEqual(['Bob']);
    expect((await call('remove_gubbins_owner', { owner_id: alice.OwnerID, confirmation_token: token })).isError).toBe(
      true,
    );
  });
});
