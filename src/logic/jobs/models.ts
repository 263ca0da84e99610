/**
 * @module logic/jobs/models
 * Wire models of the job status, heartbeat and metadata operations (DiracX's
 * `core/models/job.py`), with DiracX's JSON names and pydantic's coercions, and the datetime
 * handling they need (pydantic's ISO/unix parsing, its `Z` serialisation, Python's `str(dt)`).
 * Routes validate bodies with these schemas and hand the output to the logic unchanged. The
 * schemas DiracX names carry its model names (`.openapi('JobStatus')`): the OpenAPI document
 * lists them as components. No I/O here.
 */
import { z } from '../../core/openapi-zod.ts';
import { pyBool, pyFloat, pyInt } from '../../config/schema-primitives.ts';
import { JOB_STATUSES } from './job-status.ts';

/** A parsed datetime: the instant in µs since the epoch, and how it was written. */
export interface Timestamp {
  /** Microseconds since 1970-01-01T00:00:00Z (naive values are read as UTC). */
  readonly us: number;
  /** Offset from UTC in minutes; `null` for a naive datetime. */
  readonly offsetMinutes: number | null;
  /** Python's `str(dt)`: `2024-01-01 10:00:00.123456+01:00` (no offset when naive). */
  readonly pythonStr: string;
}

// Date, then optionally a time with seconds and fraction, then optionally Z or an offset.
const ISO_DATETIME = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})` +
    String.raw`(?:[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$`,
);
const UNIX_TIME = /^[+-]?\d+(?:\.\d+)?$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
/** Python's datetime range, 0001-01-01 to 9999-12-31 (µs since the epoch); pydantic refuses unix times outside it. */
const MIN_DATETIME_US = -62_135_596_800_000_000;
// 9999-12-31T23:59:59.999999 is 253_402_300_799_999_999 µs, which a double rounds to this value.
const MAX_DATETIME_US = 253_402_300_800_000_000;

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Python's `str(timedelta(minutes=m))` for an offset: `1:00:00`, `-1 day, 19:00:00`. */
function pythonTimedelta(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const rest = minutes - days * 1440;
  const dayPart = days ? `${days} day${Math.abs(days) === 1 ? '' : 's'}, ` : '';
  return `${dayPart}${Math.floor(rest / 60)}:${pad(rest % 60)}:00`;
}

/** Python's `str()` of the wall-clock time `us` (µs as if UTC). */
function pythonWallClock(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = (new Date(ms).getUTCMilliseconds() * 1000 + (us - ms * 1000)) | 0;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micros ? `.${pad(micros, 6)}` : ''}`;
}

/**
 * Parses a datetime as pydantic does (lax mode): ISO 8601 with `T`, `t`, `_` or space, optional
 * seconds and fraction, `Z` or `±HH[:MM]` offset; a bare date is naive midnight; a number is
 * unix time (milliseconds above 2e10), always UTC. Returns undefined when it is not a datetime.
 */
export function parseTimestamp(text: string): Timestamp | undefined {
  if (UNIX_TIME.test(text)) {
    const seconds = Math.abs(Number(text)) > 2e10 ? Number(text) / 1000 : Number(text);
    const us = Math.round(seconds * 1e6);
    // Out of range is "not a datetime" (pydantic's 422), never a RangeError further down.
    if (!Number.isFinite(us) || us < MIN_DATETIME_US || us > MAX_DATETIME_US) return undefined;
    return { us, offsetMinutes: 0, pythonStr: `${pythonWallClock(us)}+00:00` };
  }
  const m = ISO_DATETIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second);
  if (
    year < 1 ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return undefined;
  let offsetMinutes: number | null = null;
  if (m[8]) offsetMinutes = 0;
  else if (m[9]) {
    const [hours, minutes] = [Number(m[10]), Number(m[11] ?? 0)];
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const wallUs = date.getTime() * 1000 + Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  const pythonStr = pythonWallClock(wallUs) + (offsetMinutes === null ? '' : formatOffset(offsetMinutes));
  return { us: wallUs - (offsetMinutes ?? 0) * 60_000_000, offsetMinutes, pythonStr };
}

/** An instant as pydantic serialises a UTC datetime: `2024-01-01T00:00:00.123456Z`, no fraction when zero. */
export function formatUtc(us: number): string {
  return `${pythonWallClock(us).replace(' ', 'T')}Z`;
}

/** `JobID` is a 32-bit integer column (as in DiracX's MySQL): a wider number names no job. */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;
const INT4_MESSAGE = 'Input should be a job ID (a 32-bit integer)';

/** A job ID in a JSON body; out of the column's range is a 422, not a database error. */
export const jobIdNumber = z.number().int().min(INT4_MIN, INT4_MESSAGE).max(INT4_MAX, INT4_MESSAGE);

/** Integer map keys: JSON object keys are strings (`"123"`), parsed back to int. */
export const jobIdKey = z
  .string()
  .regex(/^\s*[+-]?\d+\s*$/, 'Input should be a valid integer, unable to parse string as an integer')
  .transform(Number)
  .pipe(jobIdNumber);

/**
 * Text that reaches a PostgreSQL text or jsonb column: it cannot hold NUL (U+0000), so such a
 * value is a 422 here rather than a failed query (500). No DIRAC client sends one. The pattern
 * is in the OpenAPI document, so clients see the rule.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse NUL
export const storedText = z.string().regex(/^[^\u0000]*$/, 'Input should not contain NUL characters');

/** True when `value` (any JSON) has a NUL character in a string or an object key. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}

const datetimeKey = z.string().refine((s) => parseTimestamp(s) !== undefined, 'Input should be a valid datetime');

/** pydantic's `UTCDatetime`: aware, offset zero; serialised back as `...Z`. */
export const utcDatetime = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const parsed = parseTimestamp(String(value));
  const problem =
    parsed === undefined
      ? 'Input should be a valid datetime'
      : parsed.offsetMinutes === null
        ? 'Input should have timezone info'
        : parsed.offsetMinutes !== 0
          ? `Value error, Datetime must be in UTC, got offset ${pythonTimedelta(parsed.offsetMinutes)}`
          : undefined;
  if (problem || !parsed) {
    ctx.issues.push({ code: 'custom', message: problem ?? '', input: value });
    return z.NEVER;
  }
  return formatUtc(parsed.us);
});

