/**
 * The real server as a child process (`bun run src/server.ts`) for end-to-end tests: started on
 * a free port with a copy of an already-migrated embedded database (`./server-data-dir.ts`)
 * unless told otherwise, its output collected line by line, stopped with a signal. Also a
 * polling helper and a free-port finder.
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../src/config/file-source.ts';
import { generateKeystore, type Keystore } from '../../src/logic/auth/tokens/keystore.ts';
import { writeKeystoreFile } from '../../src/process/keystore-source.ts';
import { SettingsSchema } from '../../src/settings.ts';
import { mintTokenFor, type TokenSubject } from './auth.ts';
import { migratedDataDirCopy } from './server-data-dir.ts';

/** The repository root: the server's working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const SERVER_ENTRY = 'src/server.ts';

/** The issuer every test server runs as, unless a test sets another. */
export const SERVER_ISSUER = 'http://diracx.test.invalid';

let sharedKeystore: Promise<{ path: string; keystore: Keystore }> | undefined;

/** One keystore file for the servers of this test process (removed when the process exits). */
export function serverKeystore(): Promise<{ path: string; keystore: Keystore }> {
  sharedKeystore ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diracx-keys-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const keystore = await generateKeystore();
    const path = join(dir, 'keystore.json');
    await writeKeystoreFile(path, keystore);
    return { path, keystore };
  })();
  return sharedKeystore;
}

/** An access token that test servers (default keystore and issuer) accept, for a user of the shipped configuration. */
export async function serverToken(subject: TokenSubject): Promise<string> {
  const [{ keystore }, { config }] = await Promise.all([serverKeystore(), loadConfigFile(DEFAULT_CONFIG_PATH)]);
  return mintTokenFor(config, keystore, SERVER_ISSUER, subject);
}
const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 30_000;

export interface RunningServer {
  /** Base URL with a trailing slash, on 127.0.0.1 (e.g. `http://127.0.0.1:43121/`). */
  readonly url: string;
  readonly pid: number;
  /** Every stdout line so far (the JSON log), live. */
  readonly stdout: string[];
  /** Every stderr line so far, live. */
  readonly stderr: string[];
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code; SIGKILLs after the timeout. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number>;
  /** Sends a signal without waiting (e.g. SIGHUP to reload the configuration). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code once the process has exited and its output has been read. */
  readonly exited: Promise<number>;
  /** True until the process has exited. */
  running(): boolean;
  /** The stdout lines that are JSON objects, parsed. */
  logs(): LogLine[];
}

export type LogLine = Record<string, unknown> & { level?: string; msg?: string };

export interface StartServerOptions {
  /** How long to wait for the `listening` line (default 30 s). */
  startTimeoutMs?: number;
  /** What Bun runs instead of `run src/server.ts` (e.g. a built bundle), and where. */
  command?: readonly string[];
  cwd?: string;
  /**
   * Extensions (package names, e.g. `@diracx-ts/gubbins`) the server runs with instead of the
   * build manifest's (none by default): `serve()` of src/server.ts given them, in a fresh process.
   */
  extensions?: readonly string[];
}

export interface FailedStart {
  code: number;
  stderr: string[];
  stdout: string[];
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * The environment of a server child: this process's environment without any variable the
 * server reads as a setting (so the caller's shell cannot change what a test checks), then
 * PORT=0 and the in-memory database, then `env`.
 */
export function serverEnvironment(env: Record<string, string>): Record<string, string> {
  const settingNames = new Set(Object.keys(SettingsSchema.shape));
  const inherited: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !settingNames.has(key)) inherited[key] = value;
  }
  return { ...inherited, PORT: '0', DIRACX_DATA_DIR: 'memory://', ...env };
}

interface Child {
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  stdout: string[];
  stderr: string[];
  /** Exit code, after stdout and stderr have been read to the end. */
  exited: Promise<number>;
  /** Resolves with the first stdout line `match` accepts. */
  onStdoutLine(match: (line: string) => boolean): Promise<string>;
}

