/**
 * @module db/search/datetime
 * DiracX's partial-datetime filters (`find_time_resolution`, `_datetime_period_bounds` and
 * `_build_datetime_range*_expr` in `diracx-db/src/diracx/db/sql/utils/base.py`): a string such
 * as `2024`, `2024-01-01 12` or `2024-01-01T12:30:00.123Z` names a UTC period at YEAR ... SECOND
 * resolution (fractions of a second truncated, `Z` only after a fraction, as DiracX's regex),
 * and each operator becomes a sargable range on the raw column. Bounds are bound parameters,
 * turned into instants by the dialect (`timestamptz` on PostgreSQL, `DATETIME` on MySQL, where
 * DiracX stores naive UTC).
 */
import { and, type Column, or, sql, type SQL } from 'drizzle-orm';
import type { SearchDialect } from './backend.ts';
import { cannotParseDatetime, invalidValue, mixedResolutions, unsupportedDatetimeOperator } from './messages.ts';
import type { ScalarFilter, VectorFilter } from './types.ts';

export type TimeResolution = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';

/** A half-open UTC period `[start, end)`, bounds as `YYYY-MM-DD HH:MM:SS` text (UTC). */
export interface Period {
  readonly resolution: TimeResolution;
  readonly start: string;
  readonly end: string;
}

// DiracX's pattern, anchored as `re.fullmatch`; ASCII digits only.
const PARTIAL_DATETIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d{1,6}Z?)?)?)?)?)?)?$/;
const RESOLUTIONS: readonly TimeResolution[] = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const formatUtc = (d: Date): string =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
  `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** A UTC date from parts; `setUTCFullYear` keeps years below 100 literal and carries overflow. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date;
}

/**
 * Parses a partial datetime into its period. Refuses what DiracX's regex refuses, and also
 * out-of-range fields (`2024-13`, `2023-02-29`, year 0), where DiracX's `strptime` fails with 500.
 */
export function parsePeriod(value: string): Period {
  const m = PARTIAL_DATETIME.exec(value);
  const parts = (m?.slice(1, 7) ?? []).filter((p): p is string => p !== undefined).map(Number);
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = parts;
  const resolution = RESOLUTIONS[parts.length - 1];
  const start = utc(y, mo, d, h, mi, s);
  const inRange = y >= 1 && mo >= 1 && mo <= 12 && start.getUTCDate() === d && h <= 23 && mi <= 59 && s <= 59;
  if (!m || !inRange || resolution === undefined) throw cannotParseDatetime(value);
  // One more unit at the resolution's position: `setUTC*` carries into the larger fields.
  const one = (r: TimeResolution): number => (r === resolution ? 1 : 0);
  const end = utc(
    y + one('YEAR'),
    mo + one('MONTH'),
    d + one('DAY'),
    h + one('HOUR'),
    mi + one('MINUTE'),
    s + one('SECOND'),
  );
  return { resolution, start: formatUtc(start), end: formatUtc(end) };
}

/** The range conditions of periods on one column, bounds made instants by the dialect. */
function ranges(dialect: SearchDialect, c: Column) {
  const at = (bound: string): SQL => dialect.utcInstant(bound);
  return {
    inside: (p: Period): SQL => sql`(${c} >= ${at(p.start)} and ${c} < ${at(p.end)})`,
    outside: (p: Period): SQL => sql`(${c} < ${at(p.start)} or ${c} >= ${at(p.end)})`,
    from: (bound: string): SQL => sql`${c} >= ${at(bound)}`,
    before: (bound: string): SQL => sql`${c} < ${at(bound)}`,
  };
}

/** A scalar filter on a datetime column: eq/neq/gt/lt on the period, anything else refused. */
export function datetimeScalarCondition(dialect: SearchDialect, column: Column, filter: ScalarFilter): SQL {
  if (typeof filter.value !== 'string') throw invalidValue(filter.parameter, 'a date-time string', filter.value);
  const period = parsePeriod(filter.value);
  const on = ranges(dialect, column);
  switch (filter.operator) {
    case 'eq':
      return on.inside(period);
    case 'neq':
      return on.outside(period);
    case 'gt':
      return on.from(period.end);
    case 'lt':
      return on.before(period.start);
    default:
      throw unsupportedDatetimeOperator(filter.operator);
  }
}

/** A vector filter on a datetime column: every value one resolution; `in` ORs, `not in` ANDs. */
export function datetimeVectorCondition(dialect: SearchDialect, column: Column, filter: VectorFilter): SQL {
  const periods = filter.values.map((v) => {
    if (typeof v !== 'string') throw invalidValue(filter.parameter, 'a date-time string', v);
    return parsePeriod(v);
  });
  // An empty list is no period at all: `in` matches nothing and `not in` everything, as DiracX.
  if (periods.length === 0) return filter.operator === 'in' ? sql`false` : sql`true`;
  if (new Set(periods.map((p) => p.resolution)).size !== 1) {
    throw mixedResolutions(filter.parameter, filter.operator, filter.values);
  }
  const on = ranges(dialect, column);
  const combined = filter.operator === 'in' ? or(...periods.map(on.inside)) : and(...periods.map(on.outside));
  return combined ?? sql`true`;
}
