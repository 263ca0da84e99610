/**
 * A private, throw-away PostgreSQL cluster for tests that stop and start the database server
 * (the machine's shared cluster is never touched): initdb in a temp dir, trust auth, listening on
 * 127.0.0.1 at a free port. Run as the `postgres` user when we are root (initdb refuses root).
 */
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './server-process.ts';

/** Where Debian/Ubuntu install PostgreSQL server binaries, one directory per major version. */
const POSTGRES_ROOT = '/usr/lib/postgresql';
const SERVER_USER = 'postgres';

export type PostgresAvailability = { available: true; binDir: string } | { available: false; reason: string };

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth, no password). */
  readonly url: string;
  readonly port: number;
  /** Stops the server (`pg_ctl stop -m fast`: open connections are cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server if it runs and removes every file of the cluster. Safe to call twice. */
  destroy(): Promise<void>;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function commandExists(name: string): boolean {
  return Bun.which(name) !== null;
}

/** Numeric id of the server user (`id -u`/`id -g`), or undefined when it does not exist. */
function userIds(user: string): { uid: number; gid: number } | undefined {
  const id = (flag: string): number | undefined => {
    const res = Bun.spawnSync({ cmd: ['id', flag, user], stdout: 'pipe', stderr: 'ignore' });
    const text = res.stdout.toString().trim();
    return res.exitCode === 0 && /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const uid = id('-u');
  const gid = id('-g');
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

/**
 * Whether a private cluster can be started here: the newest version directory under
 * /usr/lib/postgresql with `initdb` and `pg_ctl`, and (as root) a `postgres` user and `runuser`.
 */
export function postgresServerAvailability(): PostgresAvailability {
  let versions: string[];
  try {
    versions = readdirSync(POSTGRES_ROOT);
  } catch {
    return { available: false, reason: `no PostgreSQL server binaries (${POSTGRES_ROOT} does not exist)` };
  }
  const binDir = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(POSTGRES_ROOT, v, 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!binDir)
    return { available: false, reason: `no PostgreSQL server binaries (no initdb/pg_ctl under ${POSTGRES_ROOT})` };
  if (isRoot()) {
    if (!commandExists('runuser'))
      return { available: false, reason: 'running as root without runuser to drop to the postgres user' };
    if (!userIds(SERVER_USER))
      return { available: false, reason: `running as root and there is no "${SERVER_USER}" user` };
  }
  return { available: true, binDir };
}

/** Runs a command to completion; throws with its output when it fails. */
async function run(cmd: string[], what: string): Promise<void> {
  const proc = Bun.spawn({
    cmd,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, LC_ALL: 'C' },
  });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`${what} failed with exit code ${code}:\n${out}${err}`);
}

/** Creates, configures and starts a private cluster. Call `destroy()` in `afterAll`. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const availability = postgresServerAvailability();
  if (!availability.available) throw new Error(`cannot start a private PostgreSQL: ${availability.reason}`);
  const { binDir } = availability;
  const asServerUser = isRoot() ? ['runuser', '-u', SERVER_USER, '--'] : [];

  const baseDir = await mkdtemp(join(tmpdir(), 'diracx-pg-'));
  const dataDir = join(baseDir, 'data');
  const logFile = join(baseDir, 'postgres.log');
  if (isRoot()) {
    const ids = userIds(SERVER_USER);
    if (!ids) throw new Error(`no "${SERVER_USER}" user`);
    chownSync(baseDir, ids.uid, ids.gid);
  }
  const port = findFreePort();
  let running = false;
  let destroyed = false;

  const pgCtl = (args: string[]): string[] => [...asServerUser, join(binDir, 'pg_ctl'), '-D', dataDir, ...args];
  const withLog = async (work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (err) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
      throw new Error(`${err instanceof Error ? err.message : String(err)}\npostgres log:\n${log}`);
    }
  };

  const cluster: PrivatePostgres = {
    url: `postgres://${SERVER_USER}@127.0.0.1:${port}/postgres`,
    port,
    start: () =>
      withLog(async () => {
        // -k: the unix socket goes to our temp dir, not the shared /var/run/postgresql.
        const options = `-p ${port} -h 127.0.0.1 -k ${baseDir} -c fsync=off -c full_page_writes=off`;
        await run(pgCtl(['-w', '-t', '60', '-l', logFile, '-o', options, 'start']), 'pg_ctl start');
        running = true;
      }),
    stop: () =>
      withLog(async () => {
        await run(pgCtl(['-w', '-t', '60', '-m', 'fast', 'stop']), 'pg_ctl stop');
        running = false;
      }),
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      // Also after a start that failed half-way: a postmaster.pid means a server may be up.
      if (running || existsSync(join(dataDir, 'postmaster.pid'))) {
        await run(pgCtl(['-w', '-t', '60', '-m', 'immediate', 'stop']), 'pg_ctl stop').catch(() => undefined);
        running = false;
      }
      await rm(baseDir, { recursive: true, force: true });
    },
  };

  try {
    await run(
      [
        ...asServerUser,
        join(binDir, 'initdb'),
        '-D',
        dataDir,
        '-A',
        'trust',
        '-U',
        SERVER_USER,
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ],
      'initdb',
    );
    await cluster.start();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}
