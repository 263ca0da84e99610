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
}

export type Session = PostgresSession | MysqlSession;

/** Thrown when code that exists only for PostgreSQL meets another dialect. */
export class DialectNotSupportedError extends Error {
  constructor(what: string, dialect: Session['dialect']) {
    super(`${what} runs on PostgreSQL only, not on ${dialect}`);
    this.name = 'DialectNotSupportedError';
  }
}

/** The PostgreSQL handle of a session, for code with no MySQL version (extensions' own tables). */
export function postgresHandle(session: Session, what: string): Db | Tx {
  if (session.dialect !== 'postgres') throw new DialectNotSupportedError(what, session.dialect);
  return session.db;
}
