/**
 * @module routes/jobs/wire
 * How job data goes on the wire: datetimes as pydantic writes UTC (`2026-01-02T03:04:05Z`,
 * fraction only when non-zero), DiracX's `Content-Range` paging (and its documented header), and
 * the query-string flags.
 */
import { z } from '@hono/zod-openapi';
import { formatUtc } from '../../logic/jobs/models.ts';
import { PYDANTIC_MESSAGES } from '../../wire/pydantic-errors.ts';

/** A copy of `value` with every `Date` replaced by its wire text. */
export function wireDates(value: unknown): unknown {
  if (value instanceof Date) return formatUtc(value.getTime() * 1000);
  if (Array.isArray(value)) return value.map(wireDates);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wireDates(v)]));
  }
  return value;
}

/** DiracX's paging answer: 200 whole, 206 with `Content-Range`, 416 past the end. */
export function pageStatus(
  unit: string,
  page: number,
  perPage: number,
  count: number,
  total: number,
): { status: 200 | 206 | 416; headers: Record<string, string> } {
  if (count === 0 && total > 0) return { status: 416, headers: { 'content-range': `${unit} */${total}` } };
  if (count < total) {
    const first = perPage * (page - 1);
    return { status: 206, headers: { 'content-range': `${unit} ${first}-${first + count - 1}/${total}` } };
  }
  return { status: 200, headers: {} };
}

/**
 * FastAPI's bool query parameter (pydantic's bool parsing): `1`/`on`/`t`/`true`/`y`/`yes` and
 * `0`/`f`/`false`/`n`/`no`/`off`, in any case; absent is false; anything else is pydantic's
 * `bool_parsing`. Documented as DiracX documents it,
 * `type: boolean`, so that a generated client passes a boolean.
 */
export const queryFlag = z
  .stringbool({
    truthy: ['1', 'on', 't', 'true', 'y', 'yes'],
    falsy: ['0', 'f', 'false', 'n', 'no', 'off'],
    case: 'insensitive',
    error: PYDANTIC_MESSAGES.bool_parsing,
  })
  .default(false)
  .openapi({ type: 'boolean', default: false });

/**
 * The documented `Content-Range` of a search's 206 (and 416) answer, as DiracX documents it;
 * `unit` is `jobs` or `pilots`.
 */
export function contentRangeHeader(unit: string): {
  'Content-Range': { description: string; schema: { type: 'string'; example: string } };
} {
  return {
    'Content-Range': {
      description: `The range of ${unit} returned in this response`,
      schema: { type: 'string', example: `${unit} 0-1/4` },
    },
  };
}
