/**
 * @module wire/http-errors
 * The one place that turns errors into HTTP responses, in DiracX's shape `{"detail": ...}`.
 * Domain errors map through a table checked for completeness by the compiler; Hono's own
 * client errors (415 for a body that is not the declared media type, a malformed body) keep
 * their status; database driver errors that are not server faults (a lost connection, a value
 * the database cannot store) are first translated by `db/driver-errors`; anything else is a
 * server fault: logged in full, answered with a generic 500, never reflected. A 503 or 502 is
 * logged as a warning with its cause's safe fields (`causeLogFields`: the driver's code and class),
 * which the response never carries.
 */
import { HTTPException } from 'hono/http-exception';
import type { ErrorCode } from '../core/errors.ts';
import {
  DiracxError,
  InvalidTokenError,
  OAuthError,
  RateLimitedError,
  UnavailableError,
  UnprocessableInputError,
} from '../core/errors.ts';
import { errorFields, type Logger } from '../core/logger.ts';
import { causeLogFields, translateDriverError } from '../db/driver-errors.ts';
import { toValidationDetail } from './validation-detail.ts';

/** HTTP status of each domain error code. DiracX answers rule violations with 400. */
export const STATUS_BY_CODE = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  UNPROCESSABLE: 422,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  UPSTREAM: 502,
  TOO_LARGE: 413,
  INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];

/** A JSON error response with DiracX's body shape. */
export function detailResponse(status: number, detail: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ detail }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** RFC 6749 §5.2 error body; 401 carries a Bearer challenge naming the error. */
function oauthResponse(status: number, err: OAuthError): Response {
  const body: Record<string, string> =
    err.description === undefined ? { error: err.error } : { error: err.error, error_description: err.description };
  if (err.echoDetail && err.description !== undefined) body.detail = err.description;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (status === 401) headers['www-authenticate'] = `Bearer error="${err.error}"`;
  return new Response(JSON.stringify(body), { status, headers });
}

/** Maps any thrown value to the response a client sees. */
export function toHttpResponse(thrown: unknown, log: Logger): Response {
  const err = translateDriverError(thrown);
  if (err instanceof HTTPException && err.status < 500) return detailResponse(err.status, err.message || 'Bad request');
  if (!(err instanceof DiracxError)) {
    log.error('unhandled error', errorFields(err));
    return detailResponse(500, 'Internal server error');
  }
  const status = STATUS_BY_CODE[err.code];
  if (err instanceof OAuthError) return oauthResponse(status, err);
  switch (err.code) {
    case 'UNAUTHENTICATED': {
      // DiracX answers a bare `Bearer`; a token refused for its audience names RFC 6750's error.
      const challenge =
        err instanceof InvalidTokenError ? `Bearer error="invalid_token", error_description="${err.reason}"` : 'Bearer';
      return detailResponse(status, err.detail, { 'www-authenticate': challenge });
    }
    case 'UNAVAILABLE': {
      const retryAfter = err instanceof UnavailableError ? err.retryAfterSeconds : 10;
      log.warn('dependency unavailable', { detail: err.message, ...causeLogFields(err) });
      return detailResponse(status, err.detail, { 'retry-after': String(retryAfter) });
    }
    case 'RATE_LIMITED': {
      const retryAfter = err instanceof RateLimitedError ? err.retryAfterSeconds : 60;
      return detailResponse(status, err.detail, { 'retry-after': String(retryAfter) });
    }
    case 'UPSTREAM':
      log.warn('upstream server failed', { detail: err.message, ...causeLogFields(err) });
      return detailResponse(status, err.detail);
    case 'INTERNAL':
      log.error('internal error', errorFields(err));
      return detailResponse(status, 'Internal server error');
    case 'UNPROCESSABLE': {
      // FastAPI's 422 body, as request validation answers it (`wire/validation-detail.ts`).
      const path = err instanceof UnprocessableInputError ? err.path : [];
      const input = err instanceof UnprocessableInputError ? err.input : null;
      return detailResponse(
        status,
        toValidationDetail('json', [{ code: 'value_error', path: [...path], message: err.message, input }]),
      );
    }
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'INVALID_INPUT':
    case 'CONFLICT':
    case 'TOO_LARGE':
      return detailResponse(status, err.detail);
  }
}
