/**
 * The real DiracX 0.7.0 server for the differential test, started as DiracX's own
 * `run_local.sh` does: `uvicorn --factory diracx.testing.routers:create_app`, its configuration a
 * `git+file://` repository holding a copy of our development configuration, every SQL database
 * a sqlite file, `diracx.testing.mock_osdb` standing in for OpenSearch (sqlite too), moto for
 * S3, and the keystore and issuer of our test servers, so that one token is valid on both.
 * Needs `diracx-routers`, `diracx-testing`, `uvicorn` and `aiosqlite` 0.7.0 beside the client
 * (`.ci/run` installs them into the same virtual environment).
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { findFreePort, waitFor } from '../harness/server-process.ts';
import { DIRACX_VERSION, diracxAvailability, type DiracxAvailability } from './diracx-python.ts';

export const DIRACX_SERVER_PACKAGES = [
  `diracx-routers==${DIRACX_VERSION}`,
  `diracx-testing==${DIRACX_VERSION}`,
  'uvicorn',
  'aiosqlite',
];

/** DiracX's SQL databases (`DIRACX_DB_URL_<NAME>`). */
const SQL_DATABASES = [
  'AUTHDB',
  'JOBDB',
  'JOBLOGGINGDB',
  'SANDBOXMETADATADB',
  'TASKQUEUEDB',
  'PILOTAGENTSDB',
  'RESOURCESTATUSDB',
];

/** A python with DiracX 0.7.0's server packages (and its client: the same environment). */
export function diracxServerAvailability(): DiracxAvailability {
  const client = diracxAvailability();
  if (!client.available) return client;
  const probe = Bun.spawnSync({
    cmd: [client.python, '-c', 'import diracx.testing.routers, diracx.routers, uvicorn, aiosqlite'],
    stdout: 'ignore',
    stderr: 'ignore',
  });
  if (probe.exitCode === 0) return client;
  return {
    available: false,
    reason:
      `DiracX ${DIRACX_VERSION}'s server is not installed next to its client in ${client.python} ` +
      `(pip install ${DIRACX_SERVER_PACKAGES.join(' ')})`,
  };
}

export interface DiracxServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Its configuration repository (`git+file://` + this), on branch master, holding `default.yml`. */
  configRepo: string;
  /** Its AuthDB, a sqlite file (DiracX's own tables, written by DiracX). */
  authDbPath: string;
  /** Its `DIRACX_SERVICE_AUTH_*` settings, for DiracX's own code run beside it. */
  authEnv: Record<string, string>;
  /** Its output so far (uvicorn's log), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface DiracxServerOptions {
  python: string;
  /** A scratch directory of the caller's (configuration repository, sqlite files). */
  dir: string;
  /** Our test servers' keystore file and issuer. */
  keystorePath: string;
  issuer: string;
  /** moto's endpoint. */
  s3Endpoint: string;
  s3Credentials: { accessKeyId: string; secretAccessKey: string };
  /** More environment (e.g. `DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY`). */
  env?: Record<string, string>;
  /**
   * `DIRACX_DB_URL_<NAME>` for some databases (e.g. `mysql+aiomysql://` ones); the others are
   * sqlite files. DiracX's testing app creates its tables in them at start (`init-sql`).
   */
  sqlUrls?: Readonly<Record<string, string>>;
}

/** A Fernet key as Python's `Fernet.generate_key()` writes it: 32 bytes, base64url with padding. */
function fernetKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Buffer.from(bytes).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

/** Runs git in `cwd` as a configuration administrator would; throws with git's stderr. */
export async function git(cwd: string, ...args: string[]): Promise<void> {
  const proc = Bun.spawn({
    cmd: ['git', '-c', 'user.name=interop', '-c', 'user.email=interop@test.invalid', ...args],
    cwd,
    stdout: 'ignore',
    stderr: 'pipe',
  });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`git ${args.join(' ')}: exit ${code}: ${stderr}`);
}

export async function startDiracxServer(options: DiracxServerOptions): Promise<DiracxServer> {
  const { dir } = options;
  const configRepo = join(dir, 'config-repo');
  await mkdir(configRepo, { recursive: true });
  await cp(DEFAULT_CONFIG_PATH, join(configRepo, 'default.yml'));
  await git(configRepo, 'init', '-q', '-b', 'master');
  await git(configRepo, 'add', 'default.yml');
  await git(configRepo, 'commit', '-qm', 'the development configuration');

  const port = findFreePort();
  const base = `http://127.0.0.1:${port}`;
  const authEnv = {
    DIRACX_SERVICE_AUTH_TOKEN_ISSUER: options.issuer,
    DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: `file://${options.keystorePath}`,
    DIRACX_SERVICE_AUTH_STATE_KEY: fernetKey(),
  };
  const env: Record<string, string> = {
    PATH: Bun.env.PATH ?? '/usr/bin:/bin',
    HOME: Bun.env.HOME ?? '/tmp',
    PYTHONUNBUFFERED: '1',
    DIRACX_CONFIG_BACKEND_URL: `git+file://${configRepo}`,
    DIRACX_OS_DB_JOBPARAMETERSDB: JSON.stringify({ sqlalchemy_dsn: `sqlite+aiosqlite:///${dir}/jobparameters.db` }),
    ...authEnv,
    DIRACX_SERVICE_AUTH_ALLOWED_REDIRECTS: '[]',
    // Our server's default bucket name, so that sandbox PFNs agree (moto is the test's own).
    DIRACX_SANDBOX_STORE_BUCKET_NAME: 'sandboxes',
    DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET: 'true',
    DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS: JSON.stringify({
      endpoint_url: options.s3Endpoint,
      aws_access_key_id: options.s3Credentials.accessKeyId,
      aws_secret_access_key: options.s3Credentials.secretAccessKey,
    }),
    ...options.env,
  };
  for (const name of SQL_DATABASES)
    env[`DIRACX_DB_URL_${name}`] = options.sqlUrls?.[name] ?? `sqlite+aiosqlite:///${dir}/${name.toLowerCase()}.db`;

  const proc = Bun.spawn({
    cmd: [
      options.python,
      '-m',
      'uvicorn',
      '--factory',
      'diracx.testing.routers:create_app',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    env,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const output: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>): Promise<void> => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      output.push(decoder.decode(chunk));
      if (output.length > 400) output.shift();
    }
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  const stop = async (): Promise<void> => {
    if (!exited) proc.kill('SIGTERM');
    await proc.exited;
  };
  try {
    // Ready once the configuration is loaded (503 "not ready yet" before).
    await waitFor(
      async () => {
        if (exited) throw new Error('uvicorn exited');
        return (await fetch(`${base}/.well-known/dirac-metadata`)).status === 200;
      },
      { timeoutMs: 90_000, intervalMs: 500, description: `DiracX ${DIRACX_VERSION} on ${base}` },
    );
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${output.join('').slice(-4000)}`);
  }
  return { base, configRepo, authDbPath: `${dir}/authdb.db`, authEnv, output: () => output.join(''), stop };
}