export const JobStatusSchema = z.enum(JOB_STATUSES).openapi('JobStatus');

/** One status change (`JobStatusUpdate`); unknown keys are ignored, as pydantic's default. */
export const JobStatusUpdateSchema = z
  .object({
    Status: JobStatusSchema.nullish(),
    MinorStatus: storedText.nullish(),
    ApplicationStatus: storedText.nullish(),
    Source: storedText.default('Unknown'),
  })
  .openapi('JobStatusUpdate');
export type JobStatusUpdate = z.infer<typeof JobStatusUpdateSchema>;

/**
 * Body of `PATCH /api/jobs/status`: `{job_id: {datetime: JobStatusUpdate}}`; timezone awareness is
 * checked by the logic (400).
 */
export const JobStatusChangesSchema = z.record(jobIdKey, z.record(datetimeKey, JobStatusUpdateSchema));
export type JobStatusChanges = z.infer<typeof JobStatusChangesSchema>;

const nullableUtc = z.string().nullable();
/** `SetJobStatusReturnSuccess`: every field present, null when unchanged. */
export const SetJobStatusSuccessSchema = z
  .object({
    Status: z.string().nullable(),
    MinorStatus: z.string().nullable(),
    ApplicationStatus: z.string().nullable(),
    HeartBeatTime: nullableUtc,
    StartExecTime: nullableUtc,
    EndExecTime: nullableUtc,
    LastUpdateTime: nullableUtc,
  })
  .openapi('SetJobStatusReturnSuccess');
export type SetJobStatusSuccess = z.infer<typeof SetJobStatusSuccessSchema>;

export const SetJobStatusReturnSchema = z
  .object({
    success: z.record(z.string(), SetJobStatusSuccessSchema),
    failed: z.record(z.string(), z.object({ detail: z.string() })),
  })
  .openapi('SetJobStatusReturn');
export type SetJobStatusReturn = z.infer<typeof SetJobStatusReturnSchema>;

/** Numeric heartbeat fields, stored in `HeartBeatLoggingInfo` (DiracX's `JobDB.heartbeat_fields`). */
export const HEARTBEAT_FIELDS = [
  'LoadAverage',
  'MemoryUsed',
  'Vsize',
  'AvailableDiskSpace',
  'CPUConsumed',
  'WallClockTime',
] as const;

