/**
 * @module core/errors
 * The project's typed domain errors. Logic, policies and the database layer throw these and
 * nothing else on purpose; `src/wire/http-errors.ts` maps them to HTTP and
 * `src/wire/tool-errors.ts` to MCP, one place each.
 * This module must not know about HTTP statuses or MCP.
 */

/** Closed set of error codes; adding one fails to compile until every wire handles it. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'UNPROCESSABLE'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'UPSTREAM'
  | 'TOO_LARGE'
  | 'INTERNAL';

/**
 * Base of every error the project throws deliberately. `detail` is what a client may see; the
 * standard `cause` (e.g. the driver error behind a 503) is for the server's log only.
 */
export class DiracxError extends Error {
  readonly code: ErrorCode;
  /** Client-visible detail; a string, or structured data where DiracX returns an object. */
  readonly detail: unknown;

  constructor(code: ErrorCode, message: string, detail: unknown = message, options?: ErrorOptions) {
    super(message, options);
    this.name = this.constructor.name;
    this.code = code;
    this.detail = detail;
  }
}

/** The caller is not authenticated (missing, invalid or expired credentials). */
export class UnauthenticatedError extends DiracxError {
  constructor(message = 'Not authenticated') {
    super('UNAUTHENTICATED', message);
  }
}

/**
 * A valid token of ours that this entry point does not accept (RFC 6750 §3.1 `invalid_token`):
 * e.g. one issued for another resource (RFC 8707 audience). `reason` goes to the challenge's
 * `error_description`; the body stays DiracX's `detail`.
 */
export class InvalidTokenError extends UnauthenticatedError {
  readonly reason: string;

  constructor(message: string, reason: string) {
    super(message);
    this.reason = reason;
  }
}

/** The caller is authenticated but a policy denies the action. */
export class ForbiddenError extends DiracxError {
  constructor(message = 'Forbidden') {
    super('FORBIDDEN', message);
  }
}

/** The addressed thing does not exist (or the caller may not know that it does). */
export class NotFoundError extends DiracxError {
  constructor(message = 'Not found', detail: unknown = message) {
    super('NOT_FOUND', message, detail);
  }
}

/** The input is well-formed JSON but breaks a rule (DiracX answers these with 400). */
export class InvalidInputError extends DiracxError {
  constructor(message: string, detail: unknown = message, options?: ErrorOptions) {
    super('INVALID_INPUT', message, detail, options);
  }
}

/**
 * A value of the input is well-formed but not acceptable where FastAPI's validation would refuse
 * it (DiracX clients expect 422 with pydantic's error list): `path` locates the value inside the
 * input, `input` is the value itself. Used for checks that need the server's state or clock.
 */
export class UnprocessableInputError extends DiracxError {
  readonly path: readonly (string | number)[];
  readonly input: unknown;

  constructor(message: string, path: readonly (string | number)[], input: unknown) {
    super('UNPROCESSABLE', message);
    this.path = path;
    this.input = input;
  }
}

/** The request conflicts with the current state (duplicate, already assigned, ...). */
export class ConflictError extends DiracxError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** A dependency (database, configuration, object store) cannot serve right now; retry later. */
export class UnavailableError extends DiracxError {
  /** Seconds after which a retry makes sense (DiracX sends `Retry-After: 10`). */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds = 10, options?: ErrorOptions) {
    super('UNAVAILABLE', message, message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Too many attempts from one client; retry after `retryAfterSeconds`. */
export class RateLimitedError extends DiracxError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * An OAuth 2.0 error (RFC 6749 §5.2, RFC 8628 §3.5): the token endpoint answers these with
 * `{"error": ..., "error_description"?: ...}` instead of DiracX's `detail` body. The code
 * decides the status (`UNAUTHENTICATED` → 401 for `invalid_client`, `INVALID_INPUT` → 400).
 */
export class OAuthError extends DiracxError {
  readonly error: string;
  readonly description: string | undefined;
  /**
   * Also send the description as DiracX's `detail`, where DiracX answers the same condition
   * with a `detail` body that its clients read (e.g. 401 "Device code expired").
   */
  readonly echoDetail: boolean;

  constructor(
    code: 'INVALID_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN',
    error: string,
    description?: string,
    options: { echoDetail?: boolean } = {},
  ) {
    super(code, description ? `${error}: ${description}` : error);
    this.error = error;
    this.description = description;
    this.echoDetail = options.echoDetail ?? false;
  }
}

/**
 * The request carries more than a limit allows (a body, an upload beyond its declared size);
 * HTTP 413. Refused while reading, so the excess is never held.
 */
export class PayloadTooLargeError extends DiracxError {
  constructor(message: string) {
    super('TOO_LARGE', message);
  }
}

/**
 * An upstream server we depend on (a VO's identity provider) failed or could not be reached:
 * not the caller's fault, not ours (DiracX answers 502, e.g. "Failed to contact IAM server").
 */
export class UpstreamError extends DiracxError {
  constructor(message: string) {
    super('UPSTREAM', message);
  }
}
