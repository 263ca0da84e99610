/**
 * `bun run soak [--minutes N] [--clients N]` (not part of `bun test`): a mixed REST + MCP
 * workload from several concurrent clients against the real server (its own process, on a
 * fresh PostgreSQL database, BENCH_PG_URL as for the benchmark; dropped at the end), for a
 * given duration (default 10 minutes, 8 clients). Each client, as one of three users, loops:
 * submit a JDL (REST), a pilot sets it Running (REST), search own jobs (REST), get it (MCP),
 * search jobs (MCP), summary (REST), kill it (MCP). Every call must answer 2xx (MCP: no
 * JSON-RPC error, no `isError`); anything else counts as an error and its first lines are
 * printed. The server's RSS is sampled every 5 s.
 *
 * Prints the error count, latency percentiles per call, and the server's memory at start, after
 * warm-up (the median RSS of the first minute after the first 10 % of the run) and at the end
 * (the median of the last minute), with the growth after warm-up. Target: 0 errors and growth
 * under 10 %. Exits 1 when the target is missed.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './machine.ts';
import { createBenchDatabase } from './pg.ts';
import { memoryOf } from './process.ts';
import { ms, table } from './report.ts';
import { startBenchServer, type BenchServer } from './server.ts';

const arg = (name: string, fallback: number): number => {
  const i = Bun.argv.indexOf(`--${name}`);
  return i > 0 ? Number(Bun.argv[i + 1]) : fallback;
};
const MINUTES = arg('minutes', 10);
const CLIENTS = arg('clients', 8);
const USERS = [
  ['lhcb', 'lhcb_user', 'chaen'],
  ['lhcb', 'lhcb_user', 'albdr'],
  ['gridpp', 'gridpp_user', 'alice'],
] as const;
const PILOTS: Record<string, readonly [string, string, string]> = {
  lhcb: ['lhcb', 'lhcb_pilot', 'lhcbpilot'],
  gridpp: ['gridpp', 'gridpp_pilot', 'gridpppilot'],
};

interface Tokens {
  rest: string;
  mcp: string;
  pilot: string;
}

/** Latencies (ms) and errors per call kind. */
class Tally {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly samples: string[] = [];
  ok(kind: string, msTaken: number): void {
    const list = this.latencies.get(kind) ?? [];
    list.push(msTaken);
    this.latencies.set(kind, list);
  }
  fail(kind: string, detail: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (this.samples.length < 10) this.samples.push(`${kind}: ${detail.slice(0, 300)}`);
  }
  get errorCount(): number {
    return [...this.errors.values()].reduce((a, b) => a + b, 0);
  }
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const median = (values: readonly number[]): number =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

async function tokensFor(server: BenchServer, [vo, group, user]: readonly [string, string, string]): Promise<Tokens> {
  const pilot = PILOTS[vo]!;
  return {
    rest: await server.token(vo, group, user),
    mcp: await server.token(vo, group, user, server.mcpUrl),
    pilot: await server.token(...pilot),
  };
}

/** One call: `fn` answers the parsed body or throws; its time counts only when it succeeds. */
async function timed<T>(tally: Tally, kind: string, fn: () => Promise<T>): Promise<T | undefined> {
  const start = performance.now();
  try {
    const value = await fn();
    tally.ok(kind, performance.now() - start);
    return value;
  } catch (err) {
    tally.fail(kind, err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

function client(server: BenchServer, tally: Tally, tokens: () => Tokens, deadline: number): Promise<void> {
  const rest = async (method: string, path: string, token: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : null;
  };
  let id = 0;
  const tool = async (name: string, args: Record<string, unknown>): Promise<unknown> => {
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens().mcp}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name, arguments: args } }),
    });
    const text = await res.text();
    const body =
      res.status === 200
        ? (JSON.parse(text) as { result?: { isError?: boolean; structuredContent?: unknown } })
        : undefined;
    if (!body?.result || body.result.isError) throw new Error(`tools/call ${name}: ${res.status} ${text}`);
    return body.result.structuredContent;
  };
  return (async () => {
    while (Date.now() < deadline) {
      const t = tokens();
      const submitted = (await timed(tally, 'REST submit JDL', () =>
        rest('POST', '/api/jobs/jdl', t.rest, [`[Executable = "soak"; JobName = "soak-${id}";]`]),
      )) as { JobID: number }[] | undefined;
      const job = submitted?.[0]?.JobID;
      if (job === undefined) continue;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await timed(tally, 'REST pilot sets Running', () =>
        rest('PATCH', '/api/jobs/status', t.pilot, {
          [job]: { [now]: { Status: 'Running', MinorStatus: 'Application', Source: 'JobWrapper' } },
        }),
      );
      await timed(tally, 'REST search own jobs', () =>
        rest('POST', '/api/jobs/search?page=1&per_page=20', t.rest, {
          search: [{ parameter: 'Status', operator: 'eq', value: 'Running' }],
          sort: [{ parameter: 'JobID', direction: 'desc' }],
        }),
      );
      await timed(tally, 'MCP get_job', () => tool('get_job', { job_id: job }));
      await timed(tally, 'MCP search_jobs', () =>
        tool('search_jobs', { parameter: 'Status', operator: 'in', values: ['Running', 'Killed'], per_page: 10 }),
      );
      await timed(tally, 'REST summary', () => rest('POST', '/api/jobs/summary', t.rest, { grouping: ['Status'] }));
      await timed(tally, 'MCP kill_jobs', () => tool('kill_jobs', { job_ids: [job] }));
    }
  })();
}

