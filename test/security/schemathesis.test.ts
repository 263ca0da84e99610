/**
 * Fuzzing of the REST API with schemathesis (PyPI) against the real server process, run with
 * the example extension gubbins enabled explicitly: every operation of `/api/openapi.json`
 * (the core's and the extension's), called with a valid token of an ordinary user and of a
 * JobAdministrator, must never answer 5xx and must answer what the document describes.
 * Skipped, with the reason in its name, when schemathesis 4 is not installed, unless
 * DIRACX_REQUIRE_SCHEMATHESIS_TESTS=1 makes that a failure (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import type { TokenSubject } from '../harness/auth.ts';
import { startTestIdp, type TestIdp } from '../harness/oidc-provider.ts';
import { serverToken, startServer, type RunningServer } from '../harness/server-process.ts';

/** Set in CI: the fuzzing must run, not skip. */
const REQUIRED = Bun.env.DIRACX_REQUIRE_SCHEMATHESIS_TESTS === '1';
const INSTALL = "pip install 'schemathesis>=4.32,<5'";

/**
 * Test cases per operation and phase. With 47 operations this keeps one run near 30 s on a
 * 2-core machine; DIRACX_SCHEMATHESIS_MAX_EXAMPLES raises it for a longer local run.
 */
const MAX_EXAMPLES = Number(Bun.env.DIRACX_SCHEMATHESIS_MAX_EXAMPLES ?? 25);
/** A run that takes longer than this is killed and fails (schemathesis has no hard time limit): a hang guard,
 * generous because the two runs share the machine with each other and with the other test files. */
const RUN_TIMEOUT_MS = 300_000;

/**
 * The checks that must hold for every response. Not `status_code_conformance`: like DiracX's
 * FastAPI document, ours does not list the 401/403/422 every route can answer.
 */
const CHECKS = ['not_a_server_error', 'response_schema_conformance'];

/** The legacy-exchange API key the server is given (as its SHA-256), so that route is fuzzed past "not enabled". */
const LEGACY_API_KEY = 'diracx:legacy:schemathesis-fuzzing-key';

type Availability = { available: true; python: string } | { available: false; reason: string };

/** A python3 that imports schemathesis 4 (the CLI flags used here are those of 4.x). */
function schemathesisAvailability(): Availability {
  const python = Bun.which('python3') ?? Bun.which('python');
  if (!python) return { available: false, reason: `no python3 on PATH (${INSTALL})` };
  const probe = Bun.spawnSync({
    cmd: [python, '-c', 'import schemathesis.cli, importlib.metadata as m; print(m.version("schemathesis"))'],
    stdout: 'pipe',
    stderr: 'ignore',
  });
  const version = probe.stdout.toString().trim();
  if (probe.exitCode !== 0) return { available: false, reason: `schemathesis is not installed (${INSTALL})` };
  if (!version.startsWith('4.'))
    return { available: false, reason: `schemathesis ${version} is installed, 4.x is needed (${INSTALL})` };
  return { available: true, python };
}

