/**
 * The pilot tables as tests read them, on either dialect of the test database: PostgreSQL's
 * schema (`src/db/schema/pilots.ts`) or DiracX's PilotAgentsDB on MySQL/MariaDB, whose drizzle
 * tables share the property names. Rows come back in one shape: MySQL's `EnumBackedBool`
 * `AccountingSent` ('True'/'False') as the boolean PostgreSQL stores.
 */
import { asc, eq } from 'drizzle-orm';
import { jobToPilotMapping, pilotAgents } from '../../src/db/schema/pilots.ts';
import type { AnyDatabase } from './database.ts';

export type PilotRow = typeof pilotAgents.$inferSelect;

/** The `PilotAgents` rows stamped `stamp`, by pilot id. */
export async function readPilotRows(database: AnyDatabase, stamp: string): Promise<PilotRow[]> {
  if (database.driver === 'mysql') {
    const t = database.tables.pilotAgents;
    const rows = await database.db.select().from(t).where(eq(t.pilotStamp, stamp)).orderBy(asc(t.pilotId));
    return rows.map((r) => ({ ...r, accountingSent: r.accountingSent === 'True' }));
  }
  return database.db
    .select()
    .from(pilotAgents)
    .where(eq(pilotAgents.pilotStamp, stamp))
    .orderBy(asc(pilotAgents.pilotId));
}

/** The (stamp, job) pairs recorded in `JobToPilotMapping`, by stamp then job. */
export async function readPilotJobMappings(database: AnyDatabase): Promise<[string, number][]> {
  const rows =
    database.driver === 'mysql'
      ? await database.db
          .select({ stamp: database.tables.pilotAgents.pilotStamp, jobId: database.tables.jobToPilotMapping.jobId })
          .from(database.tables.jobToPilotMapping)
          .innerJoin(
            database.tables.pilotAgents,
            eq(database.tables.pilotAgents.pilotId, database.tables.jobToPilotMapping.pilotId),
          )
      : await database.db
          .select({ stamp: pilotAgents.pilotStamp, jobId: jobToPilotMapping.jobId })
          .from(jobToPilotMapping)
          .innerJoin(pilotAgents, eq(pilotAgents.pilotId, jobToPilotMapping.pilotId));
  // Ordered here: MySQL's case-insensitive collation would order the stamps otherwise.
  return rows
    .map((r): [string, number] => [r.stamp, r.jobId])
    .sort(([s1, j1], [s2, j2]) => (s1 < s2 ? -1 : s1 > s2 ? 1 : j1 - j2));
}
