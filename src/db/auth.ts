/**
 * @module db/auth
 * Device flows, authorization flows and refresh tokens (DiracX's AuthDB), on whichever dialect the
 * session is: each function hands the session to `./pg/auth.ts` or its MySQL/MariaDB counterpart
 * in `./mysql/`.
 */
import type { ListRefreshTokensFilter, NewAuthorizationFlow, NewDeviceFlow, NewRefreshToken } from './pg/auth.ts';
import type { AuthorizationFlowRow, DeviceFlowRow, FlowStatus, IdTokenClaims, RefreshTokenRow } from './schema/auth.ts';
import type { Session } from './session.ts';
import * as pg from './pg/auth.ts';
import * as mysqlAuthorizationFlows from './mysql/authorization-flows.ts';
import * as mysqlDeviceFlows from './mysql/device-flows.ts';
import * as mysqlRefreshTokens from './mysql/refresh-tokens.ts';
export type { NewDeviceFlow, NewAuthorizationFlow, NewRefreshToken, ListRefreshTokensFilter } from './pg/auth.ts';

/**
 * Inserts a PENDING device flow. Returns `'duplicate'` when the user code (or, improbably, the
 * device code digest) is taken; the caller draws new codes and retries (DiracX: 5 times).
 * `ON CONFLICT DO NOTHING` rather than catching the unique violation: in PostgreSQL a failed
 * statement aborts the whole transaction, which would make a retry in it impossible.
 */
export function insertDeviceFlow(s: Session, flow: NewDeviceFlow): Promise<'inserted' | 'duplicate'> {
  return s.dialect === 'mysql'
    ? mysqlDeviceFlows.insertDeviceFlow(s.db, s.tables, flow)
    : pg.insertDeviceFlow(s.db, flow);
}

/** The device flow with `userCode` if it is PENDING and was created after `notBefore`. */
export function getPendingDeviceFlowByUserCode(
  s: Session,
  userCode: string,
  notBefore: Date,
): Promise<DeviceFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlDeviceFlows.getPendingDeviceFlowByUserCode(s.db, s.tables, userCode, notBefore)
    : pg.getPendingDeviceFlowByUserCode(s.db, userCode, notBefore);
}

/**
 * Stores the IdP's ID token claims on the PENDING, unexpired flow with `userCode` and marks it
 * READY. Returns how many rows matched (0 or 1), which DiracX reports as
 * `"<n> rows matched user_code <code>"` when it is not 1.
 */
export function setDeviceFlowReady(
  s: Session,
  userCode: string,
  idToken: IdTokenClaims,
  notBefore: Date,
): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlDeviceFlows.setDeviceFlowReady(s.db, s.tables, { userCode, idToken, notBefore })
    : pg.setDeviceFlowReady(s.db, userCode, idToken, notBefore);
}

/** Locks and returns the device flow whose device code digest is `deviceCodeHash`. */
export function getDeviceFlowByDeviceCodeForUpdate(
  s: Session,
  deviceCodeHash: string,
): Promise<DeviceFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlDeviceFlows.getDeviceFlowByDeviceCodeForUpdate(s.db, s.tables, deviceCodeHash)
    : pg.getDeviceFlowByDeviceCodeForUpdate(s.db, deviceCodeHash);
}

/** Sets the status of the device flow whose device code digest is `deviceCodeHash`; returns rows changed. */
export function updateDeviceFlowStatus(s: Session, deviceCodeHash: string, status: FlowStatus): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlDeviceFlows.updateDeviceFlowStatus(s.db, s.tables, deviceCodeHash, status)
    : pg.updateDeviceFlowStatus(s.db, deviceCodeHash, status);
}

/** Inserts a PENDING authorization flow. */
export function insertAuthorizationFlow(s: Session, flow: NewAuthorizationFlow): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.insertAuthorizationFlow(s.db, s.tables, flow)
    : pg.insertAuthorizationFlow(s.db, flow);
}

/** Locks and returns the authorization flow `uuid`. */
export function getAuthorizationFlowForUpdate(s: Session, uuid: string): Promise<AuthorizationFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.getAuthorizationFlowForUpdate(s.db, s.tables, uuid)
    : pg.getAuthorizationFlowForUpdate(s.db, uuid);
}

/** The flow `uuid` awaiting its login (VO choice), if it is still pending and recent. */
export function getAuthorizationFlowAwaitingLogin(
  s: Session,
  uuid: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.getAuthorizationFlowAwaitingLogin(s.db, s.tables, uuid, notBefore)
    : pg.getAuthorizationFlowAwaitingLogin(s.db, uuid, notBefore);
}

/**
 * Replaces the scope of a flow awaiting its login (the person chose a VO and group), only if it
 * is still `expectedScope`: of two concurrent answers, one finds the scope already replaced.
 */
export function setAuthorizationFlowScope(
  s: Session,
  uuid: string,
  scope: string,
  expectedScope: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.setAuthorizationFlowScope(s.db, s.tables, { uuid, scope, expectedScope, notBefore })
    : pg.setAuthorizationFlowScope(s.db, uuid, scope, expectedScope, notBefore);
}