/** Reads a byte stream into lines (without line terminators), calling `onLine` for each. */
async function readLines(
  stream: ReadableStream<Uint8Array>,
  sink: string[],
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = '';
  const emit = (line: string): void => {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    sink.push(clean);
    onLine(clean);
  };
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      emit(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
  pending += decoder.decode();
  if (pending !== '') emit(pending);
}

/** Bun's arguments for a server serving `extensions` (package names) rather than the manifest's. */
function serveWithExtensions(extensions: readonly string[]): string[] {
  const script = [
    `import { serve } from '${REPO_ROOT}${SERVER_ENTRY}';`,
    ...extensions.map((name, i) => `import extension${i} from '${name}';`),
    `await serve([${extensions.map((_, i) => `extension${i}`).join(', ')}]);`,
  ].join('\n');
  return ['-e', script];
}

/**
 * Starts the server (or `opts.command`) with the shared test keystore and issuer, and without the
 * development identity provider, unless `env` names others. Unless `env` names a database
 * (`DATABASE_URL` or `DIRACX_DATA_DIR`), the server gets its own copy of a migrated embedded
 * database, removed once it has exited.
 */
async function spawnServer(env: Record<string, string>, opts: StartServerOptions): Promise<Child> {
  if (opts.command && opts.extensions) throw new TypeError('startServer: give command or extensions, not both');
  const { path } = await serverKeystore();
  const ownsDatabase = env.DATABASE_URL === undefined && env.DIRACX_DATA_DIR === undefined;
  const dataDir = ownsDatabase ? await migratedDataDirCopy() : undefined;
  const command = opts.command ?? (opts.extensions ? serveWithExtensions(opts.extensions) : ['run', SERVER_ENTRY]);
  const proc = Bun.spawn({
    cmd: [process.execPath, ...command],
    cwd: opts.cwd ?? REPO_ROOT,
    env: serverEnvironment({
      DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: path,
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: SERVER_ISSUER,
      // The development identity provider refuses SERVER_ISSUER (not loopback); tests of it turn it on.
      DIRACX_DEV_IDP: 'false',
      ...(dataDir ? { DIRACX_DATA_DIR: dataDir.path } : {}),
      ...env,
    }),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const stdoutDone = readLines(proc.stdout, stdout, (line) => {
    for (const watch of watchers) watch(line);
  });
  const stderrDone = readLines(proc.stderr, stderr, () => {});
  const exited = Promise.all([proc.exited, stdoutDone, stderrDone]).then(([code]) => {
    dataDir?.remove();
    return code;
  });
  const onStdoutLine = (match: (line: string) => boolean): Promise<string> => {
    const seen = stdout.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const watch = (line: string): void => {
        if (!match(line)) return;
        watchers.delete(watch);
        resolve(line);
      };
      watchers.add(watch);
    });
  };
  return { proc, stdout, stderr, exited, onStdoutLine };
}

function parseJsonLine(line: string): LogLine | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as LogLine) : undefined;
  } catch {
    return undefined;
  }
}

