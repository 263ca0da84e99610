/**
 * Benchmark plumbing: starts the real server (`src/server.ts`) on a free port with a fresh
 * keystore (embedded in-memory database, or DATABASE_URL when set) and mints tokens for users
 * of the shipped configuration with that keystore. The server's log goes to a file in a temporary
 * directory. The access log is off unless the options or DIRACX_ACCESS_LOG say otherwise;
 * BENCH_CPU_PROF_DIR=<dir> writes the server's CPU profile there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../src/config/file-source.ts';
import { subFromPreferredUsername } from '../src/config/schema.ts';
import { generateKeystore, type Keystore } from '../src/logic/auth/tokens/keystore.ts';
import { issueAccessToken } from '../src/logic/auth/tokens/tokens.ts';
import { writeKeystoreFile } from '../src/process/keystore-source.ts';
import { spawnListening } from './process.ts';

const ISSUER = 'http://bench.invalid';

export interface BenchServer {
  url: string;
  /** The server process (for its memory). */
  pid: number;
  /** Where the server's log lines go. */
  logFile: string;
  /** The MCP endpoint (tokens for it carry it as audience). */
  mcpUrl: string;
  token(vo: string, group: string, user: string, audience?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** PostgreSQL URL; default DATABASE_URL, else the in-memory embedded database. */
  databaseUrl?: string | undefined;
  /** The access log (one line per request); default DIRACX_ACCESS_LOG, else off. */
  accessLog?: boolean;
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'diracx-bench-'));
  const keystore: Keystore = await generateKeystore();
  const keystorePath = join(dir, 'keystore.json');
  await writeKeystoreFile(keystorePath, keystore);
  // A free port, chosen here so that the MCP endpoint's allowed Host can name it.
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  const logFile = join(dir, 'server.log');
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const accessLog =
    options.accessLog === undefined ? (process.env.DIRACX_ACCESS_LOG ?? 'false') : String(options.accessLog);
  const proc = await spawnListening({
    cmd: [
      process.execPath,
      ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []),
      'run',
      'src/server.ts',
    ],
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      DIRACX_MCP_ALLOWED_HOSTS: `127.0.0.1:${port}`,
      DIRACX_DATA_DIR: 'memory://',
      DIRACX_ACCESS_LOG: accessLog,
      DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: keystorePath,
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: ISSUER,
      // The shipped configuration's development identity provider runs on loopback issuers only.
      DIRACX_DEV_IDP: 'false',
      DIRACX_SERVICE_AUTH_TOKEN_RATE_LIMIT_PER_MINUTE: '0',
      // Load from one user would hit the per-caller limit of /mcp at once.
      DIRACX_MCP_RATE_LIMIT_PER_MINUTE: '0',
    },
    logFile,
    listening: /"msg":"listening","url":"http:\/\/[^:]+:(\d+)\//,
  });
  const { config } = await loadConfigFile(DEFAULT_CONFIG_PATH);
  return {
    url: `http://127.0.0.1:${proc.port}`,
    pid: proc.pid,
    logFile,
    mcpUrl: `${ISSUER}/mcp`,
    async token(vo, group, user, audience) {
      const idpSub = subFromPreferredUsername(config.Registry[vo]!, user)!;
      const properties = config.Registry[vo]!.Groups[group]!.Properties;
      const issued = await issueAccessToken(
        keystore,
        ISSUER,
        { vo, group, properties, idpSub, preferredUsername: user, lifetimeSeconds: 3600, audience },
        new Date(),
      );
      return issued.token;
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Milliseconds of each run of `fn`, in order. */
export async function time(runs: number, fn: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
