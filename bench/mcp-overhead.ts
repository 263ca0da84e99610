/**
 * `bun run bench/mcp-overhead.ts [calls]`: the in-process cost of MCP over REST for the same
 * search at 10 and 100 rows, with no network and no load generator: the product's handler is
 * called directly, REST and MCP interleaved call by call, on the embedded database. Prints
 * per-call wall time (median) and the MCP/REST ratio; run under `bun --cpu-prof` to see where
 * MCP's extra time goes. Complements `bun run bench` (which measures over HTTP with wrk).
 */
import { createTestApp } from '../test/harness/app.ts';
import { DEFAULT_JOB_FIELDS } from '../src/tools/jobs.ts';

const CALLS = Number(Bun.argv[2] ?? 2000);
const MCP_URL = 'http://127.0.0.1/mcp';
// Production settings: tool output is not re-validated (it is in development and tests).
const app = await createTestApp({
  options: { devCrashOnMissedPolicy: false },
  mcp: {
    resourceUrl: MCP_URL,
    allowedHosts: ['127.0.0.1'],
    allowedOrigins: [],
    confirmThreshold: 10,
    rateLimitPerMinute: 0,
  },
});
const restToken = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen');
const mcpToken = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', { audience: MCP_URL });

const jdls = Array.from(
  { length: 20 },
  (_, i) => `[Executable = "echo"; JobName = "bench-${i}"; Site = "LCG.CERN.cern";]`,
);
for (let i = 0; i < 8; i++) {
  const res = await app.handler(
    new Request('http://127.0.0.1/api/jobs/jdl', {
      method: 'POST',
      headers: { authorization: `Bearer ${restToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(jdls),
    }),
  );
  if (!res.ok) throw new Error(`seed: ${res.status} ${await res.text()}`);
}

const rest = (perPage: number): Request =>
  new Request(`http://127.0.0.1/api/jobs/search?page=1&per_page=${perPage}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${restToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      parameters: DEFAULT_JOB_FIELDS,
      search: [{ parameter: 'Status', operator: 'eq', value: 'Received' }],
      sort: [{ parameter: 'JobID', direction: 'desc' }],
    }),
  });
const mcp = (perPage: number): Request =>
  new Request(MCP_URL, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${mcpToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      host: '127.0.0.1',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'search_jobs',
        arguments: {
          parameter: 'Status',
          operator: 'eq',
          value: 'Received',
          per_page: perPage,
          sort_by: 'JobID',
          sort_direction: 'desc',
        },
      },
    }),
  });

async function time(make: () => Request): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await app.handler(make());
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status >= 300) throw new Error(`${res.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
  return { ms, bytes: body.byteLength };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const perPage of [10, 100]) {
  const r: number[] = [];
  const m: number[] = [];
  let rBytes = 0;
  let mBytes = 0;
  for (let i = 0; i < CALLS; i++) {
    const a = await time(() => rest(perPage));
    const b = await time(() => mcp(perPage));
    if (i >= CALLS / 10) {
      r.push(a.ms);
      m.push(b.ms);
    }
    rBytes = a.bytes;
    mBytes = b.bytes;
  }
  console.log(
    `per_page ${perPage}: REST ${median(r).toFixed(3)} ms (${rBytes} B), MCP ${median(m).toFixed(3)} ms (${mBytes} ` +
      `B), MCP/REST ${(median(m) / median(r)).toFixed(2)}x`,
  );
}
await app.dispose();
