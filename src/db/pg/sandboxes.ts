/**
 * @module db/pg/sandboxes
 * Atomic queries on the SandboxMetadataDB tables (DiracX's `sandbox_metadata/db.py`): owners,
 * sandbox rows keyed by (SE name, PFN), their job mappings (`Job:<id>`, `Input`/`Output`), and
 * the clean-up candidates. No rules live here; the caller owns the transaction. Rows that a
 * writer must not lose to the cleaner are locked (`FOR UPDATE`) by the callers that need it.
 */
import { and, asc, eq, gt, inArray, like, lt, notExists, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { jobs } from '../schema/jobs.ts';
import { sandboxEntityMapping as mapping, sandboxes, sandboxOwners as owners } from '../schema/sandboxes.ts';
import { batches } from '../batches.ts';

type Handle = Db | Tx;

export interface SandboxOwner {
  owner: string;
  ownerGroup: string;
  vo: string;
}

export interface SandboxRow extends SandboxOwner {
  sbId: number;
  ownerId: number;
  assigned: boolean;
}

export type SandboxType = 'Input' | 'Output';

/** DiracX's entity id of a job (`SandboxMetadataDB.jobid_to_entity_id`). */
export const jobEntityId = (jobId: number): string => `Job:${jobId}`;

const ownerIs = (who: SandboxOwner) =>
  and(eq(owners.owner, who.owner), eq(owners.ownerGroup, who.ownerGroup), eq(owners.vo, who.vo));

export async function getOwnerId(db: Handle, who: SandboxOwner): Promise<number | undefined> {
  const rows = await db.select({ id: owners.ownerId }).from(owners).where(ownerIs(who));
  return rows[0]?.id;
}

/** The owner's id, inserting the owner first when new (safe against a concurrent insert). */
export async function ensureOwnerId(db: Handle, who: SandboxOwner): Promise<number> {
  const inserted = await db.insert(owners).values(who).onConflictDoNothing().returning({ id: owners.ownerId });
  const id = inserted[0]?.id ?? (await getOwnerId(db, who));
  if (id === undefined) throw new Error('sandbox owner vanished while being inserted');
  return id;
}

/** The sandbox at (SE, PFN) with its owner, or undefined. */
export async function getSandbox(db: Handle, seName: string, pfn: string): Promise<SandboxRow | undefined> {
  const rows = await db
    .select({
      sbId: sandboxes.sbId,
      ownerId: sandboxes.ownerId,
      assigned: sandboxes.assigned,
      owner: owners.owner,
      ownerGroup: owners.ownerGroup,
      vo: owners.vo,
    })
    .from(sandboxes)
    .innerJoin(owners, eq(owners.ownerId, sandboxes.ownerId))
    .where(and(eq(sandboxes.seName, seName), eq(sandboxes.sePfn, pfn)));
  return rows[0];
}

/** Registers a sandbox; when (SE, PFN) is already there, only its access time moves (DiracX). */
export async function insertSandbox(
  db: Handle,
  row: { ownerId: number; seName: string; pfn: string; bytes: number; now: Date },
): Promise<void> {
  await db
    .insert(sandboxes)
    .values({
      ownerId: row.ownerId,
      seName: row.seName,
      sePfn: row.pfn,
      bytes: row.bytes,
      registrationTime: row.now,
      lastAccessTime: row.now,
    })
    .onConflictDoUpdate({ target: [sandboxes.seName, sandboxes.sePfn], set: { lastAccessTime: row.now } });
}

/** Sandboxes whose owner is of `vo` (a subquery, so that locking them locks no owner row). */
const ownedInVo = (db: Handle, vo: string) =>
  inArray(sandboxes.ownerId, db.select({ id: owners.ownerId }).from(owners).where(eq(owners.vo, vo)));

/** Sets the access time of a sandbox of `vo`; false when `vo` has no such sandbox. */
export async function touchSandbox(db: Handle, seName: string, pfn: string, vo: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(sandboxes)
    .set({ lastAccessTime: now })
    .where(and(eq(sandboxes.seName, seName), eq(sandboxes.sePfn, pfn), ownedInVo(db, vo)))
    .returning({ sbId: sandboxes.sbId });
  return rows.length > 0;
}

/** The sandboxes of `vo` among `pfns` on `seName`, locked until the transaction ends (the cleaner waits). */
export async function lockSandboxes(
  db: Handle,
  seName: string,
  pfns: readonly string[],
  vo: string,
): Promise<{ sbId: number; pfn: string; ownerId: number }[]> {
  if (pfns.length === 0) return [];
  return db
    .select({ sbId: sandboxes.sbId, pfn: sandboxes.sePfn, ownerId: sandboxes.ownerId })
    .from(sandboxes)
    .where(and(eq(sandboxes.seName, seName), inArray(sandboxes.sePfn, [...new Set(pfns)]), ownedInVo(db, vo)))
    .orderBy(asc(sandboxes.sbId))
    .for('update');
}

/** Inserts job mappings, skipping existing ones; returns how many were new. Marks the sandboxes assigned. */
export async function assignSandboxes(
  db: Handle,
  rows: readonly { sbId: number; entityId: string; type: SandboxType }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  let added = 0;
  // Three parameters a row: larger batches stay well below PostgreSQL's 65535 bind parameters.
  for (const chunk of batches(rows, 5000)) {
    added += (await db.insert(mapping).values(chunk).onConflictDoNothing().returning({ sbId: mapping.sbId })).length;
  }
  await db
    .update(sandboxes)
    .set({ assigned: true })
    .where(inArray(sandboxes.sbId, [...new Set(rows.map((r) => r.sbId))]));
  return added;
}

/**
 * The PFNs mapped to the entity with that type, by SBId; empty when there is none (DiracX 0.7.0's
 * `get_sandbox_assigned_to_job`).
 */
export async function sandboxesOf(db: Handle, entityId: string, type: SandboxType): Promise<string[]> {
  const rows = await db
    .select({ pfn: sandboxes.sePfn })
    .from(mapping)
    .innerJoin(sandboxes, eq(sandboxes.sbId, mapping.sbId))
    .where(and(eq(mapping.entityId, entityId), eq(mapping.type, type)))
    .orderBy(asc(sandboxes.sbId));
  return rows.map((r) => r.pfn);
}

/**
 * Deletes every mapping of the entities; sandboxes left with no mapping become unassigned
 * (DiracX unassigns them only when *none* of them is still mapped; we decide per sandbox).
 */
export async function unassignEntities(db: Handle, entityIds: readonly string[]): Promise<void> {
  if (entityIds.length === 0) return;
  const removed = await db
    .delete(mapping)
    .where(inArray(mapping.entityId, [...new Set(entityIds)]))
    .returning({ sbId: mapping.sbId });
  const ids = [...new Set(removed.map((r) => r.sbId))];
  if (ids.length === 0) return;
  await db
    .update(sandboxes)
    .set({ assigned: false })
    .where(
      and(
        inArray(sandboxes.sbId, ids),
        notExists(db.select({ one: sql`1` }).from(mapping).where(eq(mapping.sbId, sandboxes.sbId))),
      ),
    );
}

/** The existing jobs the sandbox is mapped to, in id order; with `of`, only those of that owner in that VO. */
export async function jobsOfSandbox(db: Handle, sbId: number, of?: { owner: string; vo: string }): Promise<number[]> {
  const entity = mapping.entityId;
  const jobIdOfEntity = sql`case when ${entity} ~ '^Job:[0-9]{1,9}$' then substr(${entity}, 5)::integer end`;
  const rows = await db
    .selectDistinct({ jobId: jobs.jobId })
    .from(mapping)
    .innerJoin(jobs, eq(jobs.jobId, jobIdOfEntity))
    .where(and(eq(mapping.sbId, sbId), of && eq(jobs.owner, of.owner), of && eq(jobs.vo, of.vo)))
    .orderBy(asc(jobs.jobId));
  return rows.map((r) => r.jobId);
}

/** Referenced by no job: assigned but unmapped, or unassigned and not accessed since `staleBefore`. */
function unreferenced(db: Handle, seName: string, staleBefore: Date) {
  return and(
    eq(sandboxes.seName, seName),
    like(sandboxes.sePfn, '/S3/%'),
    notExists(db.select({ one: sql`1` }).from(mapping).where(eq(mapping.sbId, sandboxes.sbId))),
    or(eq(sandboxes.assigned, true), lt(sandboxes.lastAccessTime, staleBefore)),
  );
}

/** The next clean-up candidates after `afterSbId`, locked (rows another transaction holds are skipped). */
export async function lockCleanCandidates(
  db: Handle,
  q: { seName: string; staleBefore: Date; afterSbId: number; limit: number },
): Promise<{ sbId: number; pfn: string }[]> {
  return db
    .select({ sbId: sandboxes.sbId, pfn: sandboxes.sePfn })
    .from(sandboxes)
    .where(and(gt(sandboxes.sbId, q.afterSbId), unreferenced(db, q.seName, q.staleBefore)))
    .orderBy(asc(sandboxes.sbId))
    .limit(q.limit)
    .for('update', { skipLocked: true });
}

/** Deletes the rows among `sbIds` that are still unreferenced; returns how many went. */
export async function deleteUnreferenced(
  db: Handle,
  sbIds: readonly number[],
  seName: string,
  staleBefore: Date,
): Promise<number> {
  if (sbIds.length === 0) return 0;
  const rows = await db
    .delete(sandboxes)
    .where(and(inArray(sandboxes.sbId, [...sbIds]), unreferenced(db, seName, staleBefore)))
    .returning({ sbId: sandboxes.sbId });
  return rows.length;
}
