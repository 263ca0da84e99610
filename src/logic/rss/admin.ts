/**
 * @module logic/rss/admin
 * How an administrator sets statuses (`bun run rss`): DiracX only reads ResourceStatusDB, which
 * legacy DIRAC's Resource Status System fills; without DIRAC, this is how rows get there. A
 * status is written as DIRAC writes it: the current row (replaced, `DateEffective` and
 * `LastCheckTime` now, so the read routes' ETag changes) and a log row, in one transaction.
 * Inputs are checked against DIRAC's statuses and the column sizes before anything is written,
 * and a change that would leave a storage element with some of its four accesses for a VO is
 * refused (rolled back): DiracX leaves such an element out of that VO's view, silently.
 * Not reachable over REST or MCP: the process entry point is the only caller.
 */
import type { Session } from '../../db/session.ts';
import { deleteStatus, listStatuses, resourceStatusTypes, writeStatus, type StatusTable } from '../../db/rss.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { LogicContext } from '../call-context.ts';
import {
  ALL_VOS,
  ELEMENT_TYPE,
  OVERALL_STATUS_TYPE,
  RSS_KINDS,
  RSS_STATUSES,
  STORAGE_ACCESSES,
  type RssKind,
  type RssStatusName,
  type StorageAccess,
} from './models.ts';

export type RssAdminContext = Pick<LogicContext, 'database' | 'now'>;

/** Which rows a command names: one element of one kind, for one VO, some of a storage element's accesses. */
export interface RssTarget {
  kind: RssKind;
  name: string;
  /** Default `all` (every VO). */
  vo?: string | undefined;
  /** Storage elements only; default all four. */
  accesses?: readonly StorageAccess[] | undefined;
}

export interface SetRssStatusInput extends RssTarget {
  status: string;
  /** Default empty: the read routes then show the status name as the reason. */
  reason?: string | undefined;
}

/** One current-status row, for listings. */
export interface RssStatusListing {
  kind: RssKind;
  name: string;
  statusType: string;
  vo: string;
  status: string;
  reason: string;
  dateEffective: string;
}

/** Who DIRAC records as having set a status (`TokenOwner`); its default, as the schema's. */
const TOKEN_OWNER = 'rs_svc';

const tableOf = (kind: RssKind): StatusTable => (kind === 'site' ? 'site' : 'resource');

function checkLength(what: string, value: string, max: number, min = 1): void {
  if (value.length < min || value.length > max) {
    throw new InvalidInputError(`${what} must be ${min} to ${max} characters, got ${value.length}`);
  }
}

/** The (status type, VO) keys a target names, after checking it. */
function resolveTarget(target: RssTarget): { name: string; vo: string; statusTypes: string[] } {
  if (!RSS_KINDS.includes(target.kind)) throw new InvalidInputError(`unknown kind ${target.kind}`);
  checkLength('the name', target.name, 64);
  const vo = target.vo ?? ALL_VOS;
  checkLength('the VO', vo, 64);
  if (target.kind !== 'storage') {
    if (target.accesses?.length) throw new InvalidInputError('only storage elements have accesses');
    return { name: target.name, vo, statusTypes: [OVERALL_STATUS_TYPE] };
  }
  const accesses = target.accesses?.length ? target.accesses : (Object.keys(STORAGE_ACCESSES) as StorageAccess[]);
  for (const access of accesses) {
    if (!(access in STORAGE_ACCESSES)) throw new InvalidInputError(`unknown storage access ${access}`);
  }
  return { name: target.name, vo, statusTypes: [...new Set(accesses)].map((a) => STORAGE_ACCESSES[a]) };
}

/**
 * Throws unless the storage element has all four accesses or none for the VO (DiracX skips one
 * with some missing, so a partial set would silently not apply).
 */
async function checkStorageComplete(tx: Session, name: string, vo: string): Promise<void> {
  const present = new Set(await resourceStatusTypes(tx, name, vo, ELEMENT_TYPE.storage));
  const missing = Object.entries(STORAGE_ACCESSES).filter(([, type]) => !present.has(type));
  if (present.size > 0 && missing.length > 0) {
    throw new InvalidInputError(
      `storage element ${name} would have no ${missing.map(([a]) => a).join(', ')} status for VO ${vo}, ` +
        'and DiracX ignores a storage element without all four: set every access for that VO first (omit --access)',
    );
  }
}

/** Sets the status of every row the target names; returns their status types. */
export async function setRssStatus(ctx: RssAdminContext, input: SetRssStatusInput): Promise<string[]> {
  const { name, vo, statusTypes } = resolveTarget(input);
  if (!RSS_STATUSES.includes(input.status as RssStatusName)) {
    throw new InvalidInputError(`unknown status ${input.status}; one of ${RSS_STATUSES.join(', ')}`);
  }
  const reason = input.reason ?? '';
  checkLength('the reason', reason, 512, 0);
  const at = ctx.now();
  await ctx.database.transaction(async (tx) => {
    for (const statusType of statusTypes) {
      await writeStatus(tx, tableOf(input.kind), {
        name,
        statusType,
        vo,
        status: input.status,
        reason,
        elementType: ELEMENT_TYPE[input.kind],
        at,
        tokenOwner: TOKEN_OWNER,
      });
    }
    if (input.kind === 'storage') await checkStorageComplete(tx, name, vo);
  });
  return statusTypes;
}

/** Deletes the rows the target names; returns the status types that had one. */
export async function deleteRssStatus(ctx: RssAdminContext, target: RssTarget): Promise<string[]> {
  const { name, vo, statusTypes } = resolveTarget(target);
  return ctx.database.transaction(async (tx) => {
    const deleted: string[] = [];
    for (const statusType of statusTypes) {
      if (await deleteStatus(tx, tableOf(target.kind), { name, statusType, vo })) deleted.push(statusType);
    }
    if (target.kind === 'storage') await checkStorageComplete(tx, name, vo);
    return deleted;
  });
}

/** Every current status of the given kinds (default all), by kind, then name, status type and VO. */
export async function listRssStatuses(
  ctx: Pick<LogicContext, 'database'>,
  kinds: readonly RssKind[] = RSS_KINDS,
): Promise<RssStatusListing[]> {
  const listings: RssStatusListing[] = [];
  for (const kind of kinds) {
    const rows = await listStatuses(
      ctx.database.session,
      tableOf(kind),
      kind === 'site' ? undefined : ELEMENT_TYPE[kind],
    );
    for (const row of rows) {
      listings.push({
        kind,
        name: row.name,
        statusType: row.statusType,
        vo: row.vo,
        status: row.status,
        reason: row.reason,
        dateEffective: row.dateEffective.toISOString(),
      });
    }
  }
  return listings;
}
