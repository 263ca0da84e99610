/**
 * The targets, judged on a run's numbers: MCP search within 1.15× of REST search (p50 on
 * one connection and throughput under load, at both page sizes); co-deployed `/mcp` at least 3×
 * faster per call than a standalone server of the dirac-agentic kind (p50 on one connection and
 * throughput; judged against the FastMCP + DiracX client peer, with the best-case TS proxy beside);
 * search p95 under 50 ms at the largest size (one connection, the per-call latency; under load
 * shown beside); 10 000 JDLs submitted in under 5 s (median request).
 */
import { ms, ratio, table, type Ratios } from './report.ts';
import type { McpResults } from './sections/mcp.ts';
import type { ScalePoint } from './sections/scale.ts';
import type { SubmitResults } from './sections/submit.ts';

export interface TargetInput {
  mcp: McpResults;
  scale: { points: ScalePoint[] };
  submission: SubmitResults;
}

const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');

export function targetTable(r: TargetInput, largest: number): string {
  const rows: string[][] = [];
  for (const m of r.mcp.mcpVsRest) {
    const worst = Math.max(m.ratio.p50, m.ratio.throughput);
    rows.push([
      `MCP search within 1.15× of REST (per_page ${m.perPage})`,
      `p50 ${ratio(m.ratio.p50)}, p95 ${ratio(m.ratio.p95)}, throughput ` +
        `${ratio(m.ratio.throughput)}, server CPU/req ${ratio(m.ratio.cpu)}`,
      verdict(worst <= 1.15),
    ]);
  }
  const p = r.mcp.proxy;
  const perCall = (x: Ratios): string =>
    `p50 ${ratio(x.p50)}, throughput ${ratio(x.throughput)}, CPU/req ${ratio(x.cpu)}`;
  const faster = (x: Ratios): boolean => x.p50 >= 3 && x.throughput >= 3;
  rows.push([
    'co-deployed ≥ 3× faster per call than a standalone server of the dirac-agentic kind (FastMCP + DiracX client)',
    perCall(p.ratioPythonPeer),
    verdict(faster(p.ratioPythonPeer)),
  ]);
  rows.push([
    '(same, against the best case of that design: a TS proxy on our SDK, kept-alive connection)',
    perCall(p.ratio),
    verdict(faster(p.ratio)),
  ]);
  rows.push([
    '(same, that TS proxy with a new connection per call)',
    perCall(p.ratioFreshConnections),
    verdict(faster(p.ratioFreshConnections)),
  ]);
  const point = r.scale.points.find((x) => x.jobs === largest);
  for (const m of point?.measurements.filter((x) => x.kind === 'search') ?? []) {
    const { single, loaded } = m.measured;
    rows.push([
      `search p95 < 50 ms at ${largest.toLocaleString('en')} jobs: ${m.query}`,
      `p95 ${ms(single.p95Ms)} ms (1 conn), ${ms(loaded.p95Ms)} ms (loaded)`,
      verdict(single.p95Ms < 50),
    ]);
  }
  const s = r.submission;
  rows.push([
    `${s.jdls.toLocaleString('en')} JDLs submitted in < 5 s`,
    `${s.medianSeconds.toFixed(2)} s (${s.jobsPerSecond.toFixed(0)} jobs/s)`,
    verdict(s.jdls >= 10_000 && s.medianSeconds < 5),
  ]);
  return table('Targets', ['target', 'measured', 'verdict'], rows);
}
