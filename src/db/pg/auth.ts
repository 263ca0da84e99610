/**
 * @module db/pg/auth
 * Atomic queries on the AuthDB tables (`diracx-db/src/diracx/db/sql/auth/db.py`): insert and
 * find device and authorization-code flows, move them through their statuses, and keep the
 * refresh tokens issued (insert, lock, revoke, list), plus the clean-up of old rows.
 *
 * No rules and no crypto here: callers pass SHA-256 digests of codes, the current time (or
 * the oldest creation time still valid), and own the transaction. Getters whose answer
 * decides a one-time redemption lock the row (`SELECT ... FOR UPDATE`), so two concurrent
 * redemptions of the same code or refresh token are serialised; call them inside
 * `database.transaction`. "Not found" is `undefined`, never an exception.
 */
import { and, asc, eq, gt, isNotNull, isNull, lt, lte, ne, or, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import {
  authorizationFlows,
  deviceFlows,
  refreshTokens,
  type AuthorizationFlowRow,
  type DeviceFlowRow,
  type FlowStatus,
  type IdTokenClaims,
  type RefreshTokenRow,
} from '../schema/auth.ts';

/** Either the database or an open transaction. */
type Handle = Db | Tx;

/* ---------------------------------------------------------------------------------------------
 * Device flows (RFC 8628)
 * ------------------------------------------------------------------------------------------- */

export interface NewDeviceFlow {
  userCode: string;
  /** SHA-256 hex digest of the device code. */
  deviceCodeHash: string;
  clientId: string;
  scope: string;
  /** Passed in (not the database's `now()`) so that expiry follows the injected clock. */
  creationTime: Date;
}

/**
 * Inserts a PENDING device flow. Returns `'duplicate'` when the user code (or, improbably, the
 * device code digest) is taken; the caller draws new codes and retries (DiracX: 5 times).
 * `ON CONFLICT DO NOTHING` rather than catching the unique violation: in PostgreSQL a failed
 * statement aborts the whole transaction, which would make a retry in it impossible.
 */
export async function insertDeviceFlow(db: Handle, flow: NewDeviceFlow): Promise<'inserted' | 'duplicate'> {
  const rows = await db
    .insert(deviceFlows)
    .values({
      userCode: flow.userCode,
      deviceCode: flow.deviceCodeHash,
      clientId: flow.clientId,
      scope: flow.scope,
      creationTime: flow.creationTime,
    })
    .onConflictDoNothing()
    .returning({ userCode: deviceFlows.userCode });
  return rows.length === 1 ? 'inserted' : 'duplicate';
}

/** The device flow with `userCode` if it is PENDING and was created after `notBefore`. */
export async function getPendingDeviceFlowByUserCode(
  db: Handle,
  userCode: string,
  notBefore: Date,
): Promise<DeviceFlowRow | undefined> {
  const [row] = await db.select().from(deviceFlows).where(pendingDeviceFlow(userCode, notBefore));
  return row;
}

/**
 * Stores the IdP's ID token claims on the PENDING, unexpired flow with `userCode` and marks it
 * READY. Returns how many rows matched (0 or 1), which DiracX reports as
 * `"<n> rows matched user_code <code>"` when it is not 1.
 */
export async function setDeviceFlowReady(
  db: Handle,
  userCode: string,
  idToken: IdTokenClaims,
  notBefore: Date,
): Promise<number> {
  const rows = await db
    .update(deviceFlows)
    .set({ idToken, status: 'READY' })
    .where(pendingDeviceFlow(userCode, notBefore))
    .returning({ userCode: deviceFlows.userCode });
  return rows.length;
}

/** Locks and returns the device flow whose device code digest is `deviceCodeHash`. */
export async function getDeviceFlowByDeviceCodeForUpdate(
  db: Handle,
  deviceCodeHash: string,
): Promise<DeviceFlowRow | undefined> {
  const [row] = await db.select().from(deviceFlows).where(eq(deviceFlows.deviceCode, deviceCodeHash)).for('update');
  return row;
}

/** Sets the status of the device flow whose device code digest is `deviceCodeHash`; returns rows changed. */
export async function updateDeviceFlowStatus(db: Handle, deviceCodeHash: string, status: FlowStatus): Promise<number> {
  const rows = await db
    .update(deviceFlows)
    .set({ status })
    .where(eq(deviceFlows.deviceCode, deviceCodeHash))
    .returning({ userCode: deviceFlows.userCode });
  return rows.length;
}

function pendingDeviceFlow(userCode: string, notBefore: Date): SQL | undefined {
  return and(
    eq(deviceFlows.userCode, userCode),
    eq(deviceFlows.status, 'PENDING'),
    gt(deviceFlows.creationTime, notBefore),
  );
}

/* ---------------------------------------------------------------------------------------------
 * Authorization-code flows (with PKCE)
 * ------------------------------------------------------------------------------------------- */

export interface NewAuthorizationFlow {
  /** A uuid7 (see `logic/auth/uuid7.ts`). */
  uuid: string;
  clientId: string;
  scope: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  redirectUri: string;
  creationTime: Date;
  /** RFC 8707 resource the token will be for (MCP clients). */
  resource?: string | null;
  /** The client's state, kept when the flow stops at our consent page. */
  clientState?: string | null;
}

/** Inserts a PENDING authorization flow. */
export async function insertAuthorizationFlow(db: Handle, flow: NewAuthorizationFlow): Promise<void> {
  await db.insert(authorizationFlows).values(flow);
}

/** Locks and returns the authorization flow `uuid`. */
export async function getAuthorizationFlowForUpdate(
  db: Handle,
  uuid: string,
): Promise<AuthorizationFlowRow | undefined> {
  const [row] = await db.select().from(authorizationFlows).where(eq(authorizationFlows.uuid, uuid)).for('update');
  return row;
}

/** The PENDING flow `uuid` created after `notBefore` on which nobody has logged in yet. */
const awaitingLogin = (uuid: string, notBefore: Date): SQL | undefined =>
  and(
    eq(authorizationFlows.uuid, uuid),
    eq(authorizationFlows.status, 'PENDING'),
    gt(authorizationFlows.creationTime, notBefore),
    isNull(authorizationFlows.idToken),
  );

/** The PENDING flow `uuid` created after `notBefore` whose person has logged in (awaiting consent). */
const awaitingConsent = (uuid: string, notBefore: Date): SQL | undefined =>
  and(
    eq(authorizationFlows.uuid, uuid),
    eq(authorizationFlows.status, 'PENDING'),
    gt(authorizationFlows.creationTime, notBefore),
    isNotNull(authorizationFlows.idToken),
  );

/** The flow `uuid` awaiting its login (VO choice), if it is still pending and recent. */
export async function getAuthorizationFlowAwaitingLogin(
  db: Handle,
  uuid: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  const [row] = await db.select().from(authorizationFlows).where(awaitingLogin(uuid, notBefore));
  return row;
}

/**
 * Replaces the scope of a flow awaiting its login (the person chose a VO and group), only if it
 * is still `expectedScope`: of two concurrent answers, one finds the scope already replaced.
 */
export async function setAuthorizationFlowScope(
  db: Handle,
  uuid: string,
  scope: string,
  expectedScope: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  const [row] = await db
    .update(authorizationFlows)
    .set({ scope })
    .where(and(awaitingLogin(uuid, notBefore), eq(authorizationFlows.scope, expectedScope)))
    .returning();
  return row;
}

/** Records who logged in on a flow that stops at our consent page; it stays PENDING until answered. */
export async function setAuthorizationFlowLoggedIn(
  db: Handle,
  uuid: string,
  idToken: IdTokenClaims,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  const [row] = await db.update(authorizationFlows).set({ idToken }).where(awaitingLogin(uuid, notBefore)).returning();
  return row;
}

/** Locks and returns the flow `uuid` awaiting consent. */
export async function getAuthorizationFlowAwaitingConsentForUpdate(
  db: Handle,
  uuid: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  const [row] = await db.select().from(authorizationFlows).where(awaitingConsent(uuid, notBefore)).for('update');
  return row;
}

/**
 * Locks and returns the authorization flow whose code digest is `codeHash`, if it was created
 * after `notBefore` (DiracX filters on age in the same query).
 */
export async function getAuthorizationFlowByCodeForUpdate(
  db: Handle,
  codeHash: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  const [row] = await db
    .select()
    .from(authorizationFlows)
    .where(and(eq(authorizationFlows.code, codeHash), gt(authorizationFlows.creationTime, notBefore)))
    .for('update');
  return row;
}

/**
 * Stores the IdP's ID token claims and our code's digest on the PENDING flow `uuid` created
 * after `notBefore`, and marks it READY. Returns the updated row (its `redirectUri` is where
 * the client goes next), or `undefined` when no such pending flow exists.
 */
export async function setAuthorizationFlowReady(
  db: Handle,
  uuid: string,
  codeHash: string,
  idToken: IdTokenClaims,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  const [row] = await db
    .update(authorizationFlows)
    .set({ idToken, code: codeHash, status: 'READY' })
    .where(
      and(
        eq(authorizationFlows.uuid, uuid),
        eq(authorizationFlows.status, 'PENDING'),
        gt(authorizationFlows.creationTime, notBefore),
      ),
    )
    .returning();
  return row;
}

/**
 * Sets the status of the authorization flow `uuid`; returns rows changed. (DiracX updates by
 * code digest; the caller holds the locked row, and the primary key is the direct route.)
 */
export async function updateAuthorizationFlowStatus(db: Handle, uuid: string, status: FlowStatus): Promise<number> {
  const rows = await db
    .update(authorizationFlows)
    .set({ status })
    .where(eq(authorizationFlows.uuid, uuid))
    .returning({ uuid: authorizationFlows.uuid });
  return rows.length;
}

/** Both kinds of flow created before `olderThan` are deleted; returns how many of each. */
export async function deleteExpiredFlows(
  db: Handle,
  olderThan: Date,
): Promise<{ deviceFlows: number; authorizationFlows: number }> {
  const device = await db
    .delete(deviceFlows)
    .where(lt(deviceFlows.creationTime, olderThan))
    .returning({ userCode: deviceFlows.userCode });
  const authorization = await db
    .delete(authorizationFlows)
    .where(lt(authorizationFlows.creationTime, olderThan))
    .returning({ uuid: authorizationFlows.uuid });
  return { deviceFlows: device.length, authorizationFlows: authorization.length };
}

/* ---------------------------------------------------------------------------------------------
 * Refresh tokens
 * ------------------------------------------------------------------------------------------- */

export interface NewRefreshToken {
  /** The token's `jti`, a uuid7. */
  jti: string;
  /** `<vo>:<IdP sub>`. */
  sub: string;
  scope: string;
  /** The token's `exp`. */
  expiresAt: Date;
}

/** Inserts a CREATED refresh token. */
export async function insertRefreshToken(db: Handle, token: NewRefreshToken): Promise<void> {
  await db.insert(refreshTokens).values(token);
}

/** Locks and returns the refresh token `jti` (whatever its status). */
export async function getRefreshTokenForUpdate(db: Handle, jti: string): Promise<RefreshTokenRow | undefined> {
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.jti, jti)).for('update');
  return row;
}

