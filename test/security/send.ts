/**
 * How the security matrix and its hand-written expectations call the world: one request, as one
 * caller, at REST or at `/mcp`, with that caller's token for the entry point (none for
 * `noToken`), and the reply read whole.
 */
import type { Caller, World } from './fixture.ts';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends `body` (JSON, when defined) to `path` as `caller`, with its token for `/mcp` when `forMcp`. */
export async function send(
  world: World,
  caller: Caller,
  method: string,
  path: string,
  body: unknown,
  forMcp: boolean,
): Promise<Reply> {
  const token = await world.token(caller, forMcp);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await world.app.fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Calls the MCP tool `name` with `args` as `caller` (its `/mcp` token). */
export function callTool(world: World, caller: Caller, name: string, args: Record<string, unknown>): Promise<Reply> {
  return send(
    world,
    caller,
    'POST',
    '/mcp',
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
    true,
  );
}
