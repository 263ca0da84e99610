/**
 * Bulk submission: `POST /api/jobs/jdl` with 10 000 JDLs in one request as a production manager
 * (lhcb_prmgr may submit up to 10 000 at once), timed from send to the complete 201 answer.
 * One request carries the whole load, so there is nothing for a load generator to spread.
 */
import { table } from '../report.ts';
import type { BenchContext, SectionOutput } from './context.ts';

export interface SubmitResults {
  jdls: number;
  bodyBytes: number;
  /** Seconds of each timed request. */
  seconds: number[];
  /** Jobs per second of the median request. */
  jobsPerSecond: number;
  medianSeconds: number;
}

function jdls(n: number, run: number): string[] {
  return Array.from(
    { length: n },
    (_, i) =>
      `[Executable = "lb-prod-run"; Arguments = "prodConf_${run}_${i}.json"; JobName = "bench_submit_${run}_${i}"; ` +
      `JobGroup = "00099${run}"; OutputSandbox = {"std.out", "std.err"}; CPUTime = 86400; Priority = 1;]`,
  );
}

async function submit(ctx: BenchContext, body: string, expected: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${ctx.server.url}/api/jobs/jdl`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.tokens.manager}`, 'content-type': 'application/json' },
    body,
  });
  const created = (await res.json()) as unknown[];
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 201 || created.length !== expected)
    throw new Error(`bulk submission: ${res.status}, ${JSON.stringify(created).slice(0, 300)}`);
  return seconds;
}

export async function submitSection(
  ctx: BenchContext,
  count: number,
  runs: number,
): Promise<SectionOutput<SubmitResults>> {
  console.log(`== bulk submission: ${count} JDLs per request, ${runs} request(s)`);
  await submit(ctx, JSON.stringify(jdls(100, 0)), 100); // warm-up
  const seconds: number[] = [];
  let bodyBytes = 0;
  for (let run = 1; run <= runs; run++) {
    const body = JSON.stringify(jdls(count, run));
    bodyBytes = body.length;
    const s = await submit(ctx, body, count);
    seconds.push(s);
    console.log(`  run ${run}: ${s.toFixed(2)} s, ${(count / s).toFixed(0)} jobs/s`);
  }
  const medianSeconds = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)]!;
  const results = { jdls: count, bodyBytes, seconds, medianSeconds, jobsPerSecond: count / medianSeconds };
  const tables = [
    table(
      `Bulk submission: ${count} JDLs in one \`POST /api/jobs/jdl\` (lhcb_prmgr), ${(bodyBytes / 1024).toFixed(0)} KiB`,
      ['run', 'seconds', 'jobs/s'],
      [
        ...seconds.map((s, i) => [`${i + 1}`, s.toFixed(2), (count / s).toFixed(0)]),
        ['median', medianSeconds.toFixed(2), results.jobsPerSecond.toFixed(0)],
      ],
    ),
  ];
  return { tables, results };
}
