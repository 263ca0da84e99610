/**
 * @module db/pg/rss
 * Atomic queries on the ResourceStatusDB tables (DiracX's `ResourceStatusDB`,
 * `db/sql/rss/db.py`): read the site statuses, read the resource statuses of some status types
 * and one element type, write one status (the current row, replaced) with its log row, and
 * delete one. No rules: how a status maps to allowed or banned, and which VO sees what, is the
 * logic's (`logic/rss/`).
 */
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { resourceLog, resourceStatus, siteLog, siteStatus } from '../schema/rss.ts';

type Handle = Db | Tx;

/** What the read routes need of one status row. */
export interface StatusRow {
  name: string;
  statusType: string;
  vo: string;
  status: string;
  reason: string;
  elementType: string;
  dateEffective: Date;
}

/** One status as an administrator sets it (the current row and its log entry). */
export interface StatusWrite extends Omit<StatusRow, 'dateEffective'> {
  /** When it takes effect, also its `LastCheckTime`. */
  at: Date;
  tokenOwner: string;
}

/** Which row a deletion names. */
export interface StatusKey {
  name: string;
  statusType: string;
  vo: string;
}

/** The tables a status lives in: sites in `SiteStatus`/`SiteLog`, resources in `ResourceStatus`/`ResourceLog`. */
export type StatusTable = 'site' | 'resource';

const TABLES = {
  site: { current: siteStatus, log: siteLog },
  resource: { current: resourceStatus, log: resourceLog },
} as const;

const columnsOf = (table: typeof siteStatus | typeof resourceStatus) => ({
  name: table.name,
  statusType: table.statusType,
  vo: table.vo,
  status: table.status,
  reason: table.reason,
  elementType: table.elementType,
  dateEffective: table.dateEffective,
});

/** Every `SiteStatus` row, of every VO (DiracX's `get_site_statuses`). */
export async function selectSiteStatuses(db: Handle): Promise<StatusRow[]> {
  return db.select(columnsOf(siteStatus)).from(siteStatus);
}

/**
 * The `ResourceStatus` rows of these status types and this element type, of every VO (DiracX's
 * `get_resource_statuses`; compute elements and FTS servers share the status type `all`, so the
 * element type keeps them apart).
 */
export async function selectResourceStatuses(
  db: Handle,
  statusTypes: readonly string[],
  elementType: string,
): Promise<StatusRow[]> {
  return db
    .select(columnsOf(resourceStatus))
    .from(resourceStatus)
    .where(and(inArray(resourceStatus.statusType, [...statusTypes]), eq(resourceStatus.elementType, elementType)));
}

/** Every row of one current-status table, ordered by name, status type and VO (for listings). */
export async function listStatuses(db: Handle, table: StatusTable, elementType?: string): Promise<StatusRow[]> {
  const t = TABLES[table].current;
  const where: SQL | undefined = elementType === undefined ? undefined : eq(t.elementType, elementType);
  return db.select(columnsOf(t)).from(t).where(where).orderBy(asc(t.name), asc(t.statusType), asc(t.vo));
}

/**
 * Sets one status: the current row (name, status type, VO) is inserted or replaced, and the
 * change is appended to the log table, as DIRAC's `ResourceStatusClient` records every change.
 */
export async function writeStatus(tx: Handle, table: StatusTable, write: StatusWrite): Promise<void> {
  const { current, log } = TABLES[table];
  const row = {
    name: write.name,
    statusType: write.statusType,
    vo: write.vo,
    status: write.status,
    reason: write.reason,
    elementType: write.elementType,
    dateEffective: write.at,
    lastCheckTime: write.at,
    tokenOwner: write.tokenOwner,
  };
  await tx
    .insert(current)
    .values(row)
    .onConflictDoUpdate({
      target: [current.name, current.statusType, current.vo],
      set: {
        status: row.status,
        reason: row.reason,
        elementType: row.elementType,
        dateEffective: row.dateEffective,
        lastCheckTime: row.lastCheckTime,
        tokenOwner: row.tokenOwner,
      },
    });
  await tx.insert(log).values(row);
}

/** The status types one resource has rows of, for one VO and element type. */
export async function resourceStatusTypes(
  db: Handle,
  name: string,
  vo: string,
  elementType: string,
): Promise<string[]> {
  const rows = await db
    .select({ statusType: resourceStatus.statusType })
    .from(resourceStatus)
    .where(and(eq(resourceStatus.name, name), eq(resourceStatus.vo, vo), eq(resourceStatus.elementType, elementType)));
  return rows.map((r) => r.statusType);
}

/** Deletes one current-status row; returns whether there was one. */
export async function deleteStatus(tx: Handle, table: StatusTable, key: StatusKey): Promise<boolean> {
  const t = TABLES[table].current;
  const deleted = await tx
    .delete(t)
    .where(and(eq(t.name, key.name), eq(t.statusType, key.statusType), eq(t.vo, key.vo)))
    .returning({ name: t.name });
  return deleted.length > 0;
}
