/**
 * MariaDB test databases for the suite's MariaDB mode (`DIRACX_TEST_DATABASE=mariadb`, see
 * `./database.ts`): a set of migrated databases (our own and DiracX's seven) is created once and
 * reused from test to test, as the inline PGlite databases are (`./pglite-pool.ts`): creating and
 * migrating a set takes about a second, emptying it a fraction of that.
 *
 * A test never sees another's rows: on release every table of the set is emptied (`TRUNCATE`,
 * which also restarts the auto-increment counters, so ids start at 1 as in a fresh set), and the
 * handle the test was given is closed: a query made through it afterwards fails as on a closed
 * database. The next test gets a new pool on the emptied set. A set whose tables changed (a test
 * that created or dropped one) is dropped instead of reused.
 *
 * Sets are named `tp<pid>_…`: the suite's preload drops this process's sets after the last test
 * file (`drainMariadbPool`), and the first set a process creates drops those of processes that are
 * no longer running (a run that was killed).
 */
import type mysql from 'mysql2/promise';
import type { MysqlDatabase } from '../../src/db/mysql/database.ts';
import { openMysqlDatabase } from '../../src/db/mysql/open.ts';
import { connectServer, createMysqlTestDatabase, type MysqlTestDatabase } from './mariadb.ts';

/** A set serves at most this many tests, then is dropped (bounds what a test could leave behind unnoticed). */
const MAX_USES = 200;

interface PooledSet {
  readonly set: MysqlTestDatabase;
  /** Every table of the set, qualified, as the set was created. */
  readonly tables: readonly string[];
  uses: number;
}

let admin: Promise<mysql.Connection> | undefined;
const free: PooledSet[] = [];

const adminConnection = (): Promise<mysql.Connection> => {
  admin ??= connectServer();
  return admin;
};

async function tablesOf(set: MysqlTestDatabase): Promise<string[]> {
  const schemas = [set.own, ...Object.values(set.set.names)];
  const connection = await adminConnection();
  const [rows] = await connection.query(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ' +
      'ORDER BY TABLE_SCHEMA, TABLE_NAME',
    [schemas],
  );
  return (rows as { s: string; t: string }[]).map((r) => `\`${r.s}\`.\`${r.t}\``);
}

/** Empties every table; false when the set's tables are not those it was created with. */
async function empty(pooled: PooledSet): Promise<boolean> {
  const now = await tablesOf(pooled.set);
  if (now.join() !== pooled.tables.join()) return false;
  const connection = await adminConnection();
  await connection.query('SET FOREIGN_KEY_CHECKS = 0');
  try {
    for (const table of pooled.tables) await connection.query(`TRUNCATE TABLE ${table}`);
  } finally {
    await connection.query('SET FOREIGN_KEY_CHECKS = 1');
  }
  return true;
}

const LABEL = `tp${process.pid}`;
let staleDropped: Promise<void> | undefined;

/** Drops the sets of test processes that are gone. */
async function dropStaleSets(): Promise<void> {
  const connection = await adminConnection();
  const [rows] = await connection.query(
    "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'tp%'",
  );
  for (const { name } of rows as { name: string }[]) {
    const pid = Number(/^tp(\d+)_/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function newSet(): Promise<PooledSet> {
  staleDropped ??= dropStaleSets();
  await staleDropped;
  // The set's own handle only migrated it (and is closed by its dispose): each lease opens its own.
  const set = await createMysqlTestDatabase({ label: LABEL });
  return { set, tables: await tablesOf(set), uses: 0 };
}

/** Drops every set of this process (the suite's preload, after the last test file). */
export async function drainMariadbPool(): Promise<void> {
  for (const pooled of free.splice(0)) await pooled.set.dispose();
  const connection = await admin;
  admin = undefined;
  await connection?.end();
}

/** A migrated, empty set and a database handle on it, until `release`. */
export async function acquireMariadb(): Promise<{ database: MysqlDatabase; release(): Promise<void> }> {
  const pooled = free.pop() ?? (await newSet());
  pooled.uses += 1;
  const database = await openMysqlDatabase({
    url: pooled.set.url,
    names: { own: pooled.set.own, diracx: pooled.set.set.names },
    poolSize: 4,
  });
  return {
    database,
    release: async () => {
      await database.close();
      if (pooled.uses < MAX_USES && (await empty(pooled))) free.push(pooled);
      else await pooled.set.dispose();
    },
  };
}
