/**
 * @module db/mysql/migration-lock
 * The one server-wide lock every MySQL/MariaDB migrator takes (`GET_LOCK`): the core's
 * (`./migrate.ts`) and the extensions' (`../../extensions/migrate-mysql.ts`). `GET_LOCK` belongs to
 * a connection, so the work runs on one connection held for the lock's lifetime (a transaction,
 * only for that: MySQL commits DDL as it goes); the lock is released when the work ends, and by
 * the server if the connection is lost. Instances starting together migrate one after another,
 * each finding done what the one before applied.
 */
import { sql } from 'drizzle-orm';
import type { MysqlDatabase, MysqlTx } from './database.ts';

/** The lock's name: the same for every instance and version of the server. */
export const MYSQL_MIGRATION_LOCK = 'diracx-ts-migrations';
/** How long an instance waits for another's migration before giving up, in seconds. */
const LOCK_WAIT_SECONDS = 300;

/** The rows of a statement run on `tx` (mysql2 answers `[rows, fields]`). */
export async function rowsOf<T>(tx: MysqlTx, statement: ReturnType<typeof sql>): Promise<T[]> {
  const [rows] = (await tx.execute(statement)) as unknown as [T[]];
  return rows;
}

/**
 * Runs `work` on one connection holding the migration lock (`lockName`, by default the server's),
 * then switches that connection back to our own database and releases the lock, whether `work`
 * succeeded or threw.
 */
export async function withMysqlMigrationLock<T>(
  database: MysqlDatabase,
  work: (tx: MysqlTx) => Promise<T>,
  lockName: string = MYSQL_MIGRATION_LOCK,
): Promise<T> {
  return database.db.transaction(async (tx) => {
    const [lock] = await rowsOf<{ got: number | null }>(
      tx,
      sql`SELECT GET_LOCK(${lockName}, ${LOCK_WAIT_SECONDS}) AS got`,
    );
    if (lock?.got !== 1) throw new Error(`could not take the migration lock within ${LOCK_WAIT_SECONDS} s`);
    try {
      return await work(tx);
    } finally {
      await tx.execute(sql`USE ${sql.identifier(database.names.own)}`);
      await tx.execute(sql`SELECT RELEASE_LOCK(${lockName})`);
    }
  });
}
