/**
 * Shared fixtures of the pilot logic and policy tests: a migrated test database with the shipped
 * configuration and a fixed clock, callers built with any VO and properties, and readers of
 * the pilot tables.
 */
import { asc, eq } from 'drizzle-orm';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../../src/config/file-source.ts';
import type { Config } from '../../../src/config/schema.ts';
import { jobToPilotMapping, pilotAgents } from '../../../src/db/schema/pilots.ts';
import type { AuthedUser } from '../../../src/core/user.ts';
import type { PilotsContext } from '../../../src/logic/pilots/management.ts';
import { createTestDatabase, type TestDatabase, postgresOf } from '../../harness/database.ts';

/** The fixed "now" of the logic tests. */
export const T0 = new Date('2026-03-01T12:00:00.000Z');

export interface PilotsFixture {
  t: TestDatabase;
  config: Config;
  ctx: PilotsContext;
  /** Sets the time `ctx.now()` answers. */
  setNow(date: Date): void;
}

export async function createPilotsFixture(): Promise<PilotsFixture> {
  const [t, { config }] = await Promise.all([createTestDatabase(), loadConfigFile(DEFAULT_CONFIG_PATH)]);
  let now = T0;
  return { t, config, ctx: { database: t.database, config, now: () => now }, setNow: (d) => (now = d) };
}

/** A verified caller of `vo` holding `properties`. */
export function caller(vo: string, properties: readonly string[]): AuthedUser {
  return {
    sub: `${vo}:someone`,
    preferredUsername: 'someone',
    vo,
    diracGroup: `${vo}_group`,
    properties,
    tokenId: 't',
    policies: {},
    expiresAt: 0,
  };
}

export type PilotRow = typeof pilotAgents.$inferSelect;

export async function readPilot(f: PilotsFixture, stamp: string): Promise<PilotRow> {
  const [row] = await postgresOf(f.t.database).db.select().from(pilotAgents).where(eq(pilotAgents.pilotStamp, stamp));
  if (!row) throw new Error(`pilot ${stamp} not in the database`);
  return row;
}

/** The (stamp, job) pairs recorded in `JobToPilotMapping`, ordered. */
export async function readMappings(f: PilotsFixture): Promise<[string, number][]> {
  const rows = await postgresOf(f.t.database)
    .db.select({ stamp: pilotAgents.pilotStamp, jobId: jobToPilotMapping.jobId })
    .from(jobToPilotMapping)
    .innerJoin(pilotAgents, eq(pilotAgents.pilotId, jobToPilotMapping.pilotId))
    .orderBy(asc(pilotAgents.pilotStamp), asc(jobToPilotMapping.jobId));
  return rows.map((r) => [r.stamp, r.jobId]);
}
