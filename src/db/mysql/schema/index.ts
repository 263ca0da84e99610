/**
 * @module db/mysql/schema
 * DiracX's SQL databases on MySQL/MariaDB, each in a database of its own as DiracX keeps them
 * (`DIRACX_DB_URL_<NAME>` names each one's database). A table factory per database builds its
 * tables with a given `table` function, so one definition serves the DDL (unqualified, run inside
 * the database) and the queries (qualified by the database name read from the URLs at start).
 */
import { mysqlSchema, mysqlTable } from 'drizzle-orm/mysql-core';
import { authDbTables } from './auth-db.ts';
import type { TableFn } from './columns.ts';
import { jobDbTables } from './job-db.ts';
import { jobLoggingDbTables } from './job-logging-db.ts';
import { pilotAgentsDbTables } from './pilot-agents-db.ts';
import { resourceStatusDbTables } from './resource-status-db.ts';
import { sandboxMetadataDbTables } from './sandbox-metadata-db.ts';
import { taskQueueDbTables } from './task-queue-db.ts';

/** DiracX's SQL databases we serve, by their entry-point names (`DIRACX_DB_URL_<NAME upper-cased>`). */
export const SQL_DATABASES = [
  'AuthDB',
  'JobDB',
  'JobLoggingDB',
  'SandboxMetadataDB',
  'TaskQueueDB',
  'PilotAgentsDB',
  'ResourceStatusDB',
] as const;
export type DiracxSqlDatabase = (typeof SQL_DATABASES)[number];

const FACTORIES = {
  AuthDB: authDbTables,
  JobDB: jobDbTables,
  JobLoggingDB: jobLoggingDbTables,
  SandboxMetadataDB: sandboxMetadataDbTables,
  TaskQueueDB: taskQueueDbTables,
  PilotAgentsDB: pilotAgentsDbTables,
  ResourceStatusDB: resourceStatusDbTables,
} as const satisfies Record<DiracxSqlDatabase, (table: TableFn) => Record<string, unknown>>;

/** The tables of one DiracX database, unqualified: for its DDL, run inside that database. */
export function unqualifiedTables<D extends DiracxSqlDatabase>(database: D): ReturnType<(typeof FACTORIES)[D]> {
  return FACTORIES[database](mysqlTable) as ReturnType<(typeof FACTORIES)[D]>;
}

/** Which MySQL database holds each DiracX database (the path of its `DIRACX_DB_URL_*`). */
export type DiracxDatabaseNames = Readonly<Record<DiracxSqlDatabase, string>>;

/** Every DiracX table, qualified by the MySQL database that holds it: what the queries use. */
export function diracxTables(names: DiracxDatabaseNames) {
  const inDb = (database: DiracxSqlDatabase) => mysqlSchema(names[database]).table;
  return {
    ...authDbTables(inDb('AuthDB')),
    ...jobDbTables(inDb('JobDB')),
    ...jobLoggingDbTables(inDb('JobLoggingDB')),
    ...sandboxMetadataDbTables(inDb('SandboxMetadataDB')),
    ...taskQueueDbTables(inDb('TaskQueueDB')),
    ...pilotAgentsDbTables(inDb('PilotAgentsDB')),
    ...resourceStatusDbTables(inDb('ResourceStatusDB')),
  };
}
export type DiracxTables = ReturnType<typeof diracxTables>;
