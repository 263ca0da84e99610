/**
 * What the confirmation attacks share: a real HTTP server for the MCP SDK clients (threshold 1,
 * so any call on two jobs needs a confirmation, and a clock the test moves), the v1 SDK client
 * of 2025-era hosts (the two-step protocol), the v2 client pinned to 2026-07-28 answering the
 * elicitation as told, raw 2026-07-28 requests for what no honest client sends, and a snapshot
 * of everything a destructive call could change.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { call, submitJob, type Person } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';

/** Who calls, by (VO, group, user) of the shipped configuration. */
export const CALLERS = {
  owner: ['lhcb', 'lhcb_user', 'chaen'],
  admin: ['lhcb', 'lhcb_admin', 'lhcbadmin'],
} as const satisfies Record<string, readonly [string, string, string]>;
export type Caller = keyof typeof CALLERS;

export interface ConfirmationWorld {
  server: McpTestServer;
  /** The server's clock, as an offset from the real one the test may move. */
  clock: { offsetMs: number };
  /** Fresh jobs of chaen. */
  jobs(n: number): Promise<number[]>;
  /** A connected v1 (2025-era) client of `who`. */
  legacyClient(who: Caller): Promise<LegacyClient>;
  /** A connected v2 client of `who` pinned to 2026-07-28, declaring elicitation, answering with `answer()`. */
  modernClient(who: Caller, answer: () => 'accept' | 'decline'): Promise<{ client: Client; asked: string[] }>;
  /**
   * A raw 2026-07-28 `tools/call` of `who` declaring elicitation, with `extra` params
   * (inputResponses, requestState).
   */
  rawModernCall(
    who: Caller,
    tool: string,
    args: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): Promise<RawResult>;
  /** Status, minor status, counter and history length of each job, as REST shows them. */
  snapshot(ids: readonly number[]): Promise<unknown[]>;
  stop(): Promise<void>;
}

export interface RawResult {
  resultType?: string;
  requestState?: string;
  inputRequests?: Record<string, unknown>;
  isError?: boolean;
  content?: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

export async function startConfirmationWorld(): Promise<ConfirmationWorld> {
  const clock = { offsetMs: 0 };
  const server = await startMcpTestServer({ confirmThreshold: 1, now: () => new Date(Date.now() + clock.offsetMs) });
  const tokenOf = (who: Caller): Promise<string> => {
    const [vo, group, user] = CALLERS[who];
    return server.token(vo, group, user);
  };
  const headersOf = async (who: Caller) => ({ authorization: `Bearer ${await tokenOf(who)}` });
  return {
    server,
    clock,
    async jobs(n) {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(await submitJob(server.app, 'owner'));
      return ids;
    },
    async legacyClient(who) {
      const client = new LegacyClient({ name: 'v1-host', version: '1.0.0' }, { capabilities: {} });
      await client.connect(new LegacyTransport(server.mcpUrl, { requestInit: { headers: await headersOf(who) } }));
      return client;
    },
    async modernClient(who, answer) {
      const asked: string[] = [];
      const client = new Client(
        { name: 'v2-host', version: '1.0.0' },
        { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
      );
      client.setRequestHandler('elicitation/create', async (request) => {
        asked.push(String((request.params as { message?: string }).message ?? ''));
        return answer() === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
      });
      await client.connect(
        new StreamableHTTPClientTransport(server.mcpUrl, { requestInit: { headers: await headersOf(who) } }),
      );
      return { client, asked };
    },
    async rawModernCall(who, tool, args, extra = {}) {
      const res = await fetch(server.mcpUrl, {
        method: 'POST',
        headers: {
          ...(await headersOf(who)),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': tool,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: {
            name: tool,
            arguments: args,
            ...extra,
            _meta: {
              [PROTOCOL_VERSION_META_KEY]: '2026-07-28',
              [CLIENT_INFO_META_KEY]: { name: 'raw', version: '1.0.0' },
              [CLIENT_CAPABILITIES_META_KEY]: { elicitation: { form: {} } },
            },
          },
        }),
      });
      const body = (await res.json()) as { result?: RawResult; error?: unknown };
      if (!body.result) throw new Error(`no result: ${JSON.stringify(body)}`);
      return body.result;
    },
    async snapshot(ids) {
      const res = await call(server.app, 'admin' satisfies Person, 'POST', '/api/jobs/search', {
        parameters: ['JobID', 'Status', 'MinorStatus', 'RescheduleCounter', 'LoggingInfo'],
        search: [{ parameter: 'JobID', operator: 'in', values: ids }],
        sort: [{ parameter: 'JobID', direction: 'asc' }],
      });
      return res.body as unknown[];
    },
    stop: () => server.stop(),
  };
}

/** The structured result of a v1 client's tool call. */
export interface ToolOutcome {
  isError?: boolean;
  content?: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

/** The first text of a result. */
export const textOf = (result: ToolOutcome): string => result.content?.[0]?.text ?? '';
