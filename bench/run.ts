/**
 * `bun run bench` (= `bun run bench/run.ts [--quick]`): the whole benchmark in one run, against
 * the real server started as its own process on a fresh PostgreSQL database (BENCH_PG_URL,
 * default the local cluster; dropped at the end), with its access log on (the default) written
 * to a file. Load comes from `wrk`. Prints one table per section and the targets, and writes
 * every number to a JSON file in the temporary directory.
 *
 * Sections, in order: the ceiling (bare Bun.serve vs an authenticated REST request); seeding to
 * the first size and search/summary there; MCP `search_jobs` vs REST search and a standalone
 * MCP proxy vs co-deployed `/mcp` (on that table); seeding to the next size and search/summary
 * there, with EXPLAIN ANALYZE; bulk submission of 10 000 JDLs (into the largest table); the
 * server's memory at rest, under load and after. `--quick`: 2 s per request, 10 000 and 50 000
 * jobs, one submission (under 2 minutes; a smoke test, too short for the ratios; the full run
 * takes about 8).
 *
 * Exits 2 when wrk or the peer's Python packages (bench/requirements.txt) are missing, non-zero on
 * any failure; the targets' verdicts do not change the exit code. Ctrl-C stops the processes and
 * drops the database.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './machine.ts';
import { loadSettings } from './measure.ts';
import { createBenchDatabase } from './pg.ts';
import { memoryOf, RssSampler, type Memory } from './process.ts';
import { mib, table } from './report.ts';
import { ceilingSection } from './sections/ceiling.ts';
import type { BenchContext } from './sections/context.ts';
import { mcpSection } from './sections/mcp.ts';
import { explainAll, scalePoint, scaleTables } from './sections/scale.ts';
import { submitSection } from './sections/submit.ts';
import { targetTable } from './targets.ts';
import { startBenchServer } from './server.ts';
import { findWrk } from './wrk.ts';
import { findPeerPython, PEER_INSTALL } from './python-peer.ts';

const QUICK = Bun.argv.includes('--quick');
const SIZES = QUICK ? [10_000, 50_000] : [100_000, 1_000_000];
const SUBMIT = { count: 10_000, runs: QUICK ? 1 : 3 };

if (!findWrk()) {
  console.error(
    'bench: wrk is not installed. Install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` ' +
      '(macOS), then run `bun run bench` again.',
  );
  process.exit(2);
}

const pythonPeer = findPeerPython();
if (!pythonPeer) {
  console.error(
    `bench: no python with FastMCP and the DiracX client (the dirac-agentic-style peer). Install them with ` +
      `\`${PEER_INSTALL}\` (or point BENCH_PYTHON at a python that has them), then run \`bun run bench\` again.`,
  );
  process.exit(2);
}

const load = loadSettings(QUICK);
const machine = await describeMachine();
console.log(
  `bench${QUICK ? ' --quick' : ''}: ${machine.date}, ${machine.cores} cores (${machine.cpu}), ${machine.ramGiB} ` +
    `GiB, Linux ${machine.kernel}, Bun ${machine.bun}, ${machine.wrk}, commit ${machine.commit}`,
);
if (machine.othersBusyAtStartPercent > 5) {
  console.log(
    `warning: other processes use ${machine.othersBusyAtStartPercent} % of the machine before the run: they will ` +
      `skew the numbers (each scenario reports the CPU others used meanwhile)`,
  );
}
console.log(
  `load: ${load.single.threads} thread/${load.single.connections} connection and ` +
    `${load.loaded.threads} threads/${load.loaded.connections} connections, ${load.loaded.seconds} ` +
    `s each per request in ${load.rounds} interleaved rounds, after ${load.warmSeconds} s of ` +
    `warm-up; sizes ${SIZES.join(', ')}; submission ${SUBMIT.count} x ${SUBMIT.runs}`,
);

const dir = await mkdtemp(join(tmpdir(), 'diracx-bench-run-'));
const db = await createBenchDatabase();
const server = await startBenchServer({ databaseUrl: db.url, accessLog: true }).catch(async (err: unknown) => {
  await db.drop();
  throw err;
});
process.on('SIGINT', () => {
  void server
    .stop()
    .then(() => db.drop())
    .finally(() => process.exit(130));
});
const output: string[] = [];
try {
  machine.postgres = await db.version();
  const sampler = new RssSampler(server.pid);
  const ctx: BenchContext = {
    server,
    db,
    load,
    dir,
    pythonPeer,
    sample: () => sampler.sample(),
    tokens: {
      rest: await server.token('lhcb', 'lhcb_user', 'chaen'),
      mcp: await server.token('lhcb', 'lhcb_user', 'chaen', server.mcpUrl),
      manager: await server.token('lhcb', 'lhcb_prmgr', 'chaen'),
    },
  };
  await Bun.sleep(1000);
  const atStart = memoryOf(server.pid);

  const ceiling = await ceilingSection(ctx);
  const first = await scalePoint(ctx, SIZES[0]!);
  const mcp = await mcpSection(ctx);
  const rest = [];
  for (const size of SIZES.slice(1)) rest.push(await scalePoint(ctx, size));
  const points = [first, ...rest];
  const plans = await explainAll(ctx);
  const afterQueries: Memory = memoryOf(server.pid);
  const submission = await submitSection(ctx, SUBMIT.count, SUBMIT.runs);
  const afterSubmission = memoryOf(server.pid);
  // The heap of a bulk submission is given back some seconds after it (garbage collection).
  await Bun.sleep(10_000);
  const atRestAfter = memoryOf(server.pid);
  const memory = { atStart, peakSampledUnderLoad: sampler.peakMiB, afterQueries, afterSubmission, atRestAfter };

  const results = {
    quick: QUICK,
    machine,
    load,
    sizes: SIZES,
    ceiling: ceiling.results,
    mcp: mcp.results,
    scale: { points, plans },
    submission: submission.results,
    memory,
  };
  output.push(
    table(
      'Run',
      ['', ''],
      [
        ['date', machine.date],
        ['machine', `${machine.cores} cores (${machine.cpu}), ${machine.ramGiB} GiB RAM, Linux ${machine.kernel}`],
        ['software', `Bun ${machine.bun}, ${machine.postgres ?? 'PostgreSQL'}, ${machine.wrk}`],
        ['commit', machine.commit],
        [
          'load',
          `wrk ${load.single.threads} thread/${load.single.connections} connection ("1 conn") and ` +
            `${load.loaded.threads} threads/${load.loaded.connections} connections ("loaded"), ` +
            `${load.loaded.seconds} s each per request, in ${load.rounds} rounds interleaved with the requests ` +
            `it is compared with (percentiles: median over the rounds), after ${load.warmSeconds} s of warm-up`,
        ],
        [
          'other work',
          `${machine.othersBusyAtStartPercent} % of the machine busy with other processes just before the run; ` +
            `"other CPU %" in each table is the same during each scenario (PostgreSQL not counted)`,
        ],
      ],
    ),
    ...ceiling.tables,
    ...mcp.tables,
    ...scaleTables(points, plans),
    ...submission.tables,
    table(
      'Server memory (RSS of the server process, MiB)',
      ['when', 'RSS', 'peak RSS so far (VmHWM)'],
      [
        ['at rest after start', mib(atStart.rssMiB), mib(atStart.hwmMiB)],
        ['largest RSS sampled under load (wrk phases)', mib(sampler.peakMiB), ''],
        ['after the load phases (search, MCP, proxy)', mib(afterQueries.rssMiB), mib(afterQueries.hwmMiB)],
        [
          `after bulk submission (${SUBMIT.count} x ${SUBMIT.runs})`,
          mib(afterSubmission.rssMiB),
          mib(afterSubmission.hwmMiB),
        ],
        ['at rest, 10 s after the last request', mib(atRestAfter.rssMiB), mib(atRestAfter.hwmMiB)],
      ],
    ),
    targetTable(results, SIZES.at(-1)!),
  );
  console.log(`\n${output.join('\n')}`);
  const file = join(tmpdir(), `diracx-bench-${QUICK ? 'quick-' : ''}${Date.now()}.json`);
  await writeFile(file, JSON.stringify(results, null, 2));
  await writeFile(file.replace(/\.json$/, '.md'), output.join('\n'));
  console.log(`results: ${file} (tables: ${file.replace(/\.json$/, '.md')})`);
} finally {
  await server.stop();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
}
