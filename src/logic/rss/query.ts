/**
 * @module logic/rss/query
 * The statuses one caller sees, as DiracX's RSS routes serve them (`logic/rss/{query,source}.py`,
 * `routers/rss/rss.py`): the rows of every VO are grouped by VO (an empty VO counts as `all`),
 * and the caller's view is the `all` entries overlaid with their own VO's. The revision is the
 * latest `DateEffective` (Python's `isoformat`) and the row count, or `empty-0` with the epoch
 * for no rows; the ETag is `<revision>-<vo>`. Unlike DiracX, which caches the snapshot for
 * up to 5 s, every call reads the table: the revision comes from the very rows served.
 */
import { selectResourceStatuses, selectSiteStatuses, type StatusRow } from '../../db/rss.ts';
import type { LogicContext } from '../call-context.ts';
import {
  ALL_VOS,
  ELEMENT_TYPE,
  OVERALL_STATUS_TYPE,
  STORAGE_ACCESSES,
  mapStatus,
  type OverallStatus,
  type RssEntryOf,
  type RssKind,
  type StorageAccess,
  type StorageElementStatus,
} from './models.ts';

export type RssQueryContext = Pick<LogicContext, 'database' | 'user' | 'log'>;

/** One caller's view of one kind, with its validators. */
export interface RssView<T> {
  /** Name → status, sorted by name. */
  statuses: Record<string, T>;
  /** `<revision>-<vo>`, as DiracX's `_vo_view`. */
  etag: string;
  /** The latest `DateEffective`, or the epoch when there are no rows. */
  lastModified: Date;
}

/** DiracX's `EMPTY_REVISION`. */
const EMPTY_REVISION = 'empty-0';

/** Python's `datetime.isoformat()` of an aware UTC datetime (microseconds only when non-zero). */
export function pythonIsoformat(date: Date): string {
  const iso = date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}000`}+00:00`;
}

/** DiracX's `_make_revision`: `<latest DateEffective>-<row count>`, or `empty-0` at the epoch. */
export function revisionOf(rows: readonly StatusRow[]): { revision: string; lastModified: Date } {
  if (rows.length === 0) return { revision: EMPTY_REVISION, lastModified: new Date(0) };
  const latest = new Date(rows.reduce((max, r) => Math.max(max, r.dateEffective.getTime()), -Infinity));
  return { revision: `${pythonIsoformat(latest)}-${rows.length}`, lastModified: latest };
}

type ByVo<T> = Map<string, Map<string, T>>;

function groupByVoAndName(rows: readonly StatusRow[]): ByVo<Map<string, StatusRow>> {
  const grouped: ByVo<Map<string, StatusRow>> = new Map();
  for (const row of rows) {
    const vo = row.vo || ALL_VOS;
    const names = grouped.get(vo) ?? new Map<string, Map<string, StatusRow>>();
    grouped.set(vo, names);
    const types = names.get(row.name) ?? new Map<string, StatusRow>();
    names.set(row.name, types);
    types.set(row.statusType, row);
  }
  return grouped;
}

/** Sites, compute elements, FTS servers: one overall status (a site's `all` row when it has several). */
function overallEntries(rows: readonly StatusRow[]): ByVo<OverallStatus> {
  const result: ByVo<OverallStatus> = new Map();
  for (const [vo, names] of groupByVoAndName(rows)) {
    const entries = new Map<string, OverallStatus>();
    for (const [name, types] of names) {
      const row = types.get(OVERALL_STATUS_TYPE) ?? [...types.values()].at(-1);
      if (row) entries.set(name, { all: mapStatus(row.status, row.reason) });
    }
    result.set(vo, entries);
  }
  return result;
}

/**
 * Storage elements: one status per access. One missing any of the four rows is left out of
 * its VO ("their status is undefined and guessing could grant unintended access").
 */
function storageEntries(ctx: RssQueryContext, rows: readonly StatusRow[]): ByVo<StorageElementStatus> {
  const result: ByVo<StorageElementStatus> = new Map();
  const accesses = Object.entries(STORAGE_ACCESSES) as [StorageAccess, string][];
  for (const [vo, names] of groupByVoAndName(rows)) {
    const entries = new Map<string, StorageElementStatus>();
    for (const [name, types] of names) {
      const missing = accesses.filter(([, type]) => !types.has(type)).map(([, type]) => type);
      if (missing.length > 0) {
        ctx.log.warn('storage element skipped: missing status types', { name, vo, missing });
        continue;
      }
      const status = (access: StorageAccess) => {
        const row = types.get(STORAGE_ACCESSES[access]) as StatusRow;
        return mapStatus(row.status, row.reason);
      };
      entries.set(name, {
        read: status('read'),
        write: status('write'),
        check: status('check'),
        remove: status('remove'),
      });
    }
    result.set(vo, entries);
  }
  return result;
}

async function readRows(ctx: RssQueryContext, kind: RssKind): Promise<StatusRow[]> {
  const db = ctx.database.session;
  if (kind === 'site') return selectSiteStatuses(db);
  const types = kind === 'storage' ? Object.values(STORAGE_ACCESSES) : [OVERALL_STATUS_TYPE];
  return selectResourceStatuses(db, types, ELEMENT_TYPE[kind]);
}

/** The `all` entries overlaid with `vo`'s, sorted by name. */
function voView<T>(byVo: ByVo<T>, vo: string): Record<string, T> {
  const merged = new Map([...(byVo.get(ALL_VOS) ?? []), ...(byVo.get(vo) ?? [])]);
  return Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The statuses of one kind that the caller's VO sees, with the ETag and Last-Modified of that view. */
export async function readRssView<K extends RssKind>(ctx: RssQueryContext, kind: K): Promise<RssView<RssEntryOf[K]>> {
  const rows = await readRows(ctx, kind);
  const { revision, lastModified } = revisionOf(rows);
  const byVo = kind === 'storage' ? storageEntries(ctx, rows) : overallEntries(rows);
  const statuses = voView(byVo as ByVo<RssEntryOf[K]>, ctx.user.vo);
  return { statuses, etag: `${revision}-${ctx.user.vo}`, lastModified };
}
