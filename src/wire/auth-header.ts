/**
 * @module wire/auth-header
 * Reading the bearer token as DiracX does (`verify_dirac_access_token`): a missing header is
 * 401 "Authorization header is missing"; a header not of the form `Bearer <token>` is 400
 * "Invalid authorization header".
 */
import { InvalidInputError, UnauthenticatedError } from '../core/errors.ts';

const BEARER = /^Bearer (.+)$/;

/** The raw token of an `Authorization` header value. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw new UnauthenticatedError('Authorization header is missing');
  const match = BEARER.exec(header);
  if (!match?.[1]) throw new InvalidInputError('Invalid authorization header');
  return match[1];
}
