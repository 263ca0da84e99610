/**
 * @module logic/sandboxes/clean
 * Deleting sandboxes no job references (DiracX's `clean_sandboxes`, run by
 * `bun run sandbox-clean`): those assigned once but no longer mapped to any job, and those never
 * (or no longer) assigned and not accessed for `unusedDays`. Objects are deleted from the store
 * first, then the rows, so a crash leaves rows to retry and never unreachable objects. Each
 * batch runs in one transaction holding its candidate rows locked, and assigning a sandbox
 * locks its row too: a sandbox cannot gain a job between the check and its deletion. A row
 * whose object could not be deleted stays for the next run. Never a sandbox a job references.
 */
import type { Database } from '../../db/database.ts';
import { deleteUnreferenced, lockCleanCandidates } from '../../db/sandboxes.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { Logger } from '../../core/logger.ts';
import { pfnToKey } from './pfn.ts';

export interface CleanContext {
  database: Database;
  store: ObjectStore;
  /** Only sandboxes of this storage element (the store's). */
  seName: string;
  now: () => Date;
  log: Logger;
}

export interface CleanOptions {
  /** Unassigned sandboxes last accessed longer ago than this go (DiracX: 15). */
  unusedDays: number;
  /** Candidates per transaction. */
  batchSize?: number;
}

export interface CleanResult {
  /** Sandboxes deleted from the store and the database. */
  deleted: number;
  /** Candidates whose object could not be deleted; their rows stay for the next run. */
  failed: number;
}

const DEFAULT_BATCH_SIZE = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

interface BatchOutcome {
  candidates: number;
  lastSbId: number;
  deleted: number;
  failed: number;
}

/** Deletes every unreferenced sandbox of the store, batch by batch. */
export async function cleanSandboxes(ctx: CleanContext, options: CleanOptions): Promise<CleanResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new TypeError(`batchSize must be a positive integer, got ${batchSize}`);
  const staleBefore = new Date(ctx.now().getTime() - options.unusedDays * DAY_MS);
  const total: CleanResult = { deleted: 0, failed: 0 };
  let afterSbId = 0;
  for (;;) {
    const batch = await ctx.database.transaction(async (tx): Promise<BatchOutcome | undefined> => {
      const candidates = await lockCleanCandidates(tx, {
        seName: ctx.seName,
        staleBefore,
        afterSbId,
        limit: batchSize,
      });
      const last = candidates.at(-1);
      if (last === undefined) return undefined;
      const { failed } = await ctx.store.deleteMany(candidates.map((c) => pfnToKey(c.pfn)));
      const kept = new Set(failed);
      const removable = candidates.filter((c) => !kept.has(pfnToKey(c.pfn))).map((c) => c.sbId);
      const deleted = await deleteUnreferenced(tx, removable, ctx.seName, staleBefore);
      return {
        candidates: candidates.length,
        lastSbId: last.sbId,
        deleted,
        failed: candidates.length - removable.length,
      };
    });
    if (!batch) break;
    total.deleted += batch.deleted;
    total.failed += batch.failed;
    ctx.log.info('sandbox clean-up batch', {
      candidates: batch.candidates,
      deleted: batch.deleted,
      failed: batch.failed,
    });
    if (batch.failed > 0)
      ctx.log.warn('some sandbox objects could not be deleted; their rows stay for the next run', {
        failed: batch.failed,
      });
    afterSbId = batch.lastSbId;
    if (batch.candidates < batchSize) break;
  }
  return total;
}
