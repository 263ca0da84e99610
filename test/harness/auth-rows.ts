/**
 * The login tables (DiracX's AuthDB, and our registered OAuth clients) as tests read and write
 * them, on either dialect of the test database: one flow or token through the data layer's own
 * readers (in a transaction of its own, as the handler reads them); what the data layer has no
 * reader for (every authorization flow, how many device flows, the registered clients' names)
 * straight from PostgreSQL's schema or the MySQL/MariaDB tables; and a refresh token inserted as
 * DiracX writes it (JTI, Status, Scope, Sub: no `ExpiresAt`, a column only our PostgreSQL table has).
 */
import { count, sql } from 'drizzle-orm';
import {
  getAuthorizationFlowForUpdate,
  getDeviceFlowByDeviceCodeForUpdate,
  getRefreshTokenForUpdate,
} from '../../src/db/auth.ts';
import {
  authorizationFlows,
  deviceFlows,
  type AuthorizationFlowRow,
  type DeviceFlowRow,
  type RefreshTokenRow,
} from '../../src/db/schema/auth.ts';
import { oauthClients } from '../../src/db/schema/oauth-clients.ts';
import { sha256Hex } from '../../src/logic/sha256.ts';
import type { AnyDatabase } from './database.ts';

/** The authorization flow `uuid`, as the data layer reads it. */
export function readAuthorizationFlow(database: AnyDatabase, uuid: string): Promise<AuthorizationFlowRow | undefined> {
  return database.transaction((tx) => getAuthorizationFlowForUpdate(tx, uuid));
}

/** The device flow of `deviceCode` (the code the client holds; the table keeps its digest). */
export async function readDeviceFlow(database: AnyDatabase, deviceCode: string): Promise<DeviceFlowRow | undefined> {
  const digest = await sha256Hex(deviceCode);
  return database.transaction((tx) => getDeviceFlowByDeviceCodeForUpdate(tx, digest));
}

/** The refresh token `jti` (its RefreshTokens row), as the data layer reads it. */
export function readRefreshToken(database: AnyDatabase, jti: string): Promise<RefreshTokenRow | undefined> {
  return database.transaction((tx) => getRefreshTokenForUpdate(tx, jti));
}

/** Every authorization flow stored: its id and client. */
export function listAuthorizationFlows(database: AnyDatabase): Promise<{ uuid: string; clientId: string }[]> {
  if (database.driver === 'mysql') {
    const t = database.tables.authorizationFlows;
    return database.db.select({ uuid: t.uuid, clientId: t.clientId }).from(t);
  }
  return database.db
    .select({ uuid: authorizationFlows.uuid, clientId: authorizationFlows.clientId })
    .from(authorizationFlows);
}

/** How many device flows are stored. */
export async function countDeviceFlows(database: AnyDatabase): Promise<number> {
  const [row] =
    database.driver === 'mysql'
      ? await database.db.select({ n: count() }).from(database.tables.deviceFlows)
      : await database.db.select({ n: count() }).from(deviceFlows);
  return row?.n ?? 0;
}

/** The `ClientName` of every registered OAuth client (null where none was given). */
export async function oauthClientNames(database: AnyDatabase): Promise<(string | null)[]> {
  const rows =
    database.driver === 'mysql'
      ? await database.db.select({ name: database.tables.oauthClients.clientName }).from(database.tables.oauthClients)
      : await database.db.select({ name: oauthClients.clientName }).from(oauthClients);
  return rows.map((r) => r.name);
}

export interface DiracxRefreshTokenRow {
  /** A dashed uuid. */
  jti: string;
  /** CREATED unless given. */
  status?: string;
  scope: string;
  sub: string;
}

/** Inserts `row` into RefreshTokens with the columns DiracX writes, and no other. */
export async function insertRefreshTokenAsDiracx(database: AnyDatabase, row: DiracxRefreshTokenRow): Promise<void> {
  const { jti, status = 'CREATED', scope, sub } = row;
  if (database.driver === 'mysql') {
    await database.db.insert(database.tables.refreshTokens).values({ jti, status, scope, sub });
    return;
  }
  await database.query(
    sql`insert into "RefreshTokens" ("JTI", "Status", "Scope", "Sub") values (${jti}, ${status}, ${scope}, ${sub})`,
  );
}
