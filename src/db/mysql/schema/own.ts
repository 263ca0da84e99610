/**
 * @module db/mysql/schema/own
 * Our own tables on MySQL/MariaDB, which DiracX does not have: registered OAuth clients, used
 * client assertions, the extensions' applied migrations, and the job parameter documents of a
 * standalone installation (DiracX keeps job parameters in OpenSearch). They live in a database of
 * their own (`DATABASE_URL`), never beside DiracX's tables; the same columns as on PostgreSQL
 * (`src/db/schema/`), in MySQL's types. Migrations: `src/db/mysql/migrations`
 * (`bun run generate:mysql`).
 */
import { datetime, index, int, json, mysqlSchema, mysqlTable, primaryKey, varchar } from 'drizzle-orm/mysql-core';
import { type TableFn, uuidColumn } from './columns.ts';

const utc = (name: string) => datetime(name, { mode: 'date', fsp: 6 });

export function ownTables(table: TableFn) {
  const oauthClients = table(
    'OAuthClients',
    {
      clientId: varchar('ClientID', { length: 64 }).primaryKey(),
      clientName: varchar('ClientName', { length: 200 }),
      redirectUris: json('RedirectURIs').$type<string[]>().notNull(),
      grantTypes: json('GrantTypes').$type<string[]>().notNull(),
      createdAt: utc('CreatedAt').notNull(),
      lastUsedAt: utc('LastUsedAt'),
      expiresAt: utc('ExpiresAt').notNull(),
    },
    (t) => [index('OAuthClients_ExpiresAt').on(t.expiresAt)],
  );

  const clientAssertions = table(
    'ClientAssertions',
    {
      clientId: varchar('ClientID', { length: 128 }).notNull(),
      jti: varchar('JTI', { length: 255 }).notNull(),
      expiresAt: utc('ExpiresAt').notNull(),
    },
    (t) => [primaryKey({ columns: [t.clientId, t.jti] }), index('ClientAssertions_ExpiresAt').on(t.expiresAt)],
  );

  const extensionMigrations = table(
    'ExtensionMigrations',
    {
      extension: varchar('Extension', { length: 64 }).notNull(),
      name: varchar('Name', { length: 255 }).notNull(),
      appliedAt: utc('AppliedAt').notNull(),
    },
    (t) => [primaryKey({ columns: [t.extension, t.name] })],
  );

  /** A job's merged parameter document; no foreign key into DiracX's JobDB, which is not ours. */
  const jobParameterDocs = table(
    'JobParametersDocs',
    {
      jobId: int('JobID').primaryKey(),
      vo: varchar('VO', { length: 32 }).notNull(),
      parameters: json('Parameters').$type<Record<string, unknown>>().notNull(),
      updatedAt: utc('UpdatedAt').notNull(),
    },
    (t) => [index('JobParametersDocs_VO').on(t.vo)],
  );

  /**
   * What our authorization-code flows keep beyond DiracX's `AuthorizationFlows` row: the RFC 8707
   * resource (MCP clients' `/mcp`) and the client's state while the flow waits at our consent
   * page. Keyed by the flow's `UUID`; removed with the flow.
   */
  const authorizationFlowExtras = table('AuthorizationFlowExtras', {
    uuid: uuidColumn('UUID').primaryKey(),
    resource: varchar('Resource', { length: 1024 }),
    clientState: varchar('ClientState', { length: 1024 }),
  });

  return { oauthClients, clientAssertions, extensionMigrations, jobParameterDocs, authorizationFlowExtras };
}

/** Our tables in the database `name`: what the queries use. */
export const ownTablesIn = (name: string) => ownTables(mysqlSchema(name).table);

// Unqualified, for drizzle-kit (drizzle.mysql.config.ts), which writes the migrations.
export const { oauthClients, clientAssertions, extensionMigrations, jobParameterDocs, authorizationFlowExtras } =
  ownTables(mysqlTable);
