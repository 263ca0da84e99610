import {
  getPilotsByStamp,
  insertJobsOfPilot,
  insertPilot,
  updatePilotsByStamp,
  type PilotColumnValues,
} from '../../db/pilots.ts';
import { pyStr } from '../../db/search/messages.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../../core/errors.ts';
import {
  setFields,
  type PilotMetadata,
  type PilotMetadataField,
  type PilotMetadataUpdates,
  type PilotRegistrationParams,
} from './models.ts';
import type { LogicContext } from '../call-context.ts';

export type PilotsContext = Pick<LogicContext, 'database' | 'config' | 'now'>;

/** `PilotMetadata` alias → `PilotAgents` column key. */
const COLUMN_OF: Readonly<Record<PilotMetadataField, keyof PilotColumnValues>> = {
  StatusReason: 'statusReason',
  Status: 'status',
  BenchMark: 'benchMark',
  DestinationSite: 'destinationSite',
  Queue: 'queue',
  GridSite: 'gridSite',
  GridType: 'gridType',
  AccountingSent: 'accountingSent',
  CurrentJobID: 'currentJobId',
};

/**
 * Registers one pilot with `SubmissionTime` = `LastUpdateTime` = now; the reference defaults
 * to the stamp (also when empty, as DiracX's truthiness test does). Throws
 * `InvalidInputError` when the VO is not in the Registry and `ConflictError` when the stamp
 * exists (decided by the unique index, so concurrent registrations cannot both win).
 */
export async function registerPilot(ctx: PilotsContext, registration: PilotRegistrationParams): Promise<void> {
  const { pilot_stamp: stamp, vo } = registration;
  // TODO (as DiracX #1005): also check grid type and sites once Resources is modelled.
  if (!Object.hasOwn(ctx.config.Registry, vo)) {
    throw new InvalidInputError(`VO ${pyStr(vo)} is not registered in this installation.`);
  }
  const now = ctx.now();
  const pilotId = await insertPilot(ctx.database.session, {
    pilotStamp: stamp,
    pilotJobReference: registration.pilot_reference || stamp,
    vo,
    gridType: registration.grid_type,
    gridSite: registration.grid_site,
    destinationSite: registration.destination_site,
    status: registration.pilot_status,
    submissionTime: now,
    lastUpdateTime: now,
  });
  if (pilotId === undefined) throw new ConflictError(`Pilot with stamp ${pyStr(stamp)} already exists`);
}

function toColumnValues(metadata: PilotMetadata): PilotColumnValues {
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(setFields(metadata))) {
    values[COLUMN_OF[field as PilotMetadataField]] = value;
  }
  // Each alias maps to the column of the same type (checked by the `PilotMetadata` schema).
  return values as PilotColumnValues;
}

/**
 * Applies each stamp's own subset of fields, all or nothing, and sets `LastUpdateTime` of
 * every listed pilot to now, including one whose entry sets nothing (DiracX skips the whole
 * update when no entry sets anything; a uniform "touch" is simpler to reason about). Throws
 * `NotFoundError` when a stamp matches no pilot.
 */
export async function updatePilotsMetadata(ctx: PilotsContext, updates: PilotMetadataUpdates): Promise<void> {
  const byStamp = new Map(Object.entries(updates).map(([stamp, metadata]) => [stamp, toColumnValues(metadata)]));
  if (byStamp.size === 0) return;
  await ctx.database.transaction(async (tx) => {
    const updated = await updatePilotsByStamp(tx, byStamp, ctx.now());
    if (updated.length !== byStamp.size) throw new NotFoundError('at least one of the given pilots does not exist.');
  });
}

/**
 * Records that the pilot with `stamp` ran `jobIds` (DiracX's `assign_jobs_to_pilot`; no
 * route serves it upstream yet). Jobs are not checked for existence, as in DiracX (no foreign
 * key). Throws `NotFoundError` for an unknown stamp and `ConflictError`, changing nothing,
 * when a pair is already recorded.
 */
export async function assignJobsToPilot(ctx: PilotsContext, stamp: string, jobIds: readonly number[]): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const [pilot] = await getPilotsByStamp(tx, [stamp]);
    if (!pilot) throw new NotFoundError(`pilot ${pyStr(stamp)} does not exist`);
    const inserted = await insertJobsOfPilot(tx, pilot.pilotId, jobIds, ctx.now());
    if (inserted !== new Set(jobIds).size) {
      throw new ConflictError('at least one of these pilots is already associated with a given job.');
    }
  });
}
