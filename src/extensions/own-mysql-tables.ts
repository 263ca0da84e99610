/**
 * @module extensions/own-mysql-tables
 * How an extension's code reaches its tables on MySQL/MariaDB. They live in our own database,
 * whose name a deployment chooses (`DIRACX_OWN_DB_URL`), so queries need the tables qualified by
 * that name (`mysqlSchema(name).table`), known only at run time. An extension declares its tables
 * once, as a function of the schema, and gets them for a session:
 *
 * ```ts
 * const ownersTables = ownMysqlTables((own) => ({ owners: own.table('GubbinsOwners', { ... }) }));
 * const { owners } = ownersTables(mysqlHandle(session, 'gubbins'));
 * ```
 *
 * The tables are built once per database name and reused.
 */
import { type MySqlSchema, mysqlSchema } from 'drizzle-orm/mysql-core';
import type { MysqlSession } from '../db/session.ts';

/** `define`'s tables in the session's own database, built on first use for each database name. */
export function ownMysqlTables<T>(define: (own: MySqlSchema) => T): (session: MysqlSession) => T {
  const byDatabase = new Map<string, T>();
  return (session) => {
    let tables = byDatabase.get(session.ownDatabase);
    if (tables === undefined) {
      tables = define(mysqlSchema(session.ownDatabase));
      byDatabase.set(session.ownDatabase, tables);
    }
    return tables;
  };
}
