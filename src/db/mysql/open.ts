/**
 * @module db/mysql/open
 * Opens MySQL/MariaDB for the server process: one mysql2 pool on the server of `DATABASE_URL`
 * (our own database, the pool's default) that reaches DiracX's databases by qualified names.
 * Every connection starts in strict SQL mode (a value its column cannot hold is an error, as on
 * PostgreSQL, not a silent truncation), with the session time zone UTC (DiracX stores naive UTC
 * times; drizzle reads and writes them as UTC), and under the statement timeout (MariaDB's
 * `max_statement_time`; MySQL's `max_execution_time`, which bounds only SELECTs). Process-side
 * only; the request handler receives the opened database.
 */
import { drizzle } from 'drizzle-orm/mysql2';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { type MysqlDatabase, type MysqlDatabaseNames, wrapMysqlDatabase } from './database.ts';

export interface OpenMysqlOptions {
  /** `mysql://user:password@host:port/ourDatabase`. */
  url: string;
  /** Where each database lives (our own is the URL's). */
  names: MysqlDatabaseNames;
  /** Connections in the pool. */
  poolSize?: number;
  /** Longest a statement may run, in milliseconds; 0 or absent: no limit. */
  statementTimeoutMs?: number;
}

/** The statements every new connection runs first. */
export function sessionSetup(flavour: 'mariadb' | 'mysql', statementTimeoutMs: number): string[] {
  const statements = [
    "SET SESSION sql_mode = CONCAT_WS(',', @@sql_mode, 'STRICT_ALL_TABLES')",
    "SET SESSION time_zone = '+00:00'",
  ];
  if (statementTimeoutMs > 0) {
    statements.push(
      flavour === 'mariadb'
        ? `SET SESSION max_statement_time = ${statementTimeoutMs / 1000}`
        : `SET SESSION max_execution_time = ${Math.round(statementTimeoutMs)}`,
    );
  }
  return statements;
}

/** Whether the server is MariaDB or MySQL (one short-lived connection). */
async function serverFlavour(url: string): Promise<'mariadb' | 'mysql'> {
  const connection = await mysqlPromise.createConnection({ uri: url, connectTimeout: 5000 });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS v');
    const version = String((rows as { v?: unknown }[])[0]?.v ?? '');
    return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/** Opens the pool (after one connection that tells MariaDB from MySQL). */
export async function openMysqlDatabase(options: OpenMysqlOptions): Promise<MysqlDatabase> {
  const setup = sessionSetup(await serverFlavour(options.url), options.statementTimeoutMs ?? 0);
  const pool = mysql.createPool({
    uri: options.url,
    connectionLimit: options.poolSize ?? 10,
    connectTimeout: 5000,
    // DATETIME values are naive UTC: never shift them by the process's time zone.
    timezone: 'Z',
    enableKeepAlive: true,
  });
  pool.on('connection', (connection) => {
    for (const statement of setup) connection.query(statement);
  });
  const db = drizzle({ client: pool });
  return wrapMysqlDatabase(db, options.names, () => new Promise<void>((resolve) => pool.end(() => resolve())));
}
