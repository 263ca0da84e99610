/**
 * @module db/mysql/urls
 * Reads DiracX's database URLs (`DIRACX_DB_URL_<DB>`): `mysql+aiomysql://user:pass@host:port/Name`
 * as DiracX writes them, any other `mysql+<driver>://` of SQLAlchemy's, or plain `mysql://`. What
 * we keep is the server (user, password, host, port), the database name, and a `mysql://` URL for
 * mysql2; SQLAlchemy's query options (`?charset=…`) are not read.
 */

export interface MysqlUrl {
  /** `mysql://user:password@host:port/database`, for mysql2. */
  readonly driverUrl: string;
  /** user, password, host and port: URLs with the same `server` reach the same server as the same user. */
  readonly server: string;
  readonly database: string;
}

const SCHEME = /^mysql(\+[a-z0-9_]+)?:\/\//i;

/** The URL's parts, or a sentence saying what is wrong with it. */
export function parseMysqlUrl(text: string): MysqlUrl | { error: string } {
  if (!SCHEME.test(text)) return { error: 'expected a mysql:// or mysql+aiomysql:// URL (DiracX on MySQL/MariaDB)' };
  let url: URL;
  try {
    url = new URL(text.replace(SCHEME, 'mysql://'));
  } catch {
    return { error: 'expected mysql://user:password@host:port/database' };
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.hostname === '' || database === '' || database.includes('/') || database.includes('`')) {
    return { error: 'expected mysql://user:password@host:port/database, with the database name as its path' };
  }
  const port = url.port || '3306';
  const driver = new URL(`mysql://${url.host}`);
  driver.port = port;
  driver.username = url.username;
  driver.password = url.password;
  driver.pathname = `/${encodeURIComponent(database)}`;
  return {
    driverUrl: driver.toString(),
    server: `${url.username}:${url.password}@${url.hostname}:${port}`,
    database,
  };
}
