/**
 * Runs Debian's podman with this repository's containers.conf (deploy/podman/containers.conf:
 * runc, cgroupfs, no default ulimits), for `bun run image` and test/deploy/podman.test.ts.
 */
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dir, '..', '..');
export const CONTAINERS_CONF = join(REPO_ROOT, 'deploy', 'podman', 'containers.conf');

/** podman's path, or undefined when it is not installed. */
export function podmanPath(): string | undefined {
  return Bun.which('podman') ?? Bun.which('podman', { PATH: '/usr/bin:/usr/local/bin' }) ?? undefined;
}

export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `podman ARGS` and returns its exit code and output (never throws on a non-zero exit). */
export async function podman(args: string[], options: { cwd?: string } = {}): Promise<PodmanResult> {
  const bin = podmanPath();
  if (!bin) throw new Error('podman is not installed (apt-get install -y podman buildah runc)');
  const proc = Bun.spawn({
    cmd: [bin, ...args],
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...Bun.env, CONTAINERS_CONF },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, stdout, stderr };
}

/** Runs `podman ARGS`; throws with its output when it fails. Returns its standard output. */
export async function podmanOk(args: string[], options: { cwd?: string } = {}): Promise<string> {
  const result = await podman(args, options);
  if (result.code !== 0) {
    throw new Error(`podman ${args.join(' ')} failed with ${result.code}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}
