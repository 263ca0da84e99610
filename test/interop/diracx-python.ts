/**
 * DiracX 0.7.0's own Python client, API and CLI (`pip install diracx==0.7.0`), for the
 * interoperability tests: where to find a Python that imports them, and how to run a script or
 * `dirac` command with it. `.ci/run` installs them into a dedicated virtual environment under the
 * cache directory (so they never meet the MCP SDK's packages); `DIRACX_CLIENT_PYTHON` names
 * another interpreter. When none is found the tests skip with the reason in their name, unless
 * DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1 makes that a failure (CI).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DIRACX_VERSION = '0.7.0';

/** Set in CI: the DiracX client tests must run, not skip. */
export const DIRACX_CLIENT_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_DIRACX_CLIENT_TESTS === '1';

/** The virtual environment `.ci/run` creates (keep the two in step). */
export function defaultDiracxVenv(): string {
  const cache = Bun.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'diracx-ts', `diracx-${DIRACX_VERSION}`);
}

const VENV_PIP = join(defaultDiracxVenv(), 'bin', 'pip');
export const DIRACX_INSTALL = `python3 -m venv ${defaultDiracxVenv()} && ${VENV_PIP} install diracx==${DIRACX_VERSION}`;

export type DiracxAvailability = { available: true; python: string } | { available: false; reason: string };

const PROBE = [
  'import importlib.metadata as m, diracx.client.aio, diracx.api.jobs, diracx.cli',
  'print(m.version("diracx"))',
].join('\n');

let availability: DiracxAvailability | undefined;

/**
 * The first interpreter that imports DiracX's client, API and CLI at version 0.7.0; probed once
 * per test process (the interpreters do not change during a run; each probe takes a second).
 */
export function diracxAvailability(): DiracxAvailability {
  availability ??= probeDiracx();
  return availability;
}

function probeDiracx(): DiracxAvailability {
  const candidates = [
    Bun.env.DIRACX_CLIENT_PYTHON,
    join(defaultDiracxVenv(), 'bin', 'python'),
    Bun.which('python3') ?? undefined,
  ].filter((path): path is string => path !== undefined && path !== '' && existsSync(path));
  const seen: string[] = [];
  for (const python of candidates) {
    const probe = Bun.spawnSync({ cmd: [python, '-c', PROBE], stdout: 'pipe', stderr: 'ignore' });
    const version = probe.stdout.toString().trim();
    if (probe.exitCode === 0 && version === DIRACX_VERSION) return { available: true, python };
    seen.push(`${python}: ${probe.exitCode === 0 ? `diracx ${version}` : 'no diracx'}`);
  }
  const found = seen.length > 0 ? seen.join('; ') : 'no python3';
  return {
    available: false,
    reason: `DiracX ${DIRACX_VERSION}'s client is not installed (${found}; ${DIRACX_INSTALL})`,
  };
}

export interface PythonRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` on top of a clean environment (PATH and HOME only, so the caller's DIRACX_* variables cannot leak in). */
export function cleanPythonEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: Bun.env.PATH ?? '/usr/bin:/bin', HOME: Bun.env.HOME ?? '/tmp', PYTHONUNBUFFERED: '1', ...env };
}

/** Runs `python args...` with `env` on top of a clean environment (`cleanPythonEnv`) and collects its output. */
export async function runPython(
  python: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<PythonRun> {
  const proc = Bun.spawn({
    cmd: [python, ...args],
    env: cleanPythonEnv(env),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: timeoutMs,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** A `dirac ...` command of DiracX's CLI (`python -m diracx.cli`), JSON output. */
export function runDirac(
  python: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs?: number,
): Promise<PythonRun> {
  return runPython(python, ['-m', 'diracx.cli', ...args], { DIRACX_OUTPUT_FORMAT: 'JSON', ...env }, timeoutMs);
}
