/**
 * @module db/session
 * What the data-layer functions (`src/db/*.ts`) receive: a handle on one database, tagged with its
 * SQL dialect, outside or inside a transaction. PostgreSQL and the embedded PGlite share one
 * schema (`./schema/`); MySQL/MariaDB is DiracX's own databases (`./mysql/schema/`), whose tables
 * are qualified by the database names a deployment configures, so its session carries them.
 * Each data-layer function hands the session to its dialect's implementation (`./pg/`,
 * `./mysql/`); logic and policies never look inside.
 */
import type { Db, Tx } from './database.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './mysql/database.ts';

/** PostgreSQL or PGlite, outside or inside a transaction. */
export interface PostgresSession {
  readonly dialect: 'postgres';
  readonly db: Db | Tx;
}

/** DiracX's MySQL/MariaDB databases and our own one beside them. */
export interface MysqlSession {
  readonly dialect: 'mysql';
  readonly db: MysqlDb | MysqlTx;
  readonly tables: MysqlTables;
  /** The name of our own database (`DIRACX_OWN_DB_URL`), which qualifies our and extensions' tables. */
  readonly ownDatabase: string;
}

export type Session = PostgresSession | MysqlSession;

/** Thrown when code that exists only for one dialect meets another. */
export class DialectNotSupportedError extends Error {
  constructor(what: string, supported: string, dialect: Session['dialect']) {
    super(`${what} runs on ${supported} only, not on ${dialect}`);
    this.name = 'DialectNotSupportedError';
  }
}

/** The PostgreSQL handle of a session, for code written for PostgreSQL only (throws on MySQL). */
export function postgresHandle(session: Session, what: string): Db | Tx {
  if (session.dialect !== 'postgres') throw new DialectNotSupportedError(what, 'PostgreSQL', session.dialect);
  return session.db;
}

/**
 * The MySQL/MariaDB session, for code written for MySQL only (throws on PostgreSQL): its drizzle
 * handle (`db`) and the name of our own database (`ownDatabase`), where extensions' tables live.
 */
export function mysqlHandle(session: Session, what: string): MysqlSession {
  if (session.dialect !== 'mysql') throw new DialectNotSupportedError(what, 'MySQL/MariaDB', session.dialect);
  return session;
}
