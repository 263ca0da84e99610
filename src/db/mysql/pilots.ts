/**
 * @module db/mysql/pilots
 * Pilots in DiracX's PilotAgentsDB on MySQL/MariaDB (`diracx/db/sql/pilots/db.py`): registration,
 * lookup and metadata updates by `PilotStamp`, and the jobs each pilot ran
 * (`JobToPilotMapping`). The same functions as `../pilots.ts` over the qualified tables; the
 * caller owns the transaction. DiracX's table has no unique index on `PilotStamp` (DIRAC's schema
 * has none), so a stamp already registered is found by a read before the insert, which two
 * concurrent registrations of one stamp can both pass (DiracX does not check at all).
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { NewPilotRow, PilotColumnValues, PilotRef } from '../pilots.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'pilotAgents' | 'jobToPilotMapping'>;
type MutableColumn = keyof PilotColumnValues;

/** Our field names and DiracX's columns. */
const COLUMN_NAMES: Readonly<Record<MutableColumn, string>> = {
  statusReason: 'StatusReason',
  status: 'Status',
  benchMark: 'BenchMark',
  destinationSite: 'DestinationSite',
  queue: 'Queue',
  gridSite: 'GridSite',
  gridType: 'GridType',
  accountingSent: 'AccountingSent',
  currentJobId: 'CurrentJobID',
};

/** Registers a pilot unless its stamp is registered already; returns its id, or undefined then. */
export async function insertPilot(db: Handle, t: Tables, row: NewPilotRow): Promise<number | undefined> {
  const stamp = row.pilotStamp ?? '';
  const [existing] = await db
    .select({ id: t.pilotAgents.pilotId })
    .from(t.pilotAgents)
    .where(eq(t.pilotAgents.pilotStamp, stamp))
    .limit(1);
  if (existing) return undefined;
  const { accountingSent, pilotId: _ignored, ...rest } = row;
  const [header] = await db
    .insert(t.pilotAgents)
    .values({ ...rest, pilotStamp: stamp, accountingSent: accountingSent ? 'True' : 'False' });
  return header.insertId;
}

export async function getPilotsByStamp(db: Handle, t: Tables, stamps: readonly string[]): Promise<PilotRef[]> {
  if (stamps.length === 0) return [];
  return db
    .select({ pilotId: t.pilotAgents.pilotId, pilotStamp: t.pilotAgents.pilotStamp, vo: t.pilotAgents.vo })
    .from(t.pilotAgents)
    .where(inArray(t.pilotAgents.pilotStamp, [...new Set(stamps)]));
}

function caseByStamp(t: Tables, name: MutableColumn, updates: ReadonlyMap<string, PilotColumnValues>): SQL | undefined {
  const branches: SQL[] = [];
  for (const [stamp, values] of updates) {
    const value = values[name];
    if (value === undefined) continue;
    const bound = name === 'accountingSent' ? (value ? 'True' : 'False') : value;
    branches.push(sql`WHEN ${t.pilotAgents.pilotStamp} = ${stamp} THEN ${bound}`);
  }
  if (branches.length === 0) return undefined;
  return sql`CASE ${sql.join(branches, sql` `)} ELSE ${sql.identifier(COLUMN_NAMES[name])} END`;
}

/** Sets each pilot's columns (a CASE per column, as DiracX's update_pilot_metadata); returns the stamps found. */
export async function updatePilotsByStamp(
  db: Handle,
  t: Tables,
  updates: ReadonlyMap<string, PilotColumnValues>,
  lastUpdateTime: Date,
): Promise<string[]> {
  if (updates.size === 0) return [];
  const where = inArray(t.pilotAgents.pilotStamp, [...updates.keys()]);
  const found = await db.select({ stamp: t.pilotAgents.pilotStamp }).from(t.pilotAgents).where(where).for('update');
  if (found.length === 0) return [];
  const cases: Record<string, SQL> = {};
  for (const name of Object.keys(COLUMN_NAMES) as MutableColumn[]) {
    const expression = caseByStamp(t, name, updates);
    if (expression) cases[name] = expression;
  }
  await db
    .update(t.pilotAgents)
    .set({ ...cases, lastUpdateTime })
    .where(and(where));
  return [...new Set(found.map((row) => row.stamp))];
}

/** Maps jobs to a pilot (pairs already there are kept); returns how many were new. */
export async function insertJobsOfPilot(
  db: Handle,
  t: Tables,
  q: { pilotId: number; jobIds: readonly number[]; startTime: Date },
): Promise<number> {
  const unique = [...new Set(q.jobIds)];
  if (unique.length === 0) return 0;
  const [header] = await db
    .insert(t.jobToPilotMapping)
    .ignore()
    .values(unique.map((jobId) => ({ pilotId: q.pilotId, jobId, startTime: q.startTime })));
  return header.affectedRows;
}

export async function jobIdsOfPilotStamps(db: Handle, t: Tables, stamps: readonly string[]): Promise<number[]> {
  if (stamps.length === 0) return [];
  const rows = await db
    .selectDistinct({ jobId: t.jobToPilotMapping.jobId })
    .from(t.jobToPilotMapping)
    .innerJoin(t.pilotAgents, eq(t.pilotAgents.pilotId, t.jobToPilotMapping.pilotId))
    .where(inArray(t.pilotAgents.pilotStamp, [...new Set(stamps)]));
  return rows.map((r) => r.jobId).sort((a, b) => a - b);
}
