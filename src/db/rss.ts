/**
 * @module db/rss
 * Site and resource statuses (DiracX's ResourceStatusDB), on whichever dialect the session is:
 * each function hands the session to `./pg/rss.ts` or its MySQL/MariaDB counterpart in `./mysql/`.
 */
import type { StatusKey, StatusRow, StatusTable, StatusWrite } from './pg/rss.ts';
import type { Session } from './session.ts';
import * as pg from './pg/rss.ts';
import * as mysqlRss from './mysql/rss.ts';
export type { StatusRow, StatusWrite, StatusKey, StatusTable } from './pg/rss.ts';

/** Every `SiteStatus` row, of every VO (DiracX's `get_site_statuses`). */
export function selectSiteStatuses(s: Session): Promise<StatusRow[]> {
  return s.dialect === 'mysql' ? mysqlRss.selectSiteStatuses(s.db, s.tables) : pg.selectSiteStatuses(s.db);
}

/**
 * The `ResourceStatus` rows of these status types and this element type, of every VO (DiracX's
 * `get_resource_statuses`; compute elements and FTS servers share the status type `all`, so the
 * element type keeps them apart).
 */
export function selectResourceStatuses(
  s: Session,
  statusTypes: readonly string[],
  elementType: string,
): Promise<StatusRow[]> {
  return s.dialect === 'mysql'
    ? mysqlRss.selectResourceStatuses(s.db, s.tables, statusTypes, elementType)
    : pg.selectResourceStatuses(s.db, statusTypes, elementType);
}

/** Every row of one current-status table, ordered by name, status type and VO (for listings). */
export function listStatuses(s: Session, table: StatusTable, elementType?: string): Promise<StatusRow[]> {
  return s.dialect === 'mysql'
    ? mysqlRss.listStatuses(s.db, s.tables, table, elementType)
    : pg.listStatuses(s.db, table, elementType);
}

/**
 * Sets one status: the current row (name, status type, VO) is inserted or replaced, and the
 * change is appended to the log table, as DIRAC's `ResourceStatusClient` records every change.
 */
export function writeStatus(s: Session, table: StatusTable, write: StatusWrite): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlRss.writeStatus(s.db, s.tables, table, write)
    : pg.writeStatus(s.db, table, write);
}

/** The status types one resource has rows of, for one VO and element type. */
export function resourceStatusTypes(s: Session, name: string, vo: string, elementType: string): Promise<string[]> {
  return s.dialect === 'mysql'
    ? mysqlRss.resourceStatusTypes(s.db, s.tables, { name, vo, elementType })
    : pg.resourceStatusTypes(s.db, name, vo, elementType);
}

/** Deletes one current-status row; returns whether there was one. */
export function deleteStatus(s: Session, table: StatusTable, key: StatusKey): Promise<boolean> {
  return s.dialect === 'mysql' ? mysqlRss.deleteStatus(s.db, s.tables, table, key) : pg.deleteStatus(s.db, table, key);
}
