/**
 * @module routes/http-cache
 * Conditional requests as DiracX answers them (`routers/utils/http_cache.py`): `ETag` (unquoted,
 * as DiracX sends it) and `Last-Modified` on every answer; 304 when `If-None-Match` names the
 * current ETag, or when `If-Modified-Since` is strictly newer than `Last-Modified` (so a
 * client that saw a newer replica does not flip back to an older one).
 */
import { z } from '@hono/zod-openapi';

/** The request headers of a route that answers conditional requests (its OpenAPI `headers`). */
export const ConditionalRequestHeaders = z.object({
  'if-none-match': z.string().optional(),
  'if-modified-since': z.string().optional(),
});

export interface CacheValidators {
  etag: string;
  lastModified: Date;
}

export interface ConditionalRequest {
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); `undefined` for anything else. */
export function parseHttpDate(text: string): Date | undefined {
  const m = HTTP_DATE.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2] ?? '');
  if (month < 0) return undefined;
  const [day, year, h, min, s] = [m[1], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month, day, h, min, s));
  // Reject dates that overflowed (31 Feb) rather than silently shifting them.
  return date.getUTCDate() === day && date.getUTCHours() === h ? date : undefined;
}

/** Formats a date the way `Last-Modified` carries it. */
export function formatHttpDate(date: Date): string {
  return date.toUTCString();
}

function matchesEtag(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .some((tag) => tag === etag || tag === '*');
}

/** The validator headers, and whether the client's copy is current (answer 304). */
export function evaluateConditional(
  validators: CacheValidators,
  request: ConditionalRequest,
): { headers: Record<string, string>; notModified: boolean } {
  const headers = { etag: validators.etag, 'last-modified': formatHttpDate(validators.lastModified) };
  if (request.ifNoneMatch !== undefined && matchesEtag(request.ifNoneMatch, validators.etag)) {
    return { headers, notModified: true };
  }
  const since = request.ifModifiedSince === undefined ? undefined : parseHttpDate(request.ifModifiedSince);
  return { headers, notModified: since !== undefined && since.getTime() > validators.lastModified.getTime() };
}
