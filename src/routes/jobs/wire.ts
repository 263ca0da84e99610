/**
 * @module routes/jobs/wire
 * How job data goes on the wire: datetimes as pydantic writes UTC (`2026-01-02T03:04:05Z`,
 * fraction only when non-zero), DiracX's `Content-Range` paging, and the query-string flags.
 */
import { z } from '@hono/zod-openapi';
import { formatUtc } from '../../logic/jobs/models.ts';

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

/** FastAPI's bool query parameter: true/false, 1/0, yes/no, on/off. */
export const queryFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'True', 'False'])
  .optional()
  .transform((v) => v !== undefined && ['true', '1', 'yes', 'on', 'True'].includes(v));