/** Marks the refresh token `jti` REVOKED; returns rows matched (0 when it does not exist). */
export async function revokeRefreshToken(db: Handle, jti: string): Promise<number> {
  const rows = await db
    .update(refreshTokens)
    .set({ status: 'REVOKED' })
    .where(eq(refreshTokens.jti, jti))
    .returning({ jti: refreshTokens.jti });
  return rows.length;
}

/** Marks every not yet revoked refresh token of `sub` REVOKED; returns how many. */
export async function revokeUserRefreshTokens(db: Handle, sub: string): Promise<number> {
  const rows = await db
    .update(refreshTokens)
    .set({ status: 'REVOKED' })
    .where(and(eq(refreshTokens.sub, sub), ne(refreshTokens.status, 'REVOKED')))
    .returning({ jti: refreshTokens.jti });
  return rows.length;
}

export interface ListRefreshTokensFilter {
  /** Only this subject's tokens; every subject's when absent. */
  sub?: string | undefined;
  includeRevoked: boolean;
}

/**
 * Refresh tokens, oldest first (uuid7 order is creation order). Expired rows not yet cleaned
 * up are included, as in DiracX. Unlike DiracX, this read takes no row locks.
 */
export async function listRefreshTokens(db: Handle, filter: ListRefreshTokensFilter): Promise<RefreshTokenRow[]> {
  const conditions = [
    filter.sub === undefined ? undefined : eq(refreshTokens.sub, filter.sub),
    filter.includeRevoked ? undefined : ne(refreshTokens.status, 'REVOKED'),
  ];
  return db
    .select()
    .from(refreshTokens)
    .where(and(...conditions))
    .orderBy(asc(refreshTokens.jti));
}

/**
 * Deletes refresh tokens (revoked or not) whose `exp` is at or before `now`: past that point
 * the JWT itself is rejected, so a reuse can no longer happen and the row has no purpose. Rows
 * without `ExpiresAt` (written by DiracX) go once their `jti` sorts before `undatedBefore`, a
 * uuid7 of the oldest creation time kept.
 */
export async function deleteExpiredRefreshTokens(db: Handle, now: Date, undatedBefore: string): Promise<number> {
  const rows = await db
    .delete(refreshTokens)
    .where(
      or(lte(refreshTokens.expiresAt, now), and(isNull(refreshTokens.expiresAt), lt(refreshTokens.jti, undatedBefore))),
    )
    .returning({ jti: refreshTokens.jti });
  return rows.length;
}