function listeningUrl(line: string): string | undefined {
  const entry = parseJsonLine(line);
  if (entry?.msg !== 'listening' || typeof entry.url !== 'string') return undefined;
  const url = new URL(entry.url);
  // The server binds every interface; connect through the loopback one.
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return url.toString();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function describeOutput(child: Pick<Child, 'stdout' | 'stderr'>): string {
  return (
    `stderr:\n${child.stderr.join('\n') || '(empty)'}\nstdout (last 20 ` +
    `lines):\n${child.stdout.slice(-20).join('\n') || '(empty)'}`
  );
}

/**
 * Starts the server and resolves once it logs `listening`. Rejects, with what the process wrote
 * to stderr, when it exits first or does not listen within the timeout (it is then killed).
 */
export async function startServer(env: Record<string, string>, opts: StartServerOptions = {}): Promise<RunningServer> {
  const child = await spawnServer(env, opts);
  const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    child
      .onStdoutLine((line) => listeningUrl(line) !== undefined)
      .then((line) => ({ kind: 'listening' as const, line })),
    child.exited.then((code) => ({ kind: 'exited' as const, code })),
    new Promise<{ kind: 'timeout' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome.kind === 'exited') {
    throw new Error(`server exited with code ${outcome.code} before listening\n${describeOutput(child)}`);
  }
  if (outcome.kind === 'timeout') {
    child.proc.kill('SIGKILL');
    await child.exited;
    throw new Error(`server did not log "listening" within ${timeoutMs} ms\n${describeOutput(child)}`);
  }
  const url = listeningUrl(outcome.line);
  if (url === undefined) throw new Error(`unreadable listening line: ${outcome.line}`);

  let hasExited = false;
  void child.exited.then(() => {
    hasExited = true;
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<number> => {
    if (!hasExited) child.proc.kill(signal);
    let stopTimer: ReturnType<typeof setTimeout> | undefined;
    const result = await Promise.race([
      child.exited,
      new Promise<'timeout'>((resolve) => {
        stopTimer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
      }),
    ]);
    clearTimeout(stopTimer);
    if (result !== 'timeout') return result;
    child.proc.kill('SIGKILL');
    await child.exited;
    throw new Error(`server did not exit within ${stopTimeoutMs} ms of ${signal}; killed\n${describeOutput(child)}`);
  };
  return {
    url,
    pid: child.proc.pid,
    stdout: child.stdout,
    stderr: child.stderr,
    exited: child.exited,
    stop,
    signal: (signal) => {
      if (!hasExited) child.proc.kill(signal);
    },
    running: () => !hasExited,
    logs: () => child.stdout.map(parseJsonLine).filter((entry): entry is LogLine => entry !== undefined),
  };
}

/**
 * Runs a server that is expected not to start and resolves with its exit code and output.
 * Rejects when it starts listening instead, or is still running after the timeout.
 */
export async function runServerExpectingFailure(
  env: Record<string, string>,
  opts: StartServerOptions = {},
): Promise<FailedStart> {
  const child = await spawnServer(env, opts);
  const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    child.exited.then((code) => ({ kind: 'exited' as const, code })),
    child.onStdoutLine((line) => listeningUrl(line) !== undefined).then(() => ({ kind: 'listening' as const })),
    new Promise<{ kind: 'timeout' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome.kind === 'exited') return { code: outcome.code, stderr: child.stderr, stdout: child.stdout };
  child.proc.kill('SIGKILL');
  await child.exited;
  const why = outcome.kind === 'listening' ? 'started listening' : `was still running after ${timeoutMs} ms`;
  throw new Error(`server was expected to fail at start but ${why}\n${describeOutput(child)}`);
}

/**
 * Calls `probe` every `intervalMs` until it returns a truthy value, and resolves with that value.
 * A probe that throws counts as "not yet". Rejects after `timeoutMs` with the last value or error.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: string = 'never ran';
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = `returned ${JSON.stringify(value)}`;
    } catch (err) {
      last = `threw ${err instanceof Error ? err.message : String(err)}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${opts.description ?? 'condition'} (last probe ${last})`,
      );
    }
    await sleep(intervalMs);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1 (bound, read, released). */
export function findFreePort(): number {
  const listener = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: { data() {} },
  });
  const { port } = listener;
  listener.stop(true);
  return port;
}

export interface McpServerProcess {
  server: RunningServer;
  port: number;
  mcpUrl: string;
  /** chaen's token for the server's /mcp. */
  token: string;
}

/**
 * The real server (with `extensions`, package names, instead of the manifest's) with its /mcp
 * reachable at 127.0.0.1 on a free port, plus chaen's token for it.
 * `serverToken` signs as SERVER_ISSUER, so the resource URL is set rather than derived from it.
 */
export async function startMcpServerProcess(
  extra: { hosts?: string[]; origins?: string[]; env?: Record<string, string>; extensions?: readonly string[] } = {},
): Promise<McpServerProcess> {
  const port = findFreePort();
  const mcpUrl = `http://127.0.0.1:${port}/mcp`;
  const server = await startServer(
    {
      PORT: String(port),
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: SERVER_ISSUER,
      DIRACX_MCP_RESOURCE_URL: mcpUrl,
      DIRACX_MCP_ALLOWED_HOSTS: [`127.0.0.1:${port}`, ...(extra.hosts ?? [])].join(','),
      ...(extra.origins
        ? { DIRACX_MCP_ALLOWED_ORIGINS: [`http://127.0.0.1:${port}`, ...extra.origins].join(',') }
        : {}),
      ...extra.env,
    },
    extra.extensions ? { extensions: extra.extensions } : {},
  );
  const token = await serverToken({ vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen', audience: mcpUrl });
  return { server, port, mcpUrl, token };
}
