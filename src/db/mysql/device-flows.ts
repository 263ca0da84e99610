/**
 * @module db/mysql/device-flows
 * Device flows (RFC 8628) in DiracX's AuthDB on MySQL/MariaDB, as DiracX 0.7.0 keeps them
 * (`diracx/db/sql/auth/db.py`): a flow DiracX started (`dirac login`) can be completed at our
 * login page and polled at either server, and the other way round. The same functions as
 * `../auth.ts` over the qualified tables. `IDToken` is SQLAlchemy's JSON, which MariaDB keeps as
 * text: it is parsed when read.
 */
import { and, eq, gt, type SQL } from 'drizzle-orm';
import type { NewDeviceFlow } from '../auth.ts';
import { FLOW_STATUSES, type DeviceFlowRow, type FlowStatus, type IdTokenClaims } from '../schema/auth.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'deviceFlows'>;

const asStatus = (value: string): FlowStatus =>
  (FLOW_STATUSES as readonly string[]).includes(value) ? (value as FlowStatus) : 'ERROR';

/** A row as the rest of the code reads one: the status checked, the ID token parsed. */
function toRow(row: {
  userCode: string;
  status: string;
  creationTime: Date;
  clientId: string;
  scope: string;
  deviceCode: string;
  idToken: unknown;
}): DeviceFlowRow {
  const idToken = typeof row.idToken === 'string' ? (JSON.parse(row.idToken) as IdTokenClaims) : row.idToken;
  return { ...row, status: asStatus(row.status), idToken: (idToken ?? null) as IdTokenClaims | null };
}

export async function insertDeviceFlow(db: Handle, t: Tables, flow: NewDeviceFlow): Promise<'inserted' | 'duplicate'> {
  const [header] = await db.insert(t.deviceFlows).ignore().values({
    userCode: flow.userCode,
    deviceCode: flow.deviceCodeHash,
    clientId: flow.clientId,
    scope: flow.scope,
    creationTime: flow.creationTime,
  });
  return header.affectedRows === 1 ? 'inserted' : 'duplicate';
}

function pendingDeviceFlow(t: Tables, userCode: string, notBefore: Date): SQL | undefined {
  return and(
    eq(t.deviceFlows.userCode, userCode),
    eq(t.deviceFlows.status, 'PENDING'),
    gt(t.deviceFlows.creationTime, notBefore),
  );
}

export async function getPendingDeviceFlowByUserCode(
  db: Handle,
  t: Tables,
  userCode: string,
  notBefore: Date,
): Promise<DeviceFlowRow | undefined> {
  const [row] = await db
    .select()
    .from(t.deviceFlows)
    .where(pendingDeviceFlow(t, userCode, notBefore));
  return row && toRow(row);
}

export async function setDeviceFlowReady(
  db: Handle,
  t: Tables,
  q: { userCode: string; idToken: IdTokenClaims; notBefore: Date },
): Promise<number> {
  const [header] = await db
    .update(t.deviceFlows)
    .set({ idToken: q.idToken, status: 'READY' })
    .where(pendingDeviceFlow(t, q.userCode, q.notBefore));
  return header.affectedRows;
}

export async function getDeviceFlowByDeviceCodeForUpdate(
  db: Handle,
  t: Tables,
  deviceCodeHash: string,
): Promise<DeviceFlowRow | undefined> {
  const [row] = await db.select().from(t.deviceFlows).where(eq(t.deviceFlows.deviceCode, deviceCodeHash)).for('update');
  return row && toRow(row);
}

export async function updateDeviceFlowStatus(
  db: Handle,
  t: Tables,
  deviceCodeHash: string,
  status: FlowStatus,
): Promise<number> {
  const [header] = await db.update(t.deviceFlows).set({ status }).where(eq(t.deviceFlows.deviceCode, deviceCodeHash));
  return header.affectedRows;
}
