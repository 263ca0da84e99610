/**
 * How the benchmark measures a group of requests that are compared with each other: after a
 * warm-up under load, the group is measured in interleaved rounds (each round runs every
 * request for a slice of the time, on one connection and then under the concurrent load), so
 * that drift and noise on the machine fall on all of them alike. Per request: latency
 * percentiles (median over the rounds), throughput (all requests over all time), CPU time of
 * the measured processes per request under load, and the CPU other processes used meanwhile.
 */
import { cpuMsOf, cpuSnapshot, otherCpuPercent } from './process.ts';
import { ms, rps, type Measured } from './report.ts';
import { runWrk, type WrkLoad, type WrkRequest, type WrkResult } from './wrk.ts';

export interface LoadSettings {
  /** The concurrent load (threads, connections, seconds per request in all). */
  loaded: WrkLoad;
  /** Per-call latency: one thread, one connection. */
  single: WrkLoad;
  /** Rounds the seconds are split into. */
  rounds: number;
  /** Seconds of warm-up under the concurrent load before measuring. */
  warmSeconds: number;
}

export function loadSettings(quick: boolean): LoadSettings {
  const seconds = quick ? 2 : 10;
  return {
    loaded: { threads: 2, connections: 8, seconds },
    single: { threads: 1, connections: 1, seconds },
    rounds: quick ? 2 : 5,
    warmSeconds: quick ? 1 : 3,
  };
}

export interface Probe {
  name: string;
  req: WrkRequest;
  /** The processes whose CPU time per request is reported (the server, and a proxy in front of it). */
  cpuPids: readonly number[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One result standing for several rounds. */
function combine(rounds: readonly WrkResult[]): WrkResult {
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p90Ms: median(rounds.map((r) => r.p90Ms)),
    p95Ms: median(rounds.map((r) => r.p95Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    meanMs: rounds.reduce((sum, r) => sum + r.meanMs * r.requests, 0) / requests,
    maxMs: Math.max(...rounds.map((r) => r.maxMs)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

const cpuOf = (pids: readonly number[]): number => pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0);

/** Measures `probes` side by side; `sample` is called every 200 ms while load runs. */
export async function measureGroup(
  probes: readonly Probe[],
  settings: LoadSettings,
  sample: () => void,
): Promise<Measured[]> {
  for (const probe of probes) await runWrk(probe.req, { ...settings.loaded, seconds: settings.warmSeconds });
  const slice = (load: WrkLoad): WrkLoad => ({
    ...load,
    seconds: Math.max(1, Math.round(load.seconds / settings.rounds)),
  });
  const state = probes.map(() => ({
    single: [] as WrkResult[],
    loaded: [] as WrkResult[],
    cpuMs: 0,
    other: 0,
    otherSeconds: 0,
  }));
  for (let round = 0; round < settings.rounds; round++) {
    for (const [i, probe] of probes.entries()) {
      const s = state[i]!;
      const before = cpuSnapshot();
      s.single.push(await runWrk(probe.req, slice(settings.single), sample));
      const cpuBefore = cpuOf(probe.cpuPids);
      s.loaded.push(await runWrk(probe.req, slice(settings.loaded), sample));
      s.cpuMs += cpuOf(probe.cpuPids) - cpuBefore;
      const after = cpuSnapshot();
      const seconds = (after.at - before.at) / 1000;
      s.other += otherCpuPercent(before, after) * seconds;
      s.otherSeconds += seconds;
    }
  }
  return probes.map((probe, i) => {
    const s = state[i]!;
    const single = combine(s.single);
    const loaded = combine(s.loaded);
    const m: Measured = {
      single,
      loaded,
      cpuUsPerRequest: (s.cpuMs * 1000) / loaded.requests,
      otherCpuPercent: s.other / s.otherSeconds,
    };
    const errors = single.errors + single.non2xx + loaded.errors + loaded.non2xx;
    console.log(
      `  ${probe.name}: 1 conn p50 ${ms(single.p50Ms)} ms p95 ${ms(single.p95Ms)} ms; loaded p50 ${ms(loaded.p50Ms)} ` +
        `ms p95 ${ms(loaded.p95Ms)} ms, ${rps(loaded.rps)} req/s, ${m.cpuUsPerRequest.toFixed(0)} µs CPU/req; other ` +
        `processes ${m.otherCpuPercent.toFixed(0)} % CPU${errors ? `; ${errors} ERRORS` : ''}`,
    );
    return m;
  });
}
