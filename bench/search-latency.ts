/**
 * `bun run bench/search-latency.ts [jobs]`: fills the jobs table with `jobs` (100 000) jobs of
 * two owners (bulk submission as a production manager), moves a tenth of them to other
 * statuses, then prints the latency of typical searches and summaries as the owner, and their
 * ratio to a trivial authenticated request on the same server (compare ratios between runs).
 */
import { percentile, startBenchServer, time } from './server.ts';

const TOTAL = Number(Bun.argv[2] ?? 100_000);
const BULK = 10_000;
const RUNS = 30;

const server = await startBenchServer();
try {
  const manager = await server.token('lhcb', 'lhcb_prmgr', 'chaen');
  const owner = await server.token('lhcb', 'lhcb_user', 'chaen');
  const post = async (token: string, path: string, body: unknown, method = 'POST'): Promise<Response> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300 && res.status !== 206) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };

  const seedStart = performance.now();
  const ids: number[] = [];
  for (let done = 0; done < TOTAL; done += BULK) {
    const n = Math.min(BULK, TOTAL - done);
    const jdls = Array.from(
      { length: n },
      (_, i) => `[Executable = "bench"; JobName = "bench-${(done + i) % 100}"; Site = "LCG.S${i % 20}.ch";]`,
    );
    const res = await post(manager, '/api/jobs/jdl', jdls);
    ids.push(...((await res.json()) as { JobID: number }[]).map((j) => j.JobID));
  }
  const running = ids.filter((_, i) => i % 10 === 0);
  for (let i = 0; i < running.length; i += 500) {
    const slice = running.slice(i, i + 500);
    // Along the state machine, as the owner (forcing is for job administrators).
    const base = Date.now();
    const walk = Object.fromEntries(
      ['Checking', 'Waiting', 'Matched', 'Running'].map((status, k) => [
        new Date(base + k).toISOString(),
        { Status: status },
      ]),
    );
    await post(owner, '/api/jobs/status', Object.fromEntries(slice.map((id) => [id, walk])), 'PATCH');
  }
  console.log(`seeded ${ids.length} jobs in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const queries: [string, string, unknown][] = [
    ['search first page (100 rows)', '/api/jobs/search?page=1&per_page=100', {}],
    [
      'search Status eq Running, sorted desc',
      '/api/jobs/search?per_page=100',
      {
        search: [{ parameter: 'Status', operator: 'eq', value: 'Running' }],
        sort: [{ parameter: 'JobID', direction: 'desc' }],
      },
    ],
    [
      'search JobName like, 2 columns',
      '/api/jobs/search?per_page=100',
      { parameters: ['JobID', 'Status'], search: [{ parameter: 'JobName', operator: 'like', value: 'bench-4%' }] },
    ],
    ['search with LoggingInfo (100 rows)', '/api/jobs/search?per_page=100', { parameters: ['JobID', 'LoggingInfo'] }],
    ['summary by Status', '/api/jobs/summary', { grouping: ['Status'] }],
    ['summary by Site, Status', '/api/jobs/summary', { grouping: ['Site', 'Status'] }],
  ];
  const baseline = await time(RUNS, async () => {
    await (
      await fetch(`${server.url}/api/auth/userinfo`, { headers: { authorization: `Bearer ${owner}` } })
    ).arrayBuffer();
  });
  const base = percentile(baseline, 50);
  console.log(`baseline (GET /api/auth/userinfo): p50 ${base.toFixed(2)} ms`);
  for (const [name, path, body] of queries) {
    await (await post(owner, path, body)).arrayBuffer();
    const samples = await time(RUNS, async () => {
      await (await post(owner, path, body)).arrayBuffer();
    });
    const p50 = percentile(samples, 50);
    console.log(
      `${name}: p50 ${p50.toFixed(1)} ms, p95 ` +
        `${percentile(samples, 95).toFixed(1)} ms, ratio to baseline ${(p50 / base).toFixed(1)}`,
    );
  }
} finally {
  await server.stop();
}
