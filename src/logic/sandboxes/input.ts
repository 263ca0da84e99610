/**
 * @module logic/sandboxes/input
 * Input sandboxes at submission time. DiracX has no route to assign them and its submission
 * ignores `InputSandbox` [GAP]; here the submission calls `assignInputSandboxes` inside its
 * transaction: every `SB:<se>|<pfn>` entry of a job's `InputSandbox` must name a sandbox the
 * submitter owns (same user, group and VO), and becomes that job's `Input` sandbox. Other
 * entries (local file names, `LFN:`) are not sandboxes and are left alone. A missing or
 * foreign sandbox fails the whole submission with the same 400, which does not tell the two apart.
 */
import type { Session } from '../../db/session.ts';
import { assignSandboxes, getOwnerId, jobEntityId, lockSandboxes } from '../../db/sandboxes.ts';
import type { AuthedUser } from '../../core/user.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { JdlDocument } from '../jobs/jdl/ast.ts';
import { getList } from '../jobs/jdl/attributes.ts';
import { seNameOf, shortPfn } from './pfn.ts';

/** The `SB:` entries of the job description's `InputSandbox`, in order, without duplicates. */
export function inputSandboxPfns(doc: JdlDocument): string[] {
  return [
    ...new Set(
      (getList(doc, 'InputSandbox') ?? [])
        .map((entry) => entry.trim())
        .filter((entry) => seNameOf(entry) !== undefined),
    ),
  ];
}

/**
 * Assigns to each job the input sandboxes listed for it (full `SB:` PFNs; others are ignored).
 * Call it in the submission's transaction, after the jobs are inserted.
 * @throws InvalidInputError naming the first PFN that is not a sandbox of `user`.
 */
export async function assignInputSandboxes(
  tx: Session,
  user: AuthedUser,
  pfnsByJob: ReadonlyMap<number, readonly string[]>,
): Promise<void> {
  const bySe = new Map<string, Set<string>>();
  for (const pfns of pfnsByJob.values()) {
    for (const pfn of pfns) {
      const se = seNameOf(pfn);
      if (se !== undefined) bySe.set(se, (bySe.get(se) ?? new Set()).add(shortPfn(pfn)));
    }
  }
  if (bySe.size === 0) return;
  const ownerId = await getOwnerId(tx, { owner: user.preferredUsername, ownerGroup: user.diracGroup, vo: user.vo });
  const found = new Map<string, number>();
  for (const [se, pfns] of bySe) {
    for (const row of await lockSandboxes(tx, se, [...pfns], user.vo)) {
      if (row.ownerId === ownerId) found.set(`SB:${se}|${row.pfn}`, row.sbId);
    }
  }
  const rows: { sbId: number; entityId: string; type: 'Input' }[] = [];
  for (const [jobId, pfns] of pfnsByJob) {
    for (const pfn of new Set(pfns)) {
      const se = seNameOf(pfn);
      if (se === undefined) continue;
      const sbId = found.get(`SB:${se}|${shortPfn(pfn)}`);
      if (sbId === undefined) throw new InvalidInputError(`Input sandbox not found: ${pfn}`);
      rows.push({ sbId, entityId: jobEntityId(jobId), type: 'Input' });
    }
  }
  await assignSandboxes(tx, rows);
}
