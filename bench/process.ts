/**
 * Processes the benchmark starts: spawned with their output going to a log file (as a
 * deployment would, so that no pipe in this process has to be drained under load), waited on
 * until the log shows that they listen, and measured through /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { readFile } from 'node:fs/promises';

export interface Spawned {
  pid: number;
  /** The port the process reported. */
  port: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  cmd: string[];
  cwd?: string;
  /** The whole environment; undefined values are left out. */
  env: Record<string, string | undefined>;
  logFile: string;
  /** Matches the log line saying the process listens; group 1 is the port. */
  listening: RegExp;
  timeoutMs?: number;
}

export async function spawnListening(options: SpawnOptions): Promise<Spawned> {
  const env = Object.fromEntries(Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined));
  const proc = Bun.spawn({
    cmd: options.cmd,
    cwd: options.cwd,
    env,
    stdout: Bun.file(options.logFile),
    stderr: 'inherit',
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let port = 0;
  while (!port) {
    if (proc.exitCode !== null)
      throw new Error(`${options.cmd.join(' ')} exited (${proc.exitCode}) before listening; see ${options.logFile}`);
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`${options.cmd.join(' ')} did not listen in time; see ${options.logFile}`);
    }
    const text = await readFile(options.logFile, 'utf8').catch(() => '');
    const match = options.listening.exec(text);
    if (match) port = Number(match[1]);
    else await Bun.sleep(50);
  }
  return {
    pid: proc.pid,
    port,
    async stop() {
      proc.kill('SIGTERM');
      await proc.exited;
    },
  };
}

export interface Memory {
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** Peak resident set size since the process started, MiB. */
  hwmMiB: number;
}

/** VmRSS and VmHWM of `pid` from /proc/<pid>/status. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/** CPU time (user + system) `pid` has used so far, in milliseconds (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  // Fields after the command name: state is 3rd, utime 14th, stime 15th of the whole line.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** How busy the machine is without us: CPU used by every other process over `ms`, in % of the machine. */
export async function othersBusyPercent(ms: number): Promise<number> {
  const before = cpuSnapshot();
  await Bun.sleep(ms);
  const after = cpuSnapshot();
  const others = after.machine - before.machine - (after.ours - before.ours);
  return Math.max(0, (100 * others) / (((after.at - before.at) / 1000) * 100 * cpus().length));
}

/** Clock ticks of busy CPU: the whole machine, this process with its children, and PostgreSQL. */
export interface CpuSnapshot {
  at: number;
  machine: number;
  ours: number;
  postgres: number;
}

/**
 * Where the machine's CPU time has gone so far. "Ours" is this process and its children (the
 * server, proxies, wrk, counting children that have exited and been waited for); PostgreSQL
 * is every `postgres` process (its postmaster counts exited backends), whoever they serve.
 */
export function cpuSnapshot(): CpuSnapshot {
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .map(Number);
  let ours = 0;
  let postgres = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    if (Number(entry) === process.pid || Number(f[1]) === process.pid) ours += ticks;
    else if (comm === 'postgres') postgres += ticks;
  }
  return { at: performance.now(), machine: user + nice + system + irq + softirq + steal, ours, postgres };
}

/** CPU other processes (neither ours nor PostgreSQL) used between two snapshots, in % of the whole machine. */
export function otherCpuPercent(before: CpuSnapshot, after: CpuSnapshot): number {
  const other = after.machine - before.machine - (after.ours - before.ours) - (after.postgres - before.postgres);
  const capacity = ((after.at - before.at) / 1000) * 100 * cpus().length;
  return Math.max(0, (100 * other) / capacity);
}

/** Tracks the largest RSS seen across `sample()` calls. */
export class RssSampler {
  peakMiB = 0;
  constructor(private readonly pid: number) {}
  sample(): void {
    this.peakMiB = Math.max(this.peakMiB, memoryOf(this.pid).rssMiB);
  }
}
