/**
 * @module db/mysql/sandboxes
 * Sandboxes in DiracX's SandboxMetadataDB on MySQL/MariaDB (`diracx/db/sql/sandbox_metadata/db.py`):
 * owners, sandboxes by storage element and PFN, and their assignment to jobs (`EntityId` is
 * `Job:<id>`, `Type` `Input` or `Output`), so that either server sees the other's uploads and
 * assignments. The same functions as `../sandboxes.ts` over the qualified tables (the jobs of a
 * sandbox are read across to JobDB, on the same server); the caller owns the transaction.
 */
import { and, asc, eq, gt, inArray, like, lt, notExists, or, sql } from 'drizzle-orm';
import { batches } from '../batches.ts';
import type { SandboxOwner, SandboxRow, SandboxType } from '../sandboxes.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'sandboxOwners' | 'sandboxes' | 'sandboxEntityMapping' | 'jobs'>;

const ownerIs = (t: Tables, who: SandboxOwner) =>
  and(
    eq(t.sandboxOwners.owner, who.owner),
    eq(t.sandboxOwners.ownerGroup, who.ownerGroup),
    eq(t.sandboxOwners.vo, who.vo),
  );

export async function getOwnerId(db: Handle, t: Tables, who: SandboxOwner): Promise<number | undefined> {
  const rows = await db.select({ id: t.sandboxOwners.ownerId }).from(t.sandboxOwners).where(ownerIs(t, who));
  return rows[0]?.id;
}

/** The owner's id, inserting the owner when new (`unique_owner_group_vo` settles a race). */
export async function ensureOwnerId(db: Handle, t: Tables, who: SandboxOwner): Promise<number> {
  await db.insert(t.sandboxOwners).ignore().values(who);
  const id = await getOwnerId(db, t, who);
  if (id === undefined) throw new Error('sandbox owner vanished while being inserted');
  return id;
}

export async function getSandbox(db: Handle, t: Tables, seName: string, pfn: string): Promise<SandboxRow | undefined> {
  const rows = await db
    .select({
      sbId: t.sandboxes.sbId,
      ownerId: t.sandboxes.ownerId,
      assigned: t.sandboxes.assigned,
      owner: t.sandboxOwners.owner,
      ownerGroup: t.sandboxOwners.ownerGroup,
      vo: t.sandboxOwners.vo,
    })
    .from(t.sandboxes)
    .innerJoin(t.sandboxOwners, eq(t.sandboxOwners.ownerId, t.sandboxes.ownerId))
    .where(and(eq(t.sandboxes.seName, seName), eq(t.sandboxes.sePfn, pfn)));
  return rows[0];
}

/** Registers a sandbox; one already registered at that location only gets its access time moved. */
export async function insertSandbox(
  db: Handle,
  t: Tables,
  row: { ownerId: number; seName: string; pfn: string; bytes: number; now: Date },
): Promise<void> {
  await db
    .insert(t.sandboxes)
    .values({
      ownerId: row.ownerId,
      seName: row.seName,
      sePfn: row.pfn,
      bytes: row.bytes,
      registrationTime: row.now,
      lastAccessTime: row.now,
    })
    .onDuplicateKeyUpdate({ set: { lastAccessTime: row.now } });
}

const ownedInVo = (db: Handle, t: Tables, vo: string) =>
  inArray(
    t.sandboxes.ownerId,
    db.select({ id: t.sandboxOwners.ownerId }).from(t.sandboxOwners).where(eq(t.sandboxOwners.vo, vo)),
  );

export async function touchSandbox(
  db: Handle,
  t: Tables,
  q: { seName: string; pfn: string; vo: string; now: Date },
): Promise<boolean> {
  const [header] = await db
    .update(t.sandboxes)
    .set({ lastAccessTime: q.now })
    .where(and(eq(t.sandboxes.seName, q.seName), eq(t.sandboxes.sePfn, q.pfn), ownedInVo(db, t, q.vo)));
  return header.affectedRows > 0;
}

export async function lockSandboxes(
  db: Handle,
  t: Tables,
  q: { seName: string; pfns: readonly string[]; vo: string },
): Promise<{ sbId: number; pfn: string; ownerId: number }[]> {
  if (q.pfns.length === 0) return [];
  return db
    .select({ sbId: t.sandboxes.sbId, pfn: t.sandboxes.sePfn, ownerId: t.sandboxes.ownerId })
    .from(t.sandboxes)
    .where(
      and(eq(t.sandboxes.seName, q.seName), inArray(t.sandboxes.sePfn, [...new Set(q.pfns)]), ownedInVo(db, t, q.vo)),
    )
    .orderBy(asc(t.sandboxes.sbId))
    .for('update');
}

