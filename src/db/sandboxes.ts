/**
 * @module db/sandboxes
 * Sandbox metadata, owners and their assignment to jobs (DiracX's SandboxMetadataDB), on whichever
 * dialect the session is: each function hands the session to `./pg/sandboxes.ts` or its
 * MySQL/MariaDB counterpart in `./mysql/`.
 */
import type { SandboxOwner, SandboxRow, SandboxType } from './pg/sandboxes.ts';
import type { Session } from './session.ts';
import * as pg from './pg/sandboxes.ts';
import * as mysqlSandboxes from './mysql/sandboxes.ts';
export type { SandboxOwner, SandboxRow, SandboxType } from './pg/sandboxes.ts';
export { jobEntityId } from './pg/sandboxes.ts';

export function getOwnerId(s: Session, who: SandboxOwner): Promise<number | undefined> {
  return s.dialect === 'mysql' ? mysqlSandboxes.getOwnerId(s.db, s.tables, who) : pg.getOwnerId(s.db, who);
}

/** The owner's id, inserting the owner first when new (safe against a concurrent insert). */
export function ensureOwnerId(s: Session, who: SandboxOwner): Promise<number> {
  return s.dialect === 'mysql' ? mysqlSandboxes.ensureOwnerId(s.db, s.tables, who) : pg.ensureOwnerId(s.db, who);
}

/** The sandbox at (SE, PFN) with its owner, or undefined. */
export function getSandbox(s: Session, seName: string, pfn: string): Promise<SandboxRow | undefined> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.getSandbox(s.db, s.tables, seName, pfn)
    : pg.getSandbox(s.db, seName, pfn);
}

/** Registers a sandbox; when (SE, PFN) is already there, only its access time moves (DiracX). */
export function insertSandbox(
  s: Session,
  row: { ownerId: number; seName: string; pfn: string; bytes: number; now: Date },
): Promise<void> {
  return s.dialect === 'mysql' ? mysqlSandboxes.insertSandbox(s.db, s.tables, row) : pg.insertSandbox(s.db, row);
}

/** Sets the access time of a sandbox of `vo`; false when `vo` has no such sandbox. */
export function touchSandbox(s: Session, seName: string, pfn: string, vo: string, now: Date): Promise<boolean> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.touchSandbox(s.db, s.tables, { seName, pfn, vo, now })
    : pg.touchSandbox(s.db, seName, pfn, vo, now);
}

/** The sandboxes of `vo` among `pfns` on `seName`, locked until the transaction ends (the cleaner waits). */
export function lockSandboxes(
  s: Session,
  seName: string,
  pfns: readonly string[],
  vo: string,
): Promise<{ sbId: number; pfn: string; ownerId: number }[]> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.lockSandboxes(s.db, s.tables, { seName, pfns, vo })
    : pg.lockSandboxes(s.db, seName, pfns, vo);
}

/** Inserts job mappings, skipping existing ones; returns how many were new. Marks the sandboxes assigned. */
export function assignSandboxes(
  s: Session,
  rows: readonly { sbId: number; entityId: string; type: SandboxType }[],
): Promise<number> {
  return s.dialect === 'mysql' ? mysqlSandboxes.assignSandboxes(s.db, s.tables, rows) : pg.assignSandboxes(s.db, rows);
}

/**
 * The PFNs mapped to the entity with that type, by SBId; empty when there is none (DiracX 0.7.0's
 * `get_sandbox_assigned_to_job`).
 */
export function sandboxesOf(s: Session, entityId: string, type: SandboxType): Promise<string[]> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.sandboxesOf(s.db, s.tables, entityId, type)
    : pg.sandboxesOf(s.db, entityId, type);
}

/**
 * Deletes every mapping of the entities; sandboxes left with no mapping become unassigned
 * (DiracX unassigns them only when *none* of them is still mapped; we decide per sandbox).
 */
export function unassignEntities(s: Session, entityIds: readonly string[]): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.unassignEntities(s.db, s.tables, entityIds)
    : pg.unassignEntities(s.db, entityIds);
}

/** The existing jobs the sandbox is mapped to, in id order; with `of`, only those of that owner in that VO. */
export function jobsOfSandbox(s: Session, sbId: number, of?: { owner: string; vo: string }): Promise<number[]> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.jobsOfSandbox(s.db, s.tables, sbId, of)
    : pg.jobsOfSandbox(s.db, sbId, of);
}

/** The next clean-up candidates after `afterSbId`, locked (rows another transaction holds are skipped). */
export function lockCleanCandidates(
  s: Session,
  q: { seName: string; staleBefore: Date; afterSbId: number; limit: number },
): Promise<{ sbId: number; pfn: string }[]> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.lockCleanCandidates(s.db, s.tables, q)
    : pg.lockCleanCandidates(s.db, q);
}

/** Deletes the rows among `sbIds` that are still unreferenced; returns how many went. */
export function deleteUnreferenced(
  s: Session,
  sbIds: readonly number[],
  seName: string,
  staleBefore: Date,
): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlSandboxes.deleteUnreferenced(s.db, s.tables, { sbIds, seName, staleBefore })
    : pg.deleteUnreferenced(s.db, sbIds, seName, staleBefore);
}