const machine = await describeMachine();
console.log(
  `soak: ${MINUTES} min, ${CLIENTS} clients; ${machine.date}, ` +
    `${machine.cores} cores, Bun ${machine.bun}, commit ${machine.commit}`,
);
const db = await createBenchDatabase();
const server = await startBenchServer({ databaseUrl: db.url, accessLog: true }).catch(async (err: unknown) => {
  await db.drop();
  throw err;
});
try {
  const started = Date.now();
  const durationMs = MINUTES * 60_000;
  const deadline = started + durationMs;
  const rss: { at: number; mib: number }[] = [{ at: 0, mib: memoryOf(server.pid).rssMiB }];
  const sampler = setInterval(() => rss.push({ at: Date.now() - started, mib: memoryOf(server.pid).rssMiB }), 5000);
  // Tokens live an hour: mint them again every 20 minutes.
  const perClient: Tokens[] = [];
  for (let i = 0; i < CLIENTS; i++) perClient.push(await tokensFor(server, USERS[i % USERS.length]!));
  const refresher = setInterval(() => {
    void Promise.all(
      perClient.map((_, i) => tokensFor(server, USERS[i % USERS.length]!).then((t) => (perClient[i] = t))),
    );
  }, 20 * 60_000);
  const progress = setInterval(
    () =>
      console.log(
        `  ${Math.round((Date.now() - started) / 1000)} s: RSS ` +
          `${memoryOf(server.pid).rssMiB.toFixed(0)} MiB, errors ${tally.errorCount}`,
      ),
    60_000,
  );
  const tally = new Tally();
  await Promise.all(perClient.map((_, i) => client(server, tally, () => perClient[i]!, deadline)));
  clearInterval(sampler);
  clearInterval(refresher);
  clearInterval(progress);
  rss.push({ at: Date.now() - started, mib: memoryOf(server.pid).rssMiB });

  const warmEnd = durationMs * 0.1;
  const window = Math.min(60_000, durationMs * 0.2);
  const afterWarmUp = median(rss.filter((s) => s.at >= warmEnd && s.at < warmEnd + window).map((s) => s.mib));
  const atEnd = median(rss.filter((s) => s.at >= durationMs - window).map((s) => s.mib));
  const growth = (atEnd - afterWarmUp) / afterWarmUp;
  const calls = [...tally.latencies.values()].reduce((n, l) => n + l.length, 0) + tally.errorCount;
  const rows = [...new Set([...tally.latencies.keys(), ...tally.errors.keys()])].map((kind) => {
    const sorted = [...(tally.latencies.get(kind) ?? [])].sort((a, b) => a - b);
    return [
      kind,
      sorted.length + (tally.errors.get(kind) ?? 0),
      tally.errors.get(kind) ?? 0,
      ms(quantile(sorted, 0.5)),
      ms(quantile(sorted, 0.95)),
      ms(quantile(sorted, 0.99)),
      ms(sorted.at(-1) ?? NaN),
    ];
  });
  const met = tally.errorCount === 0 && growth < 0.1;
  const output = [
    table(
      `Soak: ${MINUTES} min, ${CLIENTS} clients, ${calls} calls ` +
        `(${(calls / (durationMs / 1000)).toFixed(0)}/s), ${tally.errorCount} errors`,
      ['call', 'calls', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      rows,
    ),
    table(
      'Server memory (RSS, MiB)',
      ['when', 'RSS'],
      [
        ['at start', rss[0]!.mib.toFixed(0)],
        [
          `after warm-up (median of ${Math.round(warmEnd / 1000)}–${Math.round((warmEnd + window) / 1000)} s)`,
          afterWarmUp.toFixed(0),
        ],
        [`at the end (median of the last ${Math.round(window / 1000)} s)`, atEnd.toFixed(0)],
        ['largest sample', Math.max(...rss.map((s) => s.mib)).toFixed(0)],
        ['growth after warm-up', `${(100 * growth).toFixed(1)} %`],
      ],
    ),
    `Target (0 errors, memory growth under 10 % after warm-up): ${met ? 'met' : '**not met**'}`,
  ];
  console.log(`\n${output.join('\n')}`);
  if (tally.samples.length > 0) console.log(`\nfirst errors:\n${tally.samples.join('\n')}`);
  const file = join(tmpdir(), `diracx-soak-${Date.now()}.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        machine,
        minutes: MINUTES,
        clients: CLIENTS,
        errors: Object.fromEntries(tally.errors),
        samples: tally.samples,
        rss,
        afterWarmUp,
        atEnd,
        growth,
        rows,
      },
      null,
      2,
    ),
  );
  console.log(`results: ${file}`);
  process.exitCode = met ? 0 : 1;
} finally {
  await server.stop();
  await db.drop();
}