/** Records who logged in on a flow that stops at our consent page; it stays PENDING until answered. */
export function setAuthorizationFlowLoggedIn(
  s: Session,
  uuid: string,
  idToken: IdTokenClaims,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.setAuthorizationFlowLoggedIn(s.db, s.tables, { uuid, idToken, notBefore })
    : pg.setAuthorizationFlowLoggedIn(s.db, uuid, idToken, notBefore);
}

/** Locks and returns the flow `uuid` awaiting consent. */
export function getAuthorizationFlowAwaitingConsentForUpdate(
  s: Session,
  uuid: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.getAuthorizationFlowAwaitingConsentForUpdate(s.db, s.tables, uuid, notBefore)
    : pg.getAuthorizationFlowAwaitingConsentForUpdate(s.db, uuid, notBefore);
}

/**
 * Locks and returns the authorization flow whose code digest is `codeHash`, if it was created
 * after `notBefore` (DiracX filters on age in the same query).
 */
export function getAuthorizationFlowByCodeForUpdate(
  s: Session,
  codeHash: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.getAuthorizationFlowByCodeForUpdate(s.db, s.tables, codeHash, notBefore)
    : pg.getAuthorizationFlowByCodeForUpdate(s.db, codeHash, notBefore);
}

/**
 * Stores the IdP's ID token claims and our code's digest on the PENDING flow `uuid` created
 * after `notBefore`, and marks it READY. Returns the updated row (its `redirectUri` is where
 * the client goes next), or `undefined` when no such pending flow exists.
 */
export function setAuthorizationFlowReady(
  s: Session,
  uuid: string,
  codeHash: string,
  idToken: IdTokenClaims,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.setAuthorizationFlowReady(s.db, s.tables, { uuid, codeHash, idToken, notBefore })
    : pg.setAuthorizationFlowReady(s.db, uuid, codeHash, idToken, notBefore);
}

/**
 * Sets the status of the authorization flow `uuid`; returns rows changed. (DiracX updates by
 * code digest; the caller holds the locked row, and the primary key is the direct route.)
 */
export function updateAuthorizationFlowStatus(s: Session, uuid: string, status: FlowStatus): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.updateAuthorizationFlowStatus(s.db, s.tables, uuid, status)
    : pg.updateAuthorizationFlowStatus(s.db, uuid, status);
}

/** Both kinds of flow created before `olderThan` are deleted; returns how many of each. */
export function deleteExpiredFlows(
  s: Session,
  olderThan: Date,
): Promise<{ deviceFlows: number; authorizationFlows: number }> {
  return s.dialect === 'mysql'
    ? mysqlAuthorizationFlows.deleteExpiredFlows(s.db, s.tables, olderThan)
    : pg.deleteExpiredFlows(s.db, olderThan);
}

/** Inserts a CREATED refresh token. */
export function insertRefreshToken(s: Session, token: NewRefreshToken): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlRefreshTokens.insertRefreshToken(s.db, s.tables, token)
    : pg.insertRefreshToken(s.db, token);
}

/** Locks and returns the refresh token `jti` (whatever its status). */
export function getRefreshTokenForUpdate(s: Session, jti: string): Promise<RefreshTokenRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlRefreshTokens.getRefreshTokenForUpdate(s.db, s.tables, jti)
    : pg.getRefreshTokenForUpdate(s.db, jti);
}

/** Marks the refresh token `jti` REVOKED; returns rows matched (0 when it does not exist). */
export function revokeRefreshToken(s: Session, jti: string): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlRefreshTokens.revokeRefreshToken(s.db, s.tables, jti)
    : pg.revokeRefreshToken(s.db, jti);
}

/** Marks every not yet revoked refresh token of `sub` REVOKED; returns how many. */
export function revokeUserRefreshTokens(s: Session, sub: string): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlRefreshTokens.revokeUserRefreshTokens(s.db, s.tables, sub)
    : pg.revokeUserRefreshTokens(s.db, sub);
}

/**
 * Refresh tokens, oldest first (uuid7 order is creation order). Expired rows not yet cleaned
 * up are included, as in DiracX. Unlike DiracX, this read takes no row locks.
 */
export function listRefreshTokens(s: Session, filter: ListRefreshTokensFilter): Promise<RefreshTokenRow[]> {
  return s.dialect === 'mysql'
    ? mysqlRefreshTokens.listRefreshTokens(s.db, s.tables, filter)
    : pg.listRefreshTokens(s.db, filter);
}

/**
 * Deletes refresh tokens (revoked or not) whose `exp` is at or before `now`: past that point
 * the JWT itself is rejected, so a reuse can no longer happen and the row has no purpose. Rows
 * without `ExpiresAt` (written by DiracX) go once their `jti` sorts before `undatedBefore`, a
 * uuid7 of the oldest creation time kept.
 */
export function deleteExpiredRefreshTokens(s: Session, now: Date, undatedBefore: string): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlRefreshTokens.deleteExpiredRefreshTokens(s.db, s.tables, undatedBefore)
    : pg.deleteExpiredRefreshTokens(s.db, now, undatedBefore);
}
