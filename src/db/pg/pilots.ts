/**
 * @module db/pg/pilots
 * Atomic queries on the PilotAgentsDB tables (DiracX's `PilotAgentsDB`, `db/sql/pilots/db.py`):
 * insert a pilot, look pilots up by stamp, apply per-stamp metadata in one statement, record
 * which jobs a pilot ran. No rules live here: who may do what, and what a missing row means,
 * is decided by the policy and the logic.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../database.ts';
import { jobToPilotMapping, pilotAgents } from '../schema/pilots.ts';

type Handle = Db | Tx;

export type NewPilotRow = typeof pilotAgents.$inferInsert;

/** What the policy and logic need to know about an existing pilot. */
export interface PilotRef {
  pilotId: number;
  pilotStamp: string;
  vo: string;
}

/** The columns a metadata update may set (the `PilotMetadata` fields). */
export interface PilotColumnValues {
  statusReason?: string;
  status?: string;
  benchMark?: number;
  destinationSite?: string;
  queue?: string;
  gridSite?: string;
  gridType?: string;
  accountingSent?: boolean;
  currentJobId?: number;
}

type MutableColumn = keyof PilotColumnValues;

const MUTABLE_COLUMNS: Readonly<Record<MutableColumn, PgColumn>> = {
  statusReason: pilotAgents.statusReason,
  status: pilotAgents.status,
  benchMark: pilotAgents.benchMark,
  destinationSite: pilotAgents.destinationSite,
  queue: pilotAgents.queue,
  gridSite: pilotAgents.gridSite,
  gridType: pilotAgents.gridType,
  accountingSent: pilotAgents.accountingSent,
  currentJobId: pilotAgents.currentJobId,
};

/**
 * Inserts one pilot unless its stamp is taken (the unique `PilotStamp` index decides, so two
 * concurrent registrations cannot both succeed). Returns the new `PilotID`, or `undefined`
 * when the stamp already exists.
 */
export async function insertPilot(db: Handle, row: NewPilotRow): Promise<number | undefined> {
  const inserted = await db
    .insert(pilotAgents)
    .values(row)
    .onConflictDoNothing({ target: pilotAgents.pilotStamp })
    .returning({ pilotId: pilotAgents.pilotId });
  return inserted[0]?.pilotId;
}

/** The pilots whose stamp is in `stamps`; unknown stamps are simply absent. */
export async function getPilotsByStamp(db: Handle, stamps: readonly string[]): Promise<PilotRef[]> {
  if (stamps.length === 0) return [];
  return db
    .select({ pilotId: pilotAgents.pilotId, pilotStamp: pilotAgents.pilotStamp, vo: pilotAgents.vo })
    .from(pilotAgents)
    .where(inArray(pilotAgents.pilotStamp, [...new Set(stamps)]));
}

/** `CASE WHEN stamp = s1 THEN v1 ... ELSE column END` for the stamps that set `name`. */
function caseByStamp(name: MutableColumn, updates: ReadonlyMap<string, PilotColumnValues>): SQL | undefined {
  const column = MUTABLE_COLUMNS[name];
  const branches: SQL[] = [];
  for (const [stamp, values] of updates) {
    const value = values[name];
    if (value === undefined) continue;
    // The explicit cast types the bound value whatever the driver sends (postgres.js and
    // PGlite leave most parameters untyped).
    const param = sql.param(value, column);
    branches.push(
      sql`when ${pilotAgents.pilotStamp} = ${stamp} then cast(${param} as ${sql.raw(column.getSQLType())})`,
    );
  }
  if (branches.length === 0) return undefined;
  return sql`case ${sql.join(branches, sql` `)} else ${column} end`;
}

/**
 * Applies heterogeneous updates (each stamp its own subset of columns) in ONE statement, as
 * DiracX's per-column CASE does, and sets `LastUpdateTime` of every listed pilot to
 * `lastUpdateTime`. Returns the stamps that matched a row.
 */
export async function updatePilotsByStamp(
  db: Handle,
  updates: ReadonlyMap<string, PilotColumnValues>,
  lastUpdateTime: Date,
): Promise<string[]> {
  if (updates.size === 0) return [];
  const cases: Partial<Record<MutableColumn, SQL>> = {};
  for (const name of Object.keys(MUTABLE_COLUMNS) as MutableColumn[]) {
    const expression = caseByStamp(name, updates);
    if (expression) cases[name] = expression;
  }
  const updated = await db
    .update(pilotAgents)
    .set({ ...cases, lastUpdateTime })
    .where(inArray(pilotAgents.pilotStamp, [...updates.keys()]))
    .returning({ stamp: pilotAgents.pilotStamp });
  return updated.map((row) => row.stamp);
}

/**
 * Records that pilot `pilotId` ran `jobIds` (from `startTime`). Pairs already recorded are
 * left as they are; returns how many pairs were new.
 */
export async function insertJobsOfPilot(
  db: Handle,
  pilotId: number,
  jobIds: readonly number[],
  startTime: Date,
): Promise<number> {
  const unique = [...new Set(jobIds)];
  if (unique.length === 0) return 0;
  const inserted = await db
    .insert(jobToPilotMapping)
    .values(unique.map((jobId) => ({ pilotId, jobId, startTime })))
    .onConflictDoNothing()
    .returning({ jobId: jobToPilotMapping.jobId });
  return inserted.length;
}

/** The ids of the jobs run by the pilots with these stamps (DiracX's `resolve_jobs_for_pilot_stamps`). */
export async function jobIdsOfPilotStamps(db: Handle, stamps: readonly string[]): Promise<number[]> {
  if (stamps.length === 0) return [];
  const rows = await db
    .selectDistinct({ jobId: jobToPilotMapping.jobId })
    .from(jobToPilotMapping)
    .innerJoin(pilotAgents, sql`${pilotAgents.pilotId} = ${jobToPilotMapping.pilotId}`)
    .where(inArray(pilotAgents.pilotStamp, [...new Set(stamps)]));
  return rows.map((r) => r.jobId).sort((a, b) => a - b);
}
