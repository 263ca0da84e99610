/**
 * Tool output schemas: listed the same whether or not results are checked against them; in
 * development (the switch that crashes on a missed policy) a result that breaks its schema is a
 * tool error, in production it is trusted (the tool's types guarantee it) and sent as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { mcpOptions } from '../../src/mcp/options.ts';
import { registerTools, type CallScope } from '../../src/mcp/register-tools.ts';
import { defineTool, READ_ONLY, type ToolDef } from '../../src/tools/define.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app.dispose();
});

/** A tool whose result does not match its output schema (as a bug would make it). */
const broken = defineTool({
  name: 'count_things',
  title: 'Count things',
  description: 'Counts things (a test tool whose result breaks its schema).',
  input: z.object({}),
  output: z.object({ count: z.number().int() }),
  annotations: READ_ONLY,
  access: { kind: 'open' },
  run: async () => ({ count: 'many' }) as unknown as { count: number },
}) as unknown as ToolDef;

async function clientWith(validate: boolean): Promise<Client> {
  const user = await app.tokens.auth.verifier(await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen'));
  const server = new McpServer({ name: 'test', version: '0.0.0' });
  const deps = {
    ...app.apiDeps,
    verifier: app.tokens.auth.verifier,
    devCrashOnMissedPolicy: validate,
    ...mcpOptions({ issuer: 'http://test', port: 0, confirmThreshold: 10 }),
  };
  registerTools(
    server,
    [broken],
    deps,
    (): CallScope => ({ user, confirmFor: () => async () => ({ kind: 'declined' }) }),
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test-client', version: '0.0.0' });
  await client.connect(clientSide);
  return client;
}

describe('tool output schemas', () => {
  it('are listed identically in development and in production', async () => {
    const [dev, prod] = await Promise.all([clientWith(true), clientWith(false)]);
    const [devTools, prodTools] = await Promise.all([dev.listTools(), prod.listTools()]);
    expect(prodTools.tools[0]?.outputSchema).toEqual(devTools.tools[0]!.outputSchema!);
    const [result, envelope] = (devTools.tools[0]?.outputSchema?.anyOf ?? []) as { properties: object }[];
    expect(result?.properties).toHaveProperty('count');
    expect(envelope?.properties).toHaveProperty('success');
  });

  it('make a result that breaks them a tool error in development', async () => {
    const result = await (await clientWith(true)).callTool({ name: 'count_things', arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('Output validation error');
  });

  it('are trusted in production: the result is sent as the tool returned it', async () => {
    const result = await (await clientWith(false)).callTool({ name: 'count_things', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ count: 'many' });
  });
});
