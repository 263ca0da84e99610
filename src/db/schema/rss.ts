/**
 * @module db/schema/rss
 * DiracX's ResourceStatusDB (`diracx-db/.../rss/schema.py`), which DIRAC's Resource Status
 * System fills: the current status of each site (`SiteStatus`) and of each resource
 * (`ResourceStatus`: compute elements, storage elements, FTS servers), and the log and history
 * tables of both, with DIRAC's table and column names, lengths and server defaults. Every column
 * is NOT NULL, as SQLAlchemy makes a non-optional `Mapped[...]` column.
 */
import { bigserial, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

/** `SmarterDateTime`: time-zone aware UTC on PostgreSQL. */
const utcTimestamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The columns every status table shares (DiracX's `ElementStatusBase`). */
const statusColumns = () => ({
  /** The site or resource, e.g. `LCG.CERN.cern`, `ce1.cern.ch`, `CERN-DST-EOS`. */
  name: varchar('Name', { length: 64 }).notNull(),
  /** `all`, or for storage elements one of `ReadAccess`, `WriteAccess`, `CheckAccess`, `RemoveAccess`. */
  statusType: varchar('StatusType', { length: 128 }).notNull().default('all'),
  /** The VO the status applies to; `all` for every VO (a VO's own row overrides it). */
  vo: varchar('VO', { length: 64 }).notNull().default('all'),
  /** DIRAC's status: `Active`, `Degraded` (allowed), `Banned`, `Probing`, `Error`, `Unknown`. */
  status: varchar('Status', { length: 8 }).notNull().default(''),
  reason: varchar('Reason', { length: 512 }).notNull().default('Unspecified'),
  /** When the status took effect; the read routes' ETag and Last-Modified are derived from it. */
  dateEffective: utcTimestamp('DateEffective').notNull(),
  tokenExpiration: utcTimestamp('TokenExpiration').notNull().default(new Date('9999-12-31T23:59:59Z')),
  /** `Site`, `ComputeElement`, `StorageElement` or `FTS`. */
  elementType: varchar('ElementType', { length: 32 }).notNull().default(''),
  lastCheckTime: utcTimestamp('LastCheckTime').notNull().default(new Date('1000-01-01T00:00:00Z')),
  tokenOwner: varchar('TokenOwner', { length: 16 }).notNull().default('rs_svc'),
});

/** The log and history tables: the same columns under an autoincrement `ID` (`ElementStatusBaseWithID`). */
const loggedStatusColumns = () => ({ id: bigserial('ID', { mode: 'number' }).primaryKey(), ...statusColumns() });

export const siteStatus = pgTable('SiteStatus', statusColumns(), (t) => [
  primaryKey({ name: 'SiteStatus_pk', columns: [t.name, t.statusType, t.vo] }),
]);

export const resourceStatus = pgTable('ResourceStatus', statusColumns(), (t) => [
  primaryKey({ name: 'ResourceStatus_pk', columns: [t.name, t.statusType, t.vo] }),
]);

export const siteLog = pgTable('SiteLog', loggedStatusColumns());
export const siteHistory = pgTable('SiteHistory', loggedStatusColumns());
export const resourceLog = pgTable('ResourceLog', loggedStatusColumns());
export const resourceHistory = pgTable('ResourceHistory', loggedStatusColumns());

export type SiteStatusRow = typeof siteStatus.$inferSelect;
export type ResourceStatusRow = typeof resourceStatus.$inferSelect;
