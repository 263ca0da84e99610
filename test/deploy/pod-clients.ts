/**
 * The REST and MCP calls the podman tests make to a played pod: a JSON POST with a bearer token,
 * and an MCP client over the streamable HTTP transport (with an optional fetch, e.g. one that
 * retries refused connections).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** POSTs `body` as JSON to `${base}${path}` with `bearer`. */
export function postJson(base: string, path: string, bearer: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Submits one JDL over REST; the job id (throws unless 201). */
export async function submitJdl(base: string, bearer: string, jdl: string): Promise<number> {
  const res = await postJson(base, '/api/jobs/jdl', bearer, [jdl]);
  if (res.status !== 201) throw new Error(`submitting ${jdl}: HTTP ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { JobID: number }[])[0]!.JobID;
}

/** An MCP client of `${base}/mcp`, connected with `bearer`. */
export async function connectMcp(
  base: string,
  bearer: string,
  options: { name?: string; fetch?: StreamableHTTPClientTransportOptions['fetch'] } = {},
): Promise<Client> {
  const client = new Client({ name: options.name ?? 'podman-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${bearer}` } },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
  return client;
}
