/** The machine a run measured: what docs/performance.md records next to its numbers. */
import { cpus, release, totalmem } from 'node:os';
import { othersBusyPercent } from './process.ts';

function git(args: string[]): string {
  const out = Bun.spawnSync({
    cmd: ['git', ...args],
    cwd: new URL('..', import.meta.url).pathname,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  return new TextDecoder().decode(out.stdout).trim();
}

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  bun: string;
  wrk: string;
  postgres?: string;
  /** The commit measured, with "+ uncommitted changes" when the tree differs from it. */
  commit: string;
  /** CPU other processes (PostgreSQL included) used in the 2 s before the run, % of the machine. */
  othersBusyAtStartPercent: number;
}

export async function describeMachine(): Promise<Machine> {
  const wrk = Bun.spawnSync({ cmd: ['wrk', '--version'], stdout: 'pipe', stderr: 'pipe' });
  const wrkVersion =
    /wrk \S+/.exec(new TextDecoder().decode(wrk.stdout) + new TextDecoder().decode(wrk.stderr))?.[0] ?? 'wrk';
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    bun: Bun.version,
    wrk: wrkVersion,
    commit:
      (git(['rev-parse', '--short', 'HEAD']) || 'unknown') +
      (git(['status', '--porcelain', '--untracked-files=no']) ? ' + uncommitted changes' : ''),
    othersBusyAtStartPercent: Math.round(await othersBusyPercent(2000)),
  };
}
