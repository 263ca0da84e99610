/**
 * @module logic/rss/models
 * What the resource status system answers (DiracX's `core/models/rss.py`): a status is allowed
 * (`{allowed: true, warnings}`) or banned (`{allowed: false, reason}`); a site, compute element
 * or FTS server has one (`all`), a storage element one per access (`read`, `write`, `check`,
 * `remove`). DIRAC's status names map to these as `map_status` does (`logic/rss/query.py`).
 * Plain types and pure functions: no database, no HTTP.
 */

export interface AllowedStatus {
  allowed: true;
  warnings: string | null;
}

export interface BannedStatus {
  allowed: false;
  reason: string;
}

/** DiracX's `ResourceStatus` (discriminated on `allowed`). */
export type ResourceStatus = AllowedStatus | BannedStatus;

/** `SiteStatus`, `ComputeElementStatus` and `FTSStatus`: one overall status. */
export interface OverallStatus {
  all: ResourceStatus;
}

export interface StorageElementStatus {
  read: ResourceStatus;
  write: ResourceStatus;
  check: ResourceStatus;
  remove: ResourceStatus;
}

/** The four read routes, by the last segment of their path. */
export const RSS_KINDS = ['site', 'compute', 'storage', 'fts'] as const;
export type RssKind = (typeof RSS_KINDS)[number];

/** The entry type of each kind. */
export interface RssEntryOf {
  site: OverallStatus;
  compute: OverallStatus;
  fts: OverallStatus;
  storage: StorageElementStatus;
}

/** DIRAC's statuses that let work through (DiracX's `ALLOWED`). */
export const ALLOWED_STATUSES = ['Active', 'Degraded'] as const;
/** DIRAC's statuses that do not (DiracX's `BANNED`). */
export const BANNED_STATUSES = ['Banned', 'Probing', 'Error', 'Unknown'] as const;
/** Every status an administrator may set. */
export const RSS_STATUSES = [...ALLOWED_STATUSES, ...BANNED_STATUSES] as const;
export type RssStatusName = (typeof RSS_STATUSES)[number];

/** The `ElementType` of each kind's rows. */
export const ELEMENT_TYPE: Readonly<Record<RssKind, string>> = {
  site: 'Site',
  compute: 'ComputeElement',
  storage: 'StorageElement',
  fts: 'FTS',
};

/** A storage element's accesses and their `StatusType` (DiracX's `STORAGE_STATUS_TYPES`). */
export const STORAGE_ACCESSES = {
  read: 'ReadAccess',
  write: 'WriteAccess',
  check: 'CheckAccess',
  remove: 'RemoveAccess',
} as const satisfies Record<keyof StorageElementStatus, string>;
export type StorageAccess = keyof typeof STORAGE_ACCESSES;

/** The `StatusType` of sites, compute elements and FTS servers. */
export const OVERALL_STATUS_TYPE = 'all';
/** The `VO` of a row that applies to every VO. */
export const ALL_VOS = 'all';

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => list.includes(value as T);

/**
 * DiracX's `map_status`: `Active` is allowed without warnings, `Degraded` allowed with the reason
 * (or `Degraded`) as warning; the banned statuses carry the reason (or the status name); any
 * other status is banned as `Unknown status: <status>`.
 */
export function mapStatus(status: string, reason: string | null): ResourceStatus {
  if (isOneOf(ALLOWED_STATUSES, status)) {
    return { allowed: true, warnings: status === 'Degraded' ? reason || status : null };
  }
  if (isOneOf(BANNED_STATUSES, status)) return { allowed: false, reason: reason || status };
  return { allowed: false, reason: `Unknown status: ${status}` };
}
