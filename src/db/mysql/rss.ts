/**
 * @module db/mysql/rss
 * Site and resource statuses in DiracX's ResourceStatusDB on MySQL/MariaDB
 * (`diracx/db/sql/rss/db.py`): the current status of each (Name, StatusType, VO) and the log of
 * every change, so that statuses DIRAC's Resource Status System or DiracX writes are the ones we
 * serve, and ours theirs. The same functions as `../rss.ts` over the qualified tables; the
 * caller owns the transaction.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { StatusKey, StatusRow, StatusTable, StatusWrite } from '../rss.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'siteStatus' | 'resourceStatus' | 'siteLog' | 'resourceLog'>;

const tablesOf = (t: Tables, table: StatusTable) =>
  table === 'site' ? { current: t.siteStatus, log: t.siteLog } : { current: t.resourceStatus, log: t.resourceLog };

const columnsOf = (table: Tables['siteStatus'] | Tables['resourceStatus']) => ({
  name: table.name,
  statusType: table.statusType,
  vo: table.vo,
  status: table.status,
  reason: table.reason,
  elementType: table.elementType,
  dateEffective: table.dateEffective,
});

export async function selectSiteStatuses(db: Handle, t: Tables): Promise<StatusRow[]> {
  return db.select(columnsOf(t.siteStatus)).from(t.siteStatus);
}

export async function selectResourceStatuses(
  db: Handle,
  t: Tables,
  statusTypes: readonly string[],
  elementType: string,
): Promise<StatusRow[]> {
  const r = t.resourceStatus;
  return db
    .select(columnsOf(r))
    .from(r)
    .where(and(inArray(r.statusType, [...statusTypes]), eq(r.elementType, elementType)));
}

export async function listStatuses(
  db: Handle,
  t: Tables,
  table: StatusTable,
  elementType?: string,
): Promise<StatusRow[]> {
  const { current } = tablesOf(t, table);
  const where: SQL | undefined = elementType === undefined ? undefined : eq(current.elementType, elementType);
  return db
    .select(columnsOf(current))
    .from(current)
    .where(where)
    .orderBy(asc(current.name), asc(current.statusType), asc(current.vo));
}

/** Sets the current status of one element and logs the change. */
export async function writeStatus(tx: Handle, t: Tables, table: StatusTable, write: StatusWrite): Promise<void> {
  const { current, log } = tablesOf(t, table);
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
  const latest = (column: { name: string }) => sql`VALUES(${sql.identifier(column.name)})`;
  await tx
    .insert(current)
    .values(row)
    .onDuplicateKeyUpdate({
      set: {
        status: latest(current.status),
        reason: latest(current.reason),
        elementType: latest(current.elementType),
        dateEffective: latest(current.dateEffective),
        lastCheckTime: latest(current.lastCheckTime),
        tokenOwner: latest(current.tokenOwner),
      },
    });
  await tx.insert(log).values(row);
}

export async function resourceStatusTypes(
  db: Handle,
  t: Tables,
  key: { name: string; vo: string; elementType: string },
): Promise<string[]> {
  const r = t.resourceStatus;
  const rows = await db
    .select({ statusType: r.statusType })
    .from(r)
    .where(and(eq(r.name, key.name), eq(r.vo, key.vo), eq(r.elementType, key.elementType)));
  return rows.map((row) => row.statusType);
}

export async function deleteStatus(tx: Handle, t: Tables, table: StatusTable, key: StatusKey): Promise<boolean> {
  const { current } = tablesOf(t, table);
  const [header] = await tx
    .delete(current)
    .where(and(eq(current.name, key.name), eq(current.statusType, key.statusType), eq(current.vo, key.vo)));
  return header.affectedRows > 0;
}
