/**
 * Load generation with `wrk` (Debian's `wrk` package): one fixed-size HTTP request (method,
 * headers, body) sent over `connections` keep-alive connections by `threads` threads for
 * `seconds`. The request and a `done` hook that prints wrk's own latency percentiles as one JSON
 * line go into a Lua script in a temporary directory; nothing is timed in this process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkLoad {
  threads: number;
  connections: number;
  seconds: number;
}

export interface WrkRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  /** Requests per second over the whole run. */
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Socket errors and timeouts, and responses outside 2xx/3xx. */
  errors: number;
  non2xx: number;
}

const JSON_MARK = 'WRK_JSON ';

/** A Lua long string holding `text` whatever it contains. */
function luaString(text: string): string {
  let level = 0;
  while (text.includes(`]${'='.repeat(level)}]`)) level++;
  const eq = '='.repeat(level);
  // A long string drops a newline right after its opening bracket: add one so none is lost.
  return `[${eq}[\n${text}]${eq}]`;
}

function script(req: WrkRequest): string {
  const lines = [`wrk.method = ${luaString(req.method ?? 'GET')}`];
  if (req.body !== undefined) lines.push(`wrk.body = ${luaString(req.body)}`);
  for (const [name, value] of Object.entries(req.headers ?? {}))
    lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('${JSON_MARK}{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,` +
      `"status":%d,"timeout":%d,"p50":%.0f,"p90":%.0f,"p95":%.0f,"p99":%.0f,"mean":%.1f,"max":%.0f}\\n',`,
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(90), ' +
      'latency:percentile(95), latency:percentile(99), latency.mean, latency.max))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

interface WrkJson {
  requests: number;
  duration_us: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** The path of `wrk`, or undefined when it is not installed. */
export function findWrk(): string | undefined {
  return Bun.which('wrk') ?? undefined;
}

/** Runs wrk once with `load` against `req`; `during` is called every 200 ms while it runs. */
export async function runWrk(req: WrkRequest, load: WrkLoad, during: () => void = () => {}): Promise<WrkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'diracx-wrk-'));
  try {
    const path = join(dir, 'request.lua');
    await writeFile(path, script(req));
    const proc = Bun.spawn({
      cmd: [
        'wrk',
        `-t${load.threads}`,
        `-c${load.connections}`,
        `-d${load.seconds}s`,
        '--timeout',
        '10s',
        '-s',
        path,
        req.url,
      ],
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const sampler = setInterval(during, 200);
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearInterval(sampler);
    const line = out.split('\n').find((l) => l.startsWith(JSON_MARK));
    if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}): ${err.trim() || out.trim()}`);
    const j = JSON.parse(line.slice(JSON_MARK.length)) as WrkJson;
    const seconds = j.duration_us / 1e6;
    return {
      requests: j.requests,
      seconds,
      rps: j.requests / seconds,
      p50Ms: j.p50 / 1000,
      p90Ms: j.p90 / 1000,
      p95Ms: j.p95 / 1000,
      p99Ms: j.p99 / 1000,
      meanMs: j.mean / 1000,
      maxMs: j.max / 1000,
      errors: j.connect + j.read + j.write + j.timeout,
      non2xx: j.status,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
