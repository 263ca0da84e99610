/**
 * Benchmark plumbing: starts the real server (`src/server.ts`) on a free port with a fresh
 * keystore (embedded in-memory database, or DATABASE_URL when set) and mints tokens for users
 * of the shipped configuration with that keystore. The access log is off unless
 * DIRACX_ACCESS_LOG says otherwise; BENCH_CPU_PROF_DIR=<dir> writes the server's CPU profile there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../src/config/file-source.ts';
import { subFromPreferredUsername } from '../src/config/schema.ts';
import { generateKeystore, type Keystore } from '../src/logic/auth/keystore.ts';
import { issueAccessToken } from '../src/logic/auth/tokens.ts';
import { writeKeystoreFile } from '../src/process/keystore-source.ts';

const ISSUER = 'http://bench.invalid';

export interface BenchServer {
  url: string;
  /** The MCP endpoint (tokens for it carry it as audience). */
  mcpUrl: string;
  token(vo: string, group: string, user: string, audience?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'diracx-bench-'));
  const keystore: Keystore = await generateKeystore();
  const keystorePath = join(dir, 'keystore.json');
  await writeKeystoreFile(keystorePath, keystore);
  // A free port, chosen here so that the MCP endpoint's allowed Host can name it.
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  const proc = Bun.spawn({
    cmd: [process.execPath, ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []), 'run', 'src/server.ts'],
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      PORT: String(port),
      DIRACX_MCP_ALLOWED_HOSTS: `127.0.0.1:${port}`,
      DIRACX_DATA_DIR: 'memory://',
      DIRACX_ACCESS_LOG: process.env.DIRACX_ACCESS_LOG ?? 'false',
      DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: keystorePath,
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: ISSUER,
      DIRACX_SERVICE_AUTH_TOKEN_RATE_LIMIT_PER_MINUTE: '0',
    },
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const reader = proc.stdout.getReader();
  let buffered = '';
  let url = '';
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the server exited before listening');
    buffered += new TextDecoder().decode(value);
    const match = /"msg":"listening","url":"http:\/\/[^:]+:(\d+)\//.exec(buffered);
    if (match) url = `http://127.0.0.1:${match[1]}`;
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
  const { config } = await loadConfigFile(DEFAULT_CONFIG_PATH);
  return {
    url,
    mcpUrl: `${ISSUER}/mcp`,
    async token(vo, group, user, audience) {
      const idpSub = subFromPreferredUsername(config.Registry[vo]!, user)!;
      const properties = config.Registry[vo]!.Groups[group]!.Properties;
      const issued = await issueAccessToken(keystore, ISSUER, { vo, group, properties, idpSub, preferredUsername: user, lifetimeSeconds: 3600, audience }, new Date());
      return issued.token;
    },
    async stop() {
      proc.kill('SIGTERM');
      await proc.exited;
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
