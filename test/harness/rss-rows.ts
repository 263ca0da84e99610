/**
 * The status tables of the Resource Status System (DiracX's ResourceStatusDB) as legacy DIRAC
 * leaves them, past our data layer, on either dialect of the test database: a current
 * `ResourceStatus` row alone (no log row), the other columns left to their defaults. For tests
 * that our code reads statuses others wrote.
 */
import { resourceStatus } from '../../src/db/schema/rss.ts';
import type { AnyDatabase } from './database.ts';

export interface LegacyResourceStatusRow {
  name: string;
  /** `all` unless given (the column's default). */
  statusType?: string;
  status: string;
  /** `Unspecified` unless given (the column's default). */
  reason?: string;
  elementType: string;
  dateEffective: Date;
}

/** Inserts `row` into ResourceStatus alone. */
export async function insertResourceStatusAsDirac(database: AnyDatabase, row: LegacyResourceStatusRow): Promise<void> {
  if (database.driver === 'mysql') await database.db.insert(database.tables.resourceStatus).values(row);
  else await database.db.insert(resourceStatus).values(row);
}