interface FuzzRun {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

/**
 * The shipped configuration with every VO's IdP at `idpUrl`, written to `dir` (as JSON, which is
 * YAML). The examples let schemathesis start real login flows (a device code from
 * `POST /api/auth/device`, then `GET /api/auth/device?user_code=...`), which fetch the IdP's
 * discovery document at a real IdP (the shipped development provider runs on loopback issuers only).
 */
async function writeConfigWithIdp(dir: string, idpUrl: string): Promise<string> {
  const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as {
    Registry: Record<string, { IdP: { URL: string } }>;
  };
  for (const vo of Object.values(raw.Registry)) vo.IdP.URL = idpUrl;
  const path = join(dir, 'config.yml');
  await writeFile(path, JSON.stringify(raw));
  return path;
}

/** Runs `schemathesis run` against the server's document with `token`; resolves with its report. */
async function runSchemathesis(
  python: string,
  server: RunningServer,
  token: string,
  workDir: string,
): Promise<FuzzRun> {
  const args = [
    'run',
    new URL('api/openapi.json', server.url).toString(),
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(MAX_EXAMPLES),
    // All four, named so that none is dropped unnoticed: `examples` sends the document's request
    // examples first, the only way past the bodies OpenAPI 3.0 cannot describe (job-id and
    // datetime keys, JDLs, PFNs); test/routes/openapi-examples.test.ts keeps them valid.
    '--phases',
    'examples,coverage,fuzzing,stateful',
    // Redirects go to the identity provider (login flows) or to our own canonical paths; the
    // 3xx itself is what the document describes, so it is checked and not followed.
    '--max-redirects',
    '0',
    '--request-timeout',
    '15',
    // No `.hypothesis` example database left behind: every run starts fresh.
    '--generation-database',
    'none',
    '--no-color',
    ...(Bun.env.DIRACX_SCHEMATHESIS_SEED ? ['--seed', Bun.env.DIRACX_SCHEMATHESIS_SEED] : []),
  ];
  // `schemathesis.cli` has a `__main__`; the package itself does not.
  const proc = Bun.spawn({
    cmd: [python, '-m', 'schemathesis.cli', ...args],
    cwd: workDir,
    env: { ...process.env, PYTHONUNBUFFERED: '1', NO_COLOR: '1', COLUMNS: '120' },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, RUN_TIMEOUT_MS);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { exitCode, output: `${stdout}${stderr}`, timedOut };
}

/** Schemathesis's own report, from its failures section on (the whole output when there is none). */
function failureReport(run: FuzzRun): string {
  const start = run.output.search(/^=+ FAILURES =+$/m);
  const report = start >= 0 ? run.output.slice(start) : run.output;
  return report.length > 30_000 ? `${report.slice(0, 30_000)}\n... (truncated)` : report;
}

/** Fails with schemathesis's report unless the run passed every check on every operation. */
function expectClean(run: FuzzRun, who: string): void {
  if (run.timedOut)
    throw new Error(`schemathesis (${who}) ran longer than ${RUN_TIMEOUT_MS} ms and was killed\n${failureReport(run)}`);
  if (run.exitCode !== 0) throw new Error(`schemathesis (${who}) exited with ${run.exitCode}:\n${failureReport(run)}`);
  // A run that loaded no operation would pass vacuously.
  const tested = /Tested:\s+(\d+)/.exec(run.output);
  expect(Number(tested?.[1] ?? 0)).toBeGreaterThan(40);
  expect(run.output).toMatch(/\d+ generated, \d+ passed/);
  // The examples phase ran (it is shown as skipped when the document has no example).
  expect(run.output).toMatch(/Examples \(in [\d.]+s\)\s+✅ \d+ passed/);
}

const availability = schemathesisAvailability();

if (!availability.available && !REQUIRED) {
  const skippedTitle =
    `schemathesis fuzzing of /api (skipped: ${availability.reason}; ` +
    `set DIRACX_REQUIRE_SCHEMATHESIS_TESTS=1 to fail instead)`;
  describe.skip(skippedTitle, () => {
    it('finds no server error and no response outside the documented schema', () => {});
  });
} else {
  describe('schemathesis fuzzing of /api with valid tokens', () => {
    let server: RunningServer | undefined;
    let idp: TestIdp | undefined;
    let workDir: string | undefined;
    const running = (): RunningServer => {
      if (!server) throw new Error('server did not start');
      return server;
    };

    /** A token for `subject`, checked against the server first so that a bad token cannot make the fuzzing vacuous. */
    async function validToken(subject: TokenSubject): Promise<string> {
      const token = await serverToken(subject);
      const res = await fetch(new URL('api/auth/userinfo', running().url), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      return token;
    }

    beforeAll(async () => {
      if (!availability.available) {
        throw new Error(`DIRACX_REQUIRE_SCHEMATHESIS_TESTS=1 but schemathesis cannot run: ${availability.reason}`);
      }
      workDir = await mkdtemp(join(tmpdir(), 'diracx-schemathesis-'));
      const hashedKey = new Bun.CryptoHasher('sha256').update(LEGACY_API_KEY).digest('hex');
      idp = await startTestIdp({ users: [], clients: [] });
      server = await startServer(
        {
          DIRACX_CONFIG: await writeConfigWithIdp(workDir, idp.issuer),
          // Enabled so the route is fuzzed past its "not enabled" 503 (documented, as in DiracX).
          DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY: hashedKey,
          // The per-minute registration limit would answer most calls with 429 and leave the route untested.
          DIRACX_SERVICE_AUTH_REGISTRATION_RATE_LIMIT_PER_MINUTE: '1000000',
        },
        // With the example extension (the default build has none): the core operations plus
        // its routes, which go through the same machinery and have had a 500 of their own.
        { extensions: ['@diracx-ts/gubbins'] },
      );
    });
    afterAll(async () => {
      await server?.stop().catch(() => undefined);
      await idp?.stop().catch(() => undefined);
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    // No operation is excluded: the login redirects are checked as 307s without being followed,
    // and readiness (the one route that may answer 503) is not in the document. The two callers'
    // runs go at once (schemathesis works in a process of its own, the server in another): the
    // file takes one run's time, not two.
    const callers: [string, TokenSubject][] = [
      ['an ordinary user (lhcb_user)', { vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' }],
      ['a JobAdministrator (lhcb_admin)', { vo: 'lhcb', group: 'lhcb_admin', preferredUsername: 'lhcbadmin' }],
    ];
    for (const [who, subject] of callers) {
      it.concurrent(
        `finds no server error and no response outside the documented schema as ${who}`,
        async () => {
          if (!availability.available) throw new Error(availability.reason);
          const token = await validToken(subject);
          expectClean(await runSchemathesis(availability.python, running(), token, workDir ?? tmpdir()), subject.group);
        },
        RUN_TIMEOUT_MS + 30_000,
      );
    }

    it('leaves no unhandled error in the server log', () => {
      const unhandled = running()
        .logs()
        .filter((line) => line.level === 'error');
      expect(unhandled).toEqual([]);
    });
  });
}
