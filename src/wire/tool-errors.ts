/**
 * @module wire/tool-errors
 * The one place that turns errors into MCP tool results: a domain error becomes
 * `{isError: true}` with `CODE: message` the model can act on (database driver errors that are
 * not server faults are first translated by `db/driver-errors`); anything else is logged in full
 * and answered with a generic message (no stack, no internals, no detail of an auth check).
 * UNAVAILABLE and UPSTREAM are logged as warnings, as the HTTP mapper logs its 503 and 502, with
 * the cause's safe fields (`causeLogFields`), which the result never carries.
 * Every error result also carries `structuredContent` `{success: false, error, code}`, the
 * envelope dirac-agentic's clients read (`error` is the text without its `CODE: ` prefix).
 */
import { z } from 'zod';
import type { ErrorCode } from '../core/errors.ts';
import { DiracxError } from '../core/errors.ts';
import { errorFields, type Logger } from '../core/logger.ts';
import { causeLogFields, translateDriverError } from '../db/driver-errors.ts';

export interface ToolErrorResult {
  [key: string]: unknown;
  isError: true;
  content: { type: 'text'; text: string }[];
  structuredContent: ToolErrorEnvelope;
}

/** What the model is told, per code, beyond the message. */
const HINT: Record<ErrorCode, string> = {
  UNAUTHENTICATED: 'The access token is not valid any more; the user must log in again.',
  FORBIDDEN: 'The user is not allowed to do this; do not retry with the same arguments.',
  NOT_FOUND: 'Check the identifiers (e.g. with search_jobs).',
  INVALID_INPUT: 'Fix the arguments and call again.',
  UNPROCESSABLE: 'Fix the arguments and call again.',
  CONFLICT: 'The target changed state; look it up again before retrying.',
  UNAVAILABLE: 'A backend is temporarily unavailable; retry in a few seconds.',
  RATE_LIMITED: 'Too many requests; wait before retrying.',
  UPSTREAM: 'An upstream service failed; retry later.',
  TOO_LARGE: 'The input is larger than this server accepts; send less.',
  INTERNAL: 'The server failed; retrying will not help.',
};

const ERROR_CODES = Object.keys(HINT) as [ErrorCode, ...ErrorCode[]];

/** The structured part of every tool error result. */
export const ToolErrorEnvelopeSchema = z.object({
  success: z.literal(false),
  error: z.string().describe('What went wrong and what to do about it.'),
  code: z.enum(ERROR_CODES).describe('The kind of failure.'),
});
export type ToolErrorEnvelope = z.infer<typeof ToolErrorEnvelopeSchema>;

function text(code: ErrorCode, message: string): ToolErrorResult {
  const error = `${message} ${HINT[code]}`;
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${error}` }],
    structuredContent: { success: false, error, code },
  };
}

export function toToolResult(thrown: unknown, log: Logger): ToolErrorResult {
  const err = translateDriverError(thrown);
  if (!(err instanceof DiracxError)) {
    log.error('tool failed', errorFields(err));
    return text('INTERNAL', 'Internal server error.');
  }
  switch (err.code) {
    case 'FORBIDDEN':
      // Never say which check failed.
      return text('FORBIDDEN', 'Forbidden.');
    case 'INTERNAL':
      log.error('tool failed', errorFields(err));
      return text('INTERNAL', 'Internal server error.');
    case 'UNAVAILABLE':
      log.warn('dependency unavailable', { detail: err.message, ...causeLogFields(err) });
      return clientText(err);
    case 'UPSTREAM':
      log.warn('upstream server failed', { detail: err.message, ...causeLogFields(err) });
      return clientText(err);
    case 'UNAUTHENTICATED':
    case 'NOT_FOUND':
    case 'INVALID_INPUT':
    case 'UNPROCESSABLE':
    case 'CONFLICT':
    case 'RATE_LIMITED':
    case 'TOO_LARGE':
      return clientText(err);
  }
}

/** The result naming `err`'s code and its client-visible detail. */
function clientText(err: DiracxError): ToolErrorResult {
  return text(err.code, typeof err.detail === 'string' ? err.detail : err.message);
}