/** Maps sandboxes to entities (already mapped pairs are kept) and marks them assigned; returns the new pairs. */
export async function assignSandboxes(
  db: Handle,
  t: Tables,
  rows: readonly { sbId: number; entityId: string; type: SandboxType }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  let added = 0;
  for (const chunk of batches(rows, 5000)) {
    const [header] = await db.insert(t.sandboxEntityMapping).ignore().values(chunk);
    added += header.affectedRows;
  }
  await db
    .update(t.sandboxes)
    .set({ assigned: true })
    .where(inArray(t.sandboxes.sbId, [...new Set(rows.map((r) => r.sbId))]));
  return added;
}

export async function sandboxesOf(db: Handle, t: Tables, entityId: string, type: SandboxType): Promise<string[]> {
  const rows = await db
    .select({ pfn: t.sandboxes.sePfn })
    .from(t.sandboxEntityMapping)
    .innerJoin(t.sandboxes, eq(t.sandboxes.sbId, t.sandboxEntityMapping.sbId))
    .where(and(eq(t.sandboxEntityMapping.entityId, entityId), eq(t.sandboxEntityMapping.type, type)))
    .orderBy(asc(t.sandboxes.sbId));
  return rows.map((r) => r.pfn);
}

/** Removes the entities' mappings; a sandbox left mapped to nothing is no longer assigned. */
export async function unassignEntities(db: Handle, t: Tables, entityIds: readonly string[]): Promise<void> {
  if (entityIds.length === 0) return;
  const m = t.sandboxEntityMapping;
  const where = inArray(m.entityId, [...new Set(entityIds)]);
  const mapped = await db.select({ sbId: m.sbId }).from(m).where(where).for('update');
  const ids = [...new Set(mapped.map((r) => r.sbId))];
  if (ids.length === 0) return;
  await db.delete(m).where(where);
  await db
    .update(t.sandboxes)
    .set({ assigned: false })
    .where(
      and(
        inArray(t.sandboxes.sbId, ids),
        notExists(db.select({ one: sql`1` }).from(m).where(eq(m.sbId, t.sandboxes.sbId))),
      ),
    );
}

/** The jobs (in JobDB) a sandbox is mapped to, of one owner when given. */
export async function jobsOfSandbox(
  db: Handle,
  t: Tables,
  sbId: number,
  of?: { owner: string; vo: string },
): Promise<number[]> {
  const entity = t.sandboxEntityMapping.entityId;
  const jobNumber = sql`CAST(SUBSTRING(${entity}, 5) AS UNSIGNED)`;
  const jobIdOfEntity = sql`CASE WHEN ${entity} REGEXP '^Job:[0-9]{1,9}$' THEN ${jobNumber} END`;
  const rows = await db
    .selectDistinct({ jobId: t.jobs.jobId })
    .from(t.sandboxEntityMapping)
    .innerJoin(t.jobs, eq(t.jobs.jobId, jobIdOfEntity))
    .where(and(eq(t.sandboxEntityMapping.sbId, sbId), of && eq(t.jobs.owner, of.owner), of && eq(t.jobs.vo, of.vo)))
    .orderBy(asc(t.jobs.jobId));
  return rows.map((r) => r.jobId);
}

function unreferenced(db: Handle, t: Tables, seName: string, staleBefore: Date) {
  const m = t.sandboxEntityMapping;
  return and(
    eq(t.sandboxes.seName, seName),
    like(t.sandboxes.sePfn, '/S3/%'),
    notExists(db.select({ one: sql`1` }).from(m).where(eq(m.sbId, t.sandboxes.sbId))),
    or(eq(t.sandboxes.assigned, true), lt(t.sandboxes.lastAccessTime, staleBefore)),
  );
}

export async function lockCleanCandidates(
  db: Handle,
  t: Tables,
  q: { seName: string; staleBefore: Date; afterSbId: number; limit: number },
): Promise<{ sbId: number; pfn: string }[]> {
  return db
    .select({ sbId: t.sandboxes.sbId, pfn: t.sandboxes.sePfn })
    .from(t.sandboxes)
    .where(and(gt(t.sandboxes.sbId, q.afterSbId), unreferenced(db, t, q.seName, q.staleBefore)))
    .orderBy(asc(t.sandboxes.sbId))
    .limit(q.limit)
    .for('update', { skipLocked: true });
}

export async function deleteUnreferenced(
  db: Handle,
  t: Tables,
  q: { sbIds: readonly number[]; seName: string; staleBefore: Date },
): Promise<number> {
  if (q.sbIds.length === 0) return 0;
  const [header] = await db
    .delete(t.sandboxes)
    .where(and(inArray(t.sandboxes.sbId, [...q.sbIds]), unreferenced(db, t, q.seName, q.staleBefore)));
  return header.affectedRows;
}
