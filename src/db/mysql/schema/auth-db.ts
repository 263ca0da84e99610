/**
 * @module db/mysql/schema/auth-db
 * DiracX 0.7.0's AuthDB on MySQL/MariaDB (`diracx/db/sql/auth/schema.py`): device and
 * authorization-code flows and refresh tokens. Statuses are the member names of DiracX's enums
 * (`VARCHAR(16)`, SQLAlchemy's non-native enum); `IDToken` is SQLAlchemy's `JSON` (MariaDB: a
 * `LONGTEXT` checked by `json_valid`). Unlike our PostgreSQL schema, nothing is added: no CHECK,
 * no extra index, no `ExpiresAt` (DiracX derives expiry from the UUIDv7 `JTI`).
 */
import { index, json, primaryKey, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { type TableFn, utcDatetime, utcNow, uuidColumn } from './columns.ts';

export function authDbTables(table: TableFn) {
  const deviceFlows = table(
    'DeviceFlows',
    {
      userCode: varchar('UserCode', { length: 8 }).notNull(),
      status: varchar('Status', { length: 16 }).notNull().default('PENDING'),
      creationTime: utcDatetime('CreationTime').notNull().default(utcNow),
      clientId: varchar('ClientID', { length: 255 }).notNull(),
      scope: varchar('Scope', { length: 1024 }).notNull(),
      /** A digest of the device code, never the code itself. */
      deviceCode: varchar('DeviceCode', { length: 128 }).notNull(),
      idToken: json('IDToken').$type<Record<string, unknown>>(),
    },
    (t) => [primaryKey({ columns: [t.userCode] }), uniqueIndex('DeviceCode').on(t.deviceCode)],
  );

  const authorizationFlows = table(
    'AuthorizationFlows',
    {
      uuid: uuidColumn('UUID').notNull(),
      status: varchar('Status', { length: 16 }).notNull().default('PENDING'),
      clientId: varchar('ClientID', { length: 255 }).notNull(),
      creationTime: utcDatetime('CreationTime').notNull().default(utcNow),
      scope: varchar('Scope', { length: 1024 }).notNull(),
      codeChallenge: varchar('CodeChallenge', { length: 255 }).notNull(),
      codeChallengeMethod: varchar('CodeChallengeMethod', { length: 8 }).notNull(),
      redirectUri: varchar('RedirectURI', { length: 255 }).notNull(),
      /** A digest of the authorization code, once the flow is READY. */
      code: varchar('Code', { length: 255 }),
      idToken: json('IDToken').$type<Record<string, unknown>>(),
    },
    (t) => [primaryKey({ columns: [t.uuid] })],
  );

  const refreshTokens = table(
    'RefreshTokens',
    {
      jti: uuidColumn('JTI').notNull(),
      status: varchar('Status', { length: 16 }).notNull().default('CREATED'),
      scope: varchar('Scope', { length: 1024 }).notNull(),
      sub: varchar('Sub', { length: 256 }).notNull(),
    },
    (t) => [
      primaryKey({ columns: [t.jti] }),
      index('index_status_sub').on(t.status, t.sub),
      index('ix_RefreshTokens_Sub').on(t.sub),
    ],
  );

  return { deviceFlows, authorizationFlows, refreshTokens };
}
