/**
 * Shared fixtures of the pilot logic and policy tests: a migrated test database with the shipped
 * configuration and a fixed clock, callers built with any VO and properties, and readers of
 * the pilot tables.
 */
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../../src/config/file-source.ts';
import type { Config } from '../../../src/config/schema.ts';
import type { AuthedUser } from '../../../src/core/user.ts';
import type { PilotsContext } from '../../../src/logic/pilots/management.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { type PilotRow, readPilotJobMappings, readPilotRows } from '../../harness/pilot-rows.ts';

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

export type { PilotRow };

/** The pilot stamped `stamp` (the test fails when there is none, or more than one). */
export async function readPilot(f: PilotsFixture, stamp: string): Promise<PilotRow> {
  const rows = await readPilotRows(f.t.database, stamp);
  if (rows.length !== 1) throw new Error(`${rows.length} pilots stamped ${stamp} in the database`);
  return rows[0]!;
}

/** The (stamp, job) pairs recorded in `JobToPilotMapping`, ordered. */
export const readMappings = (f: PilotsFixture): Promise<[string, number][]> => readPilotJobMappings(f.t.database);
