/**
 * A real S3-compatible server for tests: moto in server mode (`python3 -m moto.server`) on a
 * free port of 127.0.0.1, started per test file and stopped after it. Install it with
 * `pip install 'moto[server]'`. When it cannot run here, S3 tests skip with the reason in their
 * name, unless DIRACX_REQUIRE_S3_TESTS=1 makes that a failure (CI).
 */
import { findFreePort, waitFor } from './server-process.ts';

export type S3Availability = { available: true; python: string } | { available: false; reason: string };

/** Set in CI: S3 tests must run, not skip. */
export const S3_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_S3_TESTS === '1';

/** The install command the skip message and CI use. */
export const MOTO_INSTALL = "pip install 'moto[server]'";

/** Moto accepts any credentials; these are AWS's documentation examples. */
export const MOTO_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
export const MOTO_REGION = 'us-east-1';

/** Whether moto's server can be started: a python3 that imports `moto.server`. */
export function motoAvailability(): S3Availability {
  const python = Bun.which('python3') ?? Bun.which('python');
  if (!python) return { available: false, reason: `no python3 on PATH (${MOTO_INSTALL})` };
  const probe = Bun.spawnSync({ cmd: [python, '-c', 'import moto.server, flask'], stdout: 'ignore', stderr: 'pipe' });
  if (probe.exitCode !== 0) return { available: false, reason: `moto server is not installed (${MOTO_INSTALL})` };
  return { available: true, python };
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto and resolves once it answers HTTP; rejects with its output when it does not. */
export async function startMoto(python: string): Promise<MotoServer> {
  const port = findFreePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn({
    cmd: [python, '-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)],
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  // Keep reading stderr (Werkzeug logs every request there) so the pipe never fills up.
  const output: string[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      output.push(decoder.decode(chunk));
      if (output.length > 200) output.shift();
    }
  })();
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error('moto exited');
        return (await fetch(`${endpoint}/moto-api/`)).status < 500;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: `moto on ${endpoint}` },
    );
  } catch (err) {
    proc.kill('SIGKILL');
    throw new Error(
      `moto did not start: ${err instanceof Error ? err.message : String(err)}\n${output.join('').slice(-2000)}`,
    );
  }
  return {
    endpoint,
    stop: async () => {
      if (!exited) proc.kill('SIGTERM');
      await proc.exited;
    },
  };
}

/** A fresh bucket name, so tests sharing one moto server do not see each other's objects. */
export function uniqueBucketName(prefix = 'sandboxes'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
