/**
 * @module db/pilots
 * Pilots and their jobs (DiracX's PilotAgentsDB), on whichever dialect the session is: each
 * function hands the session to `./pg/pilots.ts` or its MySQL/MariaDB counterpart in `./mysql/`.
 */
import type { NewPilotRow, PilotColumnValues, PilotRef } from './pg/pilots.ts';
import type { Session } from './session.ts';
import * as pg from './pg/pilots.ts';
import * as mysqlPilots from './mysql/pilots.ts';
export type { NewPilotRow, PilotRef, PilotColumnValues } from './pg/pilots.ts';

/**
 * Inserts one pilot unless its stamp is taken (the unique `PilotStamp` index decides, so two
 * concurrent registrations cannot both succeed). Returns the new `PilotID`, or `undefined`
 * when the stamp already exists.
 */
export function insertPilot(s: Session, row: NewPilotRow): Promise<number | undefined> {
  return s.dialect === 'mysql' ? mysqlPilots.insertPilot(s.db, s.tables, row) : pg.insertPilot(s.db, row);
}

/** The pilots whose stamp is in `stamps`; unknown stamps are simply absent. */
export function getPilotsByStamp(s: Session, stamps: readonly string[]): Promise<PilotRef[]> {
  return s.dialect === 'mysql'
    ? mysqlPilots.getPilotsByStamp(s.db, s.tables, stamps)
    : pg.getPilotsByStamp(s.db, stamps);
}

/**
 * Applies heterogeneous updates (each stamp its own subset of columns) in ONE statement, as
 * DiracX's per-column CASE does, and sets `LastUpdateTime` of every listed pilot to
 * `lastUpdateTime`. Returns the stamps that matched a row.
 */
export function updatePilotsByStamp(
  s: Session,
  updates: ReadonlyMap<string, PilotColumnValues>,
  lastUpdateTime: Date,
): Promise<string[]> {
  return s.dialect === 'mysql'
    ? mysqlPilots.updatePilotsByStamp(s.db, s.tables, updates, lastUpdateTime)
    : pg.updatePilotsByStamp(s.db, updates, lastUpdateTime);
}

/**
 * Records that pilot `pilotId` ran `jobIds` (from `startTime`). Pairs already recorded are
 * left as they are; returns how many pairs were new.
 */
export function insertJobsOfPilot(
  s: Session,
  pilotId: number,
  jobIds: readonly number[],
  startTime: Date,
): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlPilots.insertJobsOfPilot(s.db, s.tables, { pilotId, jobIds, startTime })
    : pg.insertJobsOfPilot(s.db, pilotId, jobIds, startTime);
}

/** The ids of the jobs run by the pilots with these stamps (DiracX's `resolve_jobs_for_pilot_stamps`). */
export function jobIdsOfPilotStamps(s: Session, stamps: readonly string[]): Promise<number[]> {
  return s.dialect === 'mysql'
    ? mysqlPilots.jobIdsOfPilotStamps(s.db, s.tables, stamps)
    : pg.jobIdsOfPilotStamps(s.db, stamps);
}
