/**
 * @module db/mysql/authorization-flows
 * Authorization-code flows in DiracX's AuthDB on MySQL/MariaDB (`diracx/db/sql/auth/db.py`), with
 * what DiracX's row has no column for (the RFC 8707 `resource`, the client's state while the flow
 * waits at our consent page) in `AuthorizationFlowExtras` of our own database, keyed by the flow's
 * `UUID`. The same functions as `../auth.ts` over the qualified tables: MySQL has no `RETURNING`,
 * so an update that must return the flow reads it back in the same transaction.
 */
import { and, eq, gt, inArray, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { NewAuthorizationFlow } from '../auth.ts';
import { type AuthorizationFlowRow, FLOW_STATUSES, type FlowStatus, type IdTokenClaims } from '../schema/auth.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'authorizationFlows' | 'authorizationFlowExtras' | 'deviceFlows'>;

const asStatus = (value: string): FlowStatus =>
  (FLOW_STATUSES as readonly string[]).includes(value) ? (value as FlowStatus) : 'ERROR';

/** Every flow that `where` selects, with its extras, as the rest of the code reads one. */
async function selectFlows(db: Handle, t: Tables, where: SQL | undefined, forUpdate = false) {
  const f = t.authorizationFlows;
  const x = t.authorizationFlowExtras;
  const query = db
    .select({
      uuid: f.uuid,
      status: f.status,
      clientId: f.clientId,
      creationTime: f.creationTime,
      scope: f.scope,
      codeChallenge: f.codeChallenge,
      codeChallengeMethod: f.codeChallengeMethod,
      redirectUri: f.redirectUri,
      code: f.code,
      idToken: f.idToken,
      resource: x.resource,
      clientState: x.clientState,
    })
    .from(f)
    .leftJoin(x, eq(x.uuid, f.uuid))
    .where(where);
  const rows = await (forUpdate ? query.for('update') : query);
  return rows.map(
    (row): AuthorizationFlowRow => ({
      ...row,
      status: asStatus(row.status),
      idToken: (typeof row.idToken === 'string'
        ? JSON.parse(row.idToken)
        : (row.idToken ?? null)) as IdTokenClaims | null,
    }),
  );
}

const byUuid = (t: Tables, uuid: string) => eq(t.authorizationFlows.uuid, uuid);

export async function insertAuthorizationFlow(db: Handle, t: Tables, flow: NewAuthorizationFlow): Promise<void> {
  const { resource = null, clientState = null, ...row } = flow;
  await db.insert(t.authorizationFlows).values(row);
  if (resource !== null || clientState !== null) {
    await db.insert(t.authorizationFlowExtras).values({ uuid: flow.uuid, resource, clientState });
  }
}

export async function getAuthorizationFlowForUpdate(
  db: Handle,
  t: Tables,
  uuid: string,
): Promise<AuthorizationFlowRow | undefined> {
  return (await selectFlows(db, t, byUuid(t, uuid), true))[0];
}

const pendingSince = (t: Tables, uuid: string, notBefore: Date) =>
  and(byUuid(t, uuid), eq(t.authorizationFlows.status, 'PENDING'), gt(t.authorizationFlows.creationTime, notBefore));
const awaitingLogin = (t: Tables, uuid: string, notBefore: Date) =>
  and(pendingSince(t, uuid, notBefore), isNull(t.authorizationFlows.idToken));
const awaitingConsent = (t: Tables, uuid: string, notBefore: Date) =>
  and(pendingSince(t, uuid, notBefore), isNotNull(t.authorizationFlows.idToken));

export async function getAuthorizationFlowAwaitingLogin(
  db: Handle,
  t: Tables,
  uuid: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return (await selectFlows(db, t, awaitingLogin(t, uuid, notBefore)))[0];
}

/** Runs `update` on the flow; when it matched, returns the flow as it is now. */
async function updated(
  db: Handle,
  t: Tables,
  uuid: string,
  update: () => Promise<[{ affectedRows: number }, unknown]>,
): Promise<AuthorizationFlowRow | undefined> {
  const [header] = await update();
  if (header.affectedRows === 0) return undefined;
  return (await selectFlows(db, t, byUuid(t, uuid)))[0];
}

export async function setAuthorizationFlowScope(
  db: Handle,
  t: Tables,
  q: { uuid: string; scope: string; expectedScope: string; notBefore: Date },
): Promise<AuthorizationFlowRow | undefined> {
  const where = and(awaitingLogin(t, q.uuid, q.notBefore), eq(t.authorizationFlows.scope, q.expectedScope));
  return updated(db, t, q.uuid, () => db.update(t.authorizationFlows).set({ scope: q.scope }).where(where));
}

export async function setAuthorizationFlowLoggedIn(
  db: Handle,
  t: Tables,
  q: { uuid: string; idToken: IdTokenClaims; notBefore: Date },
): Promise<AuthorizationFlowRow | undefined> {
  const where = awaitingLogin(t, q.uuid, q.notBefore);
  return updated(db, t, q.uuid, () => db.update(t.authorizationFlows).set({ idToken: q.idToken }).where(where));
}

export async function getAuthorizationFlowAwaitingConsentForUpdate(
  db: Handle,
  t: Tables,
  uuid: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  return (await selectFlows(db, t, awaitingConsent(t, uuid, notBefore), true))[0];
}

export async function getAuthorizationFlowByCodeForUpdate(
  db: Handle,
  t: Tables,
  codeHash: string,
  notBefore: Date,
): Promise<AuthorizationFlowRow | undefined> {
  const where = and(eq(t.authorizationFlows.code, codeHash), gt(t.authorizationFlows.creationTime, notBefore));
  return (await selectFlows(db, t, where, true))[0];
}

export async function setAuthorizationFlowReady(
  db: Handle,
  t: Tables,
  q: { uuid: string; codeHash: string; idToken: IdTokenClaims; notBefore: Date },
): Promise<AuthorizationFlowRow | undefined> {
  const set = { idToken: q.idToken, code: q.codeHash, status: 'READY' };
  const where = pendingSince(t, q.uuid, q.notBefore);
  return updated(db, t, q.uuid, () => db.update(t.authorizationFlows).set(set).where(where));
}

export async function updateAuthorizationFlowStatus(
  db: Handle,
  t: Tables,
  uuid: string,
  status: FlowStatus,
): Promise<number> {
  const [header] = await db.update(t.authorizationFlows).set({ status }).where(byUuid(t, uuid));
  return header.affectedRows;
}

/** Deletes the flows (both kinds) created before `olderThan`, with their extras. */
export async function deleteExpiredFlows(
  db: Handle,
  t: Tables,
  olderThan: Date,
): Promise<{ deviceFlows: number; authorizationFlows: number }> {
  const [device] = await db.delete(t.deviceFlows).where(lt(t.deviceFlows.creationTime, olderThan));
  const expired = await db
    .select({ uuid: t.authorizationFlows.uuid })
    .from(t.authorizationFlows)
    .where(lt(t.authorizationFlows.creationTime, olderThan))
    .for('update');
  const uuids = expired.map((row) => row.uuid);
  if (uuids.length > 0) {
    await db.delete(t.authorizationFlowExtras).where(inArray(t.authorizationFlowExtras.uuid, uuids));
    await db.delete(t.authorizationFlows).where(inArray(t.authorizationFlows.uuid, uuids));
  }
  return { deviceFlows: device.affectedRows, authorizationFlows: uuids.length };
}
