/**
 * @module eval/mcp-session
 * One scenario user's MCP session: the official SDK client over Streamable HTTP to the real
 * `/mcp` endpoint, with a bearer token for that user. Lists the tools in `ToolInfo` form and
 * calls them; a JSON-RPC error (invalid arguments, unknown tool) becomes an error outcome
 * (`INVALID_PARAMS: ...`) so that agents see every failure the same way.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import type { McpTestServer } from '../test/mcp/server.ts';
import type { ToolInfo, ToolOutcome } from './agent.ts';
import { personParts, type Person } from './scenario.ts';

export interface McpSession {
  tools: ToolInfo[];
  call(name: string, args: Record<string, unknown>): Promise<ToolOutcome>;
  close(): Promise<void>;
}

const CallResult = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).default([]),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
});

/** Turns what `callTool` answered into an outcome. */
export function toOutcome(raw: unknown): ToolOutcome {
  const parsed = CallResult.safeParse(raw);
  if (!parsed.success)
    return { isError: true, text: 'INTERNAL: the tool result could not be read', structured: undefined };
  const text = parsed.data.content.map((c) => c.text ?? '').join('\n');
  const isError = parsed.data.isError === true;
  return { isError, text, structured: isError ? undefined : parsed.data.structuredContent };
}

export async function openSession(server: McpTestServer, person: Person): Promise<McpSession> {
  const [vo, group, user] = personParts(person);
  const token = await server.token(vo, group, user);
  const client = new Client({ name: 'diracx-eval', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  const { tools } = await client.listTools();
  return {
    tools: tools.map((t) => ({
      name: t.name,
      description: t.description ?? '',
      inputSchema: t.inputSchema,
      annotations: { readOnlyHint: t.annotations?.readOnlyHint, destructiveHint: t.annotations?.destructiveHint },
    })),
    async call(name, args) {
      try {
        return toOutcome(await client.callTool({ name, arguments: args }));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { isError: true, text: `INVALID_PARAMS: ${message}`, structured: undefined };
      }
    },
    close: () => client.close(),
  };
}
