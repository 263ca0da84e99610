/**
 * @module logic/auth/tokens/resource
 * What a token may be issued for (RFC 8707 `resource`): our issuer (the REST API) and the
 * resource servers we run (the public `/mcp` URL), compared exactly (RFC 8707 §2: no
 * normalisation, so a near miss is another resource). A request naming anything else is
 * 400 `invalid_target`, before any grant redeems anything.
 *
 * A refresh token keeps the resource it was issued for (RFC 8707 §2.2): a refresh naming none
 * gets the original audience back; naming another is `invalid_target`. DiracX's tokens name no
 * resource: they are for the REST API, so a refresh of one may name our issuer, never `/mcp`.
 */
import { OAuthError } from '../../../core/errors.ts';

export interface ResourceContext {
  /** Our issuer identifier: the REST API's resource. */
  readonly issuer: string;
  /** The other resource servers we run (the `/mcp` endpoint). */
  readonly resources: readonly string[];
}

const invalidTarget = (description: string): OAuthError =>
  new OAuthError('INVALID_INPUT', 'invalid_target', description);

/**
 * Checks the `resource` of a token request.
 * @throws OAuthError `invalid_target` when it names a resource that is not ours.
 */
export function checkRequestedResource(ctx: ResourceContext, resource: string | undefined): void {
  if (resource === undefined || resource === ctx.issuer || ctx.resources.includes(resource)) return;
  throw invalidTarget(`Unknown resource ${resource}`);
}

/**
 * The audience of the access token a refresh yields.
 * @param issuedFor the resource the refresh token was issued for (undefined: DiracX's REST token).
 * @param requested the `resource` of the refresh request, already checked to be ours.
 * @throws OAuthError `invalid_target` when `requested` is not what the token was issued for.
 */
export function refreshedAudience(
  ctx: ResourceContext,
  issuedFor: string | undefined,
  requested: string | undefined,
): string | undefined {
  if (requested === undefined || requested === issuedFor) return issuedFor;
  // An audience-less (REST) grant may name the REST API explicitly; nothing else.
  if (issuedFor === undefined && requested === ctx.issuer) return requested;
  throw invalidTarget('The refresh token was not issued for this resource');
}
