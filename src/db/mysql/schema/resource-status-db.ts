/**
 * @module db/mysql/schema/resource-status-db
 * DiracX 0.7.0's ResourceStatusDB on MySQL/MariaDB (`diracx/db/sql/rss/schema.py`): the current
 * status of sites and resources (keyed by name, status type and VO) and their log and history
 * tables (an AUTO_INCREMENT `ID` as the key), with DIRAC's server defaults.
 */
import { sql } from 'drizzle-orm';
import { bigint, primaryKey, varchar } from 'drizzle-orm/mysql-core';
import { type TableFn, utcDatetime } from './columns.ts';

/** The columns every status table shares (DiracX's `ElementStatusBase`). */
const statusColumns = () => ({
  name: varchar('Name', { length: 64 }).notNull(),
  statusType: varchar('StatusType', { length: 128 }).notNull().default('all'),
  vo: varchar('VO', { length: 64 }).notNull().default('all'),
  status: varchar('Status', { length: 8 }).notNull().default(''),
  reason: varchar('Reason', { length: 512 }).notNull().default('Unspecified'),
  dateEffective: utcDatetime('DateEffective').notNull(),
  tokenExpiration: utcDatetime('TokenExpiration').notNull().default(sql`'9999-12-31 23:59:59'`),
  elementType: varchar('ElementType', { length: 32 }).notNull().default(''),
  lastCheckTime: utcDatetime('LastCheckTime').notNull().default(sql`'1000-01-01 00:00:00'`),
  tokenOwner: varchar('TokenOwner', { length: 16 }).notNull().default('rs_svc'),
});

export function resourceStatusDbTables(table: TableFn) {
  const current = <N extends string>(name: N) =>
    table(name, statusColumns(), (t) => [primaryKey({ columns: [t.name, t.statusType, t.vo] })]);
  const withId = <N extends string>(name: N) =>
    table(name, {
      id: bigint('ID', { mode: 'number' }).autoincrement().primaryKey(),
      ...statusColumns(),
    });
  return {
    siteStatus: current('SiteStatus'),
    resourceStatus: current('ResourceStatus'),
    siteLog: withId('SiteLog'),
    siteHistory: withId('SiteHistory'),
    resourceLog: withId('ResourceLog'),
    resourceHistory: withId('ResourceHistory'),
  };
}
