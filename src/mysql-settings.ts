/**
 * @module mysql-settings
 * DiracX's database settings, so that one environment serves DiracX and us: the seven
 * `DIRACX_DB_URL_<DB>` of the DiracX databases we share (all or none), and `DIRACX_OWN_DB_URL`,
 * the MySQL database of our own tables (what DiracX lacks), on the same server as the same user
 * (one pool reaches them all by qualified names). `DATABASE_URL` stays PostgreSQL's, for
 * standalone installations: the two are exclusive.
 */
import type { z } from 'zod';
import type { MysqlDatabaseNames } from './db/mysql/database.ts';
import { type DiracxSqlDatabase, SQL_DATABASES } from './db/mysql/schema/index.ts';
import { type MysqlUrl, parseMysqlUrl } from './db/mysql/urls.ts';

/** `DIRACX_DB_URL_JOBDB` and so on, as DiracX names them. */
export const DB_URL_SETTINGS = Object.fromEntries(
  SQL_DATABASES.map((db) => [db, `DIRACX_DB_URL_${db.toUpperCase()}`]),
) as Record<DiracxSqlDatabase, `DIRACX_DB_URL_${Uppercase<DiracxSqlDatabase>}`>;

export const OWN_DB_URL_SETTING = 'DIRACX_OWN_DB_URL';

/** The settings object (or any record of them): the URL settings are strings when set. */
type DbUrlValues = { readonly [name: string]: unknown };

const text = (s: DbUrlValues, name: string): string | undefined => {
  const value = s[name];
  return typeof value === 'string' ? value : undefined;
};

/** The parts of every MySQL URL set, or undefined when none is. */
function parsedUrls(s: DbUrlValues): { own?: MysqlUrl; diracx: Partial<Record<DiracxSqlDatabase, MysqlUrl>> } {
  const diracx: Partial<Record<DiracxSqlDatabase, MysqlUrl>> = {};
  for (const db of SQL_DATABASES) {
    const value = text(s, DB_URL_SETTINGS[db]);
    const parsed = value === undefined ? undefined : parseMysqlUrl(value);
    if (parsed && !('error' in parsed)) diracx[db] = parsed;
  }
  const ownValue = text(s, OWN_DB_URL_SETTING);
  const own = ownValue === undefined ? undefined : parseMysqlUrl(ownValue);
  return { ...(own && !('error' in own) ? { own } : {}), diracx };
}

/** A zod refinement over the whole settings object: a half-configured set names what is missing. */
export function checkMysqlSettings(s: DbUrlValues, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const set = SQL_DATABASES.filter((db) => text(s, DB_URL_SETTINGS[db]) !== undefined);
  const ownSet = text(s, OWN_DB_URL_SETTING) !== undefined;
  if (set.length === 0 && !ownSet) return;
  const missing = SQL_DATABASES.filter((db) => !set.includes(db)).map((db) => DB_URL_SETTINGS[db]);
  for (const name of missing) {
    const others = missing.filter((m) => m !== name).join(', ') || 'none';
    issue(
      name,
      `is required: DiracX's databases are shared all together (set: ${set.length} of 7; also missing: ${others})`,
    );
  }
  if (!ownSet) issue(OWN_DB_URL_SETTING, 'is required with DIRACX_DB_URL_*: the MySQL database of our own tables');
  if (text(s, 'DATABASE_URL') !== undefined) {
    issue(
      'DATABASE_URL',
      `cannot be used with DIRACX_DB_URL_* (PostgreSQL for standalone use, or DiracX's MySQL databases, not both)`,
    );
  }
  const urls = parsedUrls(s);
  if (!urls.own) return;
  for (const db of SQL_DATABASES) {
    const url = urls.diracx[db];
    if (!url) continue;
    if (url.server !== urls.own.server) {
      issue(
        DB_URL_SETTINGS[db],
        `must name the server and user of ${OWN_DB_URL_SETTING} (one pool reaches every database)`,
      );
    }
    if (url.database === urls.own.database) {
      issue(OWN_DB_URL_SETTING, `must name a database of its own, not DiracX's ${db} (${url.database})`);
    }
  }
}

/** Where MySQL/MariaDB serves us, when the settings say so (already checked by `checkMysqlSettings`). */
export function mysqlTarget(s: DbUrlValues): { url: string; names: MysqlDatabaseNames } | undefined {
  const urls = parsedUrls(s);
  if (!urls.own) return undefined;
  const diracx = {} as Record<DiracxSqlDatabase, string>;
  for (const db of SQL_DATABASES) {
    const url = urls.diracx[db];
    if (!url) return undefined;
    diracx[db] = url.database;
  }
  return { url: urls.own.driverUrl, names: { own: urls.own.database, diracx } };
}

/** Why a worker (Cloudflare Workers) refuses DiracX's MySQL databases. */
export const MYSQL_NEEDS_SERVER_PROCESS =
  "DiracX's MySQL/MariaDB databases (DIRACX_DB_URL_*, DIRACX_OWN_DB_URL) are served by the server process " +
  '(`bun run server`, the image), not by a worker, which speaks PostgreSQL only';
