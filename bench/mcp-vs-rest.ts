/**
 * `bun run bench/mcp-vs-rest.ts [jobs] [calls]`: the per-call cost of the MCP tool `search_jobs`
 * next to `POST /api/jobs/search` for the same query and user on the same server (raw HTTP for
 * both: one JSON-RPC `tools/call` POST on the stateless endpoint, one REST POST), and their
 * ratio (target: at most 1.15).
 */
import { percentile, startBenchServer, time } from './server.ts';

const JOBS = Number(Bun.argv[2] ?? 2000);
const CALLS = Number(Bun.argv[3] ?? 300);

const server = await startBenchServer();
try {
  const manager = await server.token('lhcb', 'lhcb_prmgr', 'chaen');
  const rest = await server.token('lhcb', 'lhcb_user', 'chaen');
  const mcp = await server.token('lhcb', 'lhcb_user', 'chaen', server.mcpUrl);
  const jdls = Array.from({ length: JOBS }, (_, i) => `[Executable = "bench"; JobName = "bench-${i % 10}";]`);
  const seeded = await fetch(`${server.url}/api/jobs/jdl`, {
    method: 'POST',
    headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' },
    body: JSON.stringify(jdls),
  });
  if (seeded.status !== 201) throw new Error(`seeding failed: ${seeded.status}`);

  const restCall = async (): Promise<void> => {
    const res = await fetch(`${server.url}/api/jobs/search?page=1&per_page=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rest}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        parameters: ['JobID', 'Status', 'JobName'],
        search: [{ parameter: 'JobName', operator: 'eq', value: 'bench-3' }],
      }),
    });
    if (res.status >= 300 && res.status !== 206) throw new Error(`REST ${res.status}`);
    await res.arrayBuffer();
  };
  let id = 0;
  const mcpCall = async (): Promise<void> => {
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${mcp}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: ++id,
        method: 'tools/call',
        params: {
          name: 'search_jobs',
          arguments: {
            parameter: 'JobName',
            operator: 'eq',
            value: 'bench-3',
            result_fields: ['JobID', 'Status', 'JobName'],
            per_page: 10,
          },
        },
      }),
    });
    const text = await res.text();
    if (res.status !== 200 || text.includes('"isError":true'))
      throw new Error(`MCP ${res.status} ${text.slice(0, 200)}`);
  };
  await time(30, restCall);
  await time(30, mcpCall);
  // Interleave the two so that machine noise hits both alike.
  const restSamples: number[] = [];
  const mcpSamples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    restSamples.push(...(await time(1, restCall)));
    mcpSamples.push(...(await time(1, mcpCall)));
  }
  const [r50, m50] = [percentile(restSamples, 50), percentile(mcpSamples, 50)];
  console.log(`jobs: ${JOBS}, calls each: ${CALLS}`);
  console.log(`REST POST /api/jobs/search: p50 ${r50.toFixed(2)} ms, p95 ${percentile(restSamples, 95).toFixed(2)} ms`);
  console.log(`MCP  search_jobs:           p50 ${m50.toFixed(2)} ms, p95 ${percentile(mcpSamples, 95).toFixed(2)} ms`);
  console.log(`ratio MCP/REST (p50): ${(m50 / r50).toFixed(2)} (target <= 1.15)`);
} finally {
  await server.stop();
}
