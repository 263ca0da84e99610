/**
 * @module db/mysql/schema/columns
 * Column types of DiracX's SQLAlchemy models as they land on MySQL/MariaDB, for the table
 * factories of this folder: naive `DATETIME` holding UTC (`SmarterDateTime` stores naive UTC on
 * MySQL), `UTC_TIMESTAMP()` as the server default of `datetime_now` columns, MariaDB's native
 * `UUID` (SQLAlchemy's `Uuid` there), and the string enum of `EnumBackedBool`.
 */
import { sql } from 'drizzle-orm';
import { customType, datetime, mysqlEnum, type MySqlTableFn } from 'drizzle-orm/mysql-core';

/**
 * Builds tables either unqualified (`mysqlTable`: the DDL, run inside the database) or in a named
 * database (`mysqlSchema(name).table`: the queries, which reach several DiracX databases).
 */
export type TableFn = MySqlTableFn<string | undefined>;

/** `SmarterDateTime` / `DateTime(timezone=True)`: a naive `DATETIME` read and written as UTC. */
export const utcDatetime = (name: string) => datetime(name, { mode: 'date' });

/** DiracX's `utcnow()` server default, as MariaDB reports it back. */
export const utcNow = sql`utc_timestamp()`;

/** SQLAlchemy's `Uuid(as_uuid=False)` on MariaDB: the native `UUID` type, read as text. */
export const uuidColumn = customType<{ data: string; driverData: string }>({
  dataType: () => 'uuid',
});

/** The stored spellings of `EnumBackedBool`'s two values. */
export const ENUM_BACKED_BOOL = { true: 'True', false: 'False' } as const;

/** `EnumBackedBool`: `ENUM('True','False')` on the server, a boolean to us. */
export const enumBackedBool = (name: string) => mysqlEnum(name, [ENUM_BACKED_BOOL.true, ENUM_BACKED_BOOL.false]);