/** `HeartbeatData` (extra=forbid): unknown keys are a validation error. */
export const HeartbeatDataSchema = z
  .strictObject({
    LoadAverage: pyFloat.nullish(),
    MemoryUsed: pyFloat.nullish(),
    Vsize: pyFloat.nullish(),
    AvailableDiskSpace: pyFloat.nullish(),
    CPUConsumed: pyFloat.nullish(),
    WallClockTime: pyFloat.nullish(),
    StandardOutput: storedText.nullish(),
  })
  .openapi('HeartbeatData');
export type HeartbeatData = z.infer<typeof HeartbeatDataSchema>;

export const HeartbeatBodySchema = z.record(jobIdKey, HeartbeatDataSchema);
export type HeartbeatBody = z.infer<typeof HeartbeatBodySchema>;

/** A command for a job's pilot, delivered once (`JobCommand`, snake_case on the wire). */
export const JobCommandSchema = z
  .object({
    job_id: z.number().int(),
    command: z.string(),
    arguments: z.string().nullable(),
  })
  .openapi('JobCommand');
export type JobCommand = z.infer<typeof JobCommandSchema>;

const FLOAT_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
/** DiracX's CPU fields: numbers and float strings are truncated to int (`int(float(v))`). */
const truncatedInt = z.unknown().transform((value, ctx) => {
  const n =
    typeof value === 'string' && FLOAT_TEXT.test(value)
      ? Number(value)
      : typeof value === 'boolean'
        ? Number(value)
        : value;
  if (typeof n === 'number' && Number.isFinite(n)) return Math.trunc(n);
  ctx.issues.push({
    code: 'custom',
    message: `Value error, Cannot convert '${String(value)}' to integer`,
    input: value,
  });
  return z.NEVER;
});

/** `AccountedFlag: bool | str`, restricted to what the column holds (DiracX fails with 500 on other strings). */
const accountedFlag = z.union([z.literal('Failed'), pyBool]);

const str = storedText.nullish();
const datetime = utcDatetime.nullish();
/** An integer `Jobs` column. */
const int4 = pyInt.pipe(z.number().int().min(INT4_MIN).max(INT4_MAX));

/** `JobAttributes`: the `Jobs` columns; a metadata update may set only `Site` of them (`metadata.ts`). */
export const JobAttributesShape = {
  JobType: str,
  JobGroup: str,
  Site: str,
  JobName: str,
  Owner: str,
  OwnerGroup: str,
  VO: str,
  SubmissionTime: datetime,
  RescheduleTime: datetime,
  LastUpdateTime: datetime,
  StartExecTime: datetime,
  HeartBeatTime: datetime,
  EndExecTime: datetime,
  Status: str,
  MinorStatus: str,
  ApplicationStatus: str,
  UserPriority: int4.nullish(),
  RescheduleCounter: int4.nullish(),
  VerifiedFlag: pyBool.nullish(),
  AccountedFlag: accountedFlag.nullish(),
};

/**
 * `JobParameters` with an alias (`timestamp` has none, so DiracX treats it as any other extra key).
 * `JobType` is a job attribute only (DiracX 0.7.0: a key is an attribute or a parameter, never both).
 */
export const JobParametersShape = {
  CPUNormalizationFactor: truncatedInt.nullish(),
  'NormCPUTime(s)': truncatedInt.nullish(),
  'TotalCPUTime(s)': truncatedInt.nullish(),
  HostName: str,
  GridCE: str,
  ModelName: str,
  PilotAgent: str,
  Pilot_Reference: str,
  'Memory(MB)': pyInt.nullish(),
  LocalAccount: str,
  PayloadPID: pyInt.nullish(),
  CEQueue: str,
  BatchSystem: str,
  JobStatus: str,
};

/** `JobMetaData` = attributes ∪ parameters ∪ any other key (extra=allow). */
export const JobMetaDataSchema = z
  .object({ ...JobAttributesShape, ...JobParametersShape, timestamp: datetime })
  .catchall(z.unknown().refine((v) => !hasNul(v), 'Input should not contain NUL characters'))
  // Extra keys become jsonb keys, which cannot hold NUL either.
  .refine((v) => !Object.keys(v).some((k) => k.includes('\u0000')), 'Keys should not contain NUL characters')
  .openapi('JobMetaData');
export type JobMetaData = z.infer<typeof JobMetaDataSchema>;

/** Body of `PATCH /api/jobs/metadata`. */
export const JobMetaDataBodySchema = z.record(jobIdKey, JobMetaDataSchema);
export type JobMetaDataBody = z.infer<typeof JobMetaDataBodySchema>;
