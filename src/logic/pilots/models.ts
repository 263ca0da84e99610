/**
 * @module logic/pilots/models
 * The wire bodies of the pilot management routes (DiracX's `core/models/pilot.py`):
 * `PilotRegistrationParams` for `POST /api/pilots/` and `PilotMetadata` keyed by stamp for
 * `PATCH /api/pilots/metadata`. Both refuse unknown keys (`extra="forbid"`) and bound every
 * text by its `PilotAgents` column size, so oversized values are a 422, never a database
 * error. Each carries DiracX's model name for the OpenAPI document. Validation only: no
 * database, no HTTP.
 */
import { z } from '../../core/openapi-zod.ts';

/** DiracX's `PilotStatus`. */
export const PILOT_STATUSES = [
  'Submitted',
  'Waiting',
  'Running',
  'Done',
  'Failed',
  'Deleted',
  'Aborted',
  'Unknown',
] as const;
export const PilotStatus = z.enum(PILOT_STATUSES).openapi('PilotStatus');
export type PilotStatus = z.infer<typeof PilotStatus>;

const INT4_MAX = 2_147_483_647;

/**
 * Text of `min` to `max` characters. NUL is refused here since PostgreSQL text cannot hold it
 * (a refinement, so it stays out of the OpenAPI document and the generated client).
 */
function columnText(max: number, min = 0): z.ZodString {
  const text = min > 0 ? z.string().min(min).max(max) : z.string().max(max);
  return text.refine((s) => !s.includes('\u0000'), 'Text must not contain NUL characters');
}

/** Body of `POST /api/pilots/`: one pilot per call, as in current DiracX. */
export const PilotRegistrationParams = z
  .strictObject({
    pilot_stamp: columnText(32, 1).describe('Stamp of the pilot to create.'),
    vo: columnText(128, 1).describe('Pilot virtual organization.'),
    grid_type: columnText(32).default('DIRAC').describe('Grid type of the pilot.'),
    grid_site: columnText(128).default('Unknown').describe('Pilot grid site.'),
    destination_site: columnText(128).default('NotAssigned').describe('Pilot destination site.'),
    pilot_reference: columnText(255)
      .nullable()
      .default(null)
      .describe('CE job reference of the pilot; defaults to the stamp.'),
    pilot_status: PilotStatus.default('Submitted').describe('Initial status of the pilot.'),
  })
  .openapi('PilotRegistrationParams');
export type PilotRegistrationParams = z.infer<typeof PilotRegistrationParams>;

/**
 * The mutable metadata of one pilot, by DiracX alias. Every field is optional; absent or
 * `null` leaves the column untouched (pydantic's `exclude_none`). DiracX also accepts the
 * snake_case field names (`populate_by_name`); its clients send aliases, so only those are here.
 */
export const PilotMetadata = z
  .strictObject({
    StatusReason: columnText(255).nullish().describe('Human-readable reason for the current status.'),
    // Not `.nullish().describe()`: the OpenAPI document would lose the reference to PilotStatus.
    Status: PilotStatus.nullable().describe('Current pilot status.').optional(),
    BenchMark: z.number().nullish().describe('Pilot benchmark value.'),
    DestinationSite: columnText(128).nullish().describe('Destination site.'),
    Queue: columnText(128).nullish().describe('Batch queue name.'),
    GridSite: columnText(128).nullish().describe('Grid site.'),
    GridType: columnText(32).nullish().describe('Grid type.'),
    AccountingSent: z.boolean().nullish().describe('Whether accounting has been sent for this pilot.'),
    // Bounded by the `CurrentJobID` integer column (pydantic's `int` is not).
    CurrentJobID: z
      .int()
      .min(-INT4_MAX - 1)
      .max(INT4_MAX)
      .nullish()
      .describe('ID of the job currently running on this pilot.'),
  })
  .openapi('PilotMetadata');
export type PilotMetadata = z.infer<typeof PilotMetadata>;

/** Body of `PATCH /api/pilots/metadata`: pilot stamp → the metadata to apply to it. */
export const PilotMetadataUpdates = z
  .record(
    z.string().refine((s) => !s.includes('\u0000'), 'Stamps do not contain NUL characters'),
    PilotMetadata,
  )
  .describe('Mapping from pilot stamp to the metadata to apply.');
export type PilotMetadataUpdates = z.infer<typeof PilotMetadataUpdates>;

/** The wire fields of `PilotMetadata` that are set (non-null), in declaration order. */
export type PilotMetadataField = keyof PilotMetadata;
export const PILOT_METADATA_FIELDS = Object.keys(PilotMetadata.shape) as PilotMetadataField[];

/** Only the fields a metadata entry sets: `null` and absent both mean "leave as is". */
export function setFields(
  metadata: PilotMetadata,
): Partial<{ [K in PilotMetadataField]: NonNullable<PilotMetadata[K]> }> {
  const out: Partial<Record<PilotMetadataField, unknown>> = {};
  for (const field of PILOT_METADATA_FIELDS) {
    const value = metadata[field];
    if (value !== null && value !== undefined) out[field] = value;
  }
  return out as Partial<{ [K in PilotMetadataField]: NonNullable<PilotMetadata[K]> }>;
}
