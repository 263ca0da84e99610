/**
 * Printing: Markdown tables (so a run's output pastes into docs/performance.md as it is) and
 * number formats.
 */
import type { WrkResult } from './wrk.ts';

export type Cell = string | number;

export function table(title: string, headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = (c: Cell): string => (typeof c === 'number' ? String(c) : c);
  const line = (cells: readonly Cell[]): string => `| ${cells.map(text).join(' | ')} |`;
  return [`### ${title}`, '', line(headers), line(headers.map(() => '---')), ...rows.map(line), ''].join('\n');
}

export const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1));
export const rps = (value: number): string => value.toFixed(0);
export const ratio = (value: number): string => `${value.toFixed(2)}×`;
export const mib = (value: number): string => value.toFixed(0);

/** One load scenario: per-call latency on one connection, then the same under concurrent load. */
export interface Measured {
  single: WrkResult;
  loaded: WrkResult;
  /** CPU time of the measured processes (the server, and the proxy when there is one) per request under load, µs. */
  cpuUsPerRequest: number;
  /** CPU used meanwhile by processes other than the benchmark's and PostgreSQL, % of the machine (noise). */
  otherCpuPercent: number;
}

/** Columns of `measuredRow`. */
export const MEASURED_HEADERS = [
  'p50 ms (1 conn)',
  'p95 ms (1 conn)',
  'req/s (1 conn)',
  'p50 ms (loaded)',
  'p95 ms (loaded)',
  'p99 ms (loaded)',
  'req/s (loaded)',
  'CPU µs/req',
  'other CPU %',
  'errors',
];

export function measuredRow(m: Measured): Cell[] {
  const errors = m.single.errors + m.single.non2xx + m.loaded.errors + m.loaded.non2xx;
  return [
    ms(m.single.p50Ms),
    ms(m.single.p95Ms),
    rps(m.single.rps),
    ms(m.loaded.p50Ms),
    ms(m.loaded.p95Ms),
    ms(m.loaded.p99Ms),
    rps(m.loaded.rps),
    m.cpuUsPerRequest.toFixed(0),
    m.otherCpuPercent.toFixed(0),
    errors,
  ];
}

/**
 * How many times slower `slow` is than `fast`: p50 and p95 on one connection, throughput and CPU
 * per request under load.
 */
export interface Ratios {
  p50: number;
  p95: number;
  throughput: number;
  cpu: number;
}

export function ratios(slow: Measured, fast: Measured): Ratios {
  return {
    p50: slow.single.p50Ms / fast.single.p50Ms,
    p95: slow.single.p95Ms / fast.single.p95Ms,
    throughput: fast.loaded.rps / slow.loaded.rps,
    cpu: slow.cpuUsPerRequest / fast.cpuUsPerRequest,
  };
}

export const RATIO_HEADERS = ['p50 ratio (1 conn)', 'p95 ratio (1 conn)', 'throughput ratio (loaded)', 'CPU/req ratio'];

export function ratioRow(r: Ratios): Cell[] {
  return [ratio(r.p50), ratio(r.p95), ratio(r.throughput), ratio(r.cpu)];
}
