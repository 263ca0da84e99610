/**
 * @module logic/auth/grants/token-exchange
 * `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693), our addition beside
 * DiracX's grants: someone who holds a DiracX access token (a DiracX CLI login, a job's token)
 * exchanges it for one bound to our `/mcp` endpoint, so that an agent started with DiracX
 * credentials reaches `/mcp` without a browser.
 *
 * The subject token must be an access token that verifies as every token of the fleet does (our
 * keystore, which a co-deployed DiracX shares, our issuer, an allowed algorithm, not expired),
 * issued for the REST API (no audience, or our issuer) or already for the target. The new token
 * is for the same user, VO, group and properties (`scope` may name fewer properties, never more),
 * carries the subject's `dirac_policies`, expires no later than the subject token, and comes
 * without a refresh token: the agent exchanges again with the DiracX credentials its client keeps
 * fresh. The user must still be a member of the group with those properties in the current
 * configuration (a user removed since keeps nothing). The target (`resource`, RFC 8707, or
 * `audience`) is our `/mcp` endpoint, the default when neither is given.
 *
 * Who may exchange: any client we know (`client_id` is DiracX's own client when absent, a
 * registered client, or a client ID metadata document). The subject token is the credential, as
 * it already is at the REST API: a public client cannot prove more, and the exchange yields no
 * more than that token grants (a narrower audience, no longer life).
 *
 * Errors are RFC 8693 §2.2.2's: a subject token that is invalid, expired, of the wrong type or
 * unacceptable by policy is 400 `invalid_request`; an unknown target `invalid_target`; a scope
 * beyond the subject's `invalid_scope`; an unknown client 401 `invalid_client`.
 */
import { z } from 'zod';
import { OAuthError } from '../../../core/errors.ts';
import type { AuthedUser } from '../../../core/user.ts';
import { resolveClient } from '../clients/clients.ts';
import type { AuthFlowContext } from '../flows/flow-context.ts';
import { checkUserMayUseScope } from '../tokens/scope.ts';
import type { TokenResponse } from '../tokens/token-issue.ts';
import { issueAccessToken } from '../tokens/tokens.ts';
import { defineGrant } from './define.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3: the only token type we accept as subject and issue. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const invalidRequest = (description: string): OAuthError =>
  new OAuthError('INVALID_INPUT', 'invalid_request', description);

/** The resource the new token is for: `resource` and `audience` must agree, and name our `/mcp`. */
function targetOf(ctx: AuthFlowContext, resource: string | undefined, audience: string | undefined): string {
  if (resource !== undefined && audience !== undefined && resource !== audience)
    throw new OAuthError('INVALID_INPUT', 'invalid_target', 'resource and audience name different targets');
  const target = resource ?? audience ?? ctx.resources[0];
  if (target === undefined || !ctx.resources.includes(target)) {
    throw new OAuthError(
      'INVALID_INPUT',
      'invalid_target',
      target === ctx.issuer
        ? 'A DiracX access token already serves the REST API; exchange it for the MCP endpoint'
        : `Unknown target ${target ?? '(this server serves no MCP endpoint)'}`,
    );
  }
  return target;
}

/** The subject token's user, or `invalid_request` saying why it cannot be exchanged. */
async function verifiedSubject(ctx: AuthFlowContext, token: string, target: string): Promise<AuthedUser> {
  let subject: AuthedUser;
  try {
    subject = await ctx.verifyAccessToken(token);
  } catch {
    // The verifier logged the reason; the caller learns only that the token is not acceptable.
    throw invalidRequest('The subject token is not a valid access token of this installation');
  }
  const audience = subject.audience ?? [];
  if (audience.length > 0 && !audience.includes(ctx.issuer) && !audience.includes(target))
    throw invalidRequest('The subject token was issued for another audience');
  if (!subject.sub.startsWith(`${subject.vo}:`)) throw invalidRequest('The subject token names no user of its VO');
  return subject;
}

/** The properties the new token gets: the subject's, or fewer of them named by `scope`. */
function exchangedProperties(subject: AuthedUser, scope: string | undefined): string[] {
  const requested: string[] = [];
  for (const item of (scope ?? '').split(' ').filter(Boolean)) {
    const colon = item.indexOf(':');
    const [kind, value] = [item.slice(0, colon), item.slice(colon + 1)];
    if (kind === 'vo' && value === subject.vo) continue;
    if (kind === 'group' && value === subject.diracGroup) continue;
    if (kind === 'property') requested.push(value);
    else throw new OAuthError('INVALID_INPUT', 'invalid_scope', `Scope ${item} is beyond the subject token`);
  }
  const beyond = requested.filter((p) => !subject.properties.includes(p));
  if (beyond.length > 0)
    throw new OAuthError('INVALID_INPUT', 'invalid_scope', `${beyond.join(' ')} not held by the subject token`);
  return requested.length > 0 ? [...new Set(requested)].sort() : [...subject.properties];
}

export const tokenExchangeGrant = defineGrant({
  grantType: TOKEN_EXCHANGE_GRANT,
  fields: {
    subject_token: z.string().min(1),
    subject_token_type: z.string().min(1),
    requested_token_type: z.string().optional(),
    audience: z.string().optional(),
    actor_token: z.string().optional(),
    actor_token_type: z.string().optional(),
    client_id: z.string().optional(),
    scope: z.string().optional(),
  },
  async issue(ctx, form, request): Promise<TokenResponse> {
    if (form.subject_token_type !== ACCESS_TOKEN_TYPE)
      throw invalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    if (form.requested_token_type !== undefined && form.requested_token_type !== ACCESS_TOKEN_TYPE)
      throw invalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    if (form.actor_token !== undefined || form.actor_token_type !== undefined)
      throw invalidRequest('Delegation (actor_token) is not supported');
    const clientId = form.client_id ?? ctx.settings.diracClientId;
    if (!(await resolveClient(ctx, clientId)))
      throw new OAuthError('UNAUTHENTICATED', 'invalid_client', 'Unknown client');
    const target = targetOf(ctx, request.resource, form.audience);
    const subject = await verifiedSubject(ctx, form.subject_token, target);
    const properties = exchangedProperties(subject, form.scope);

    const idpSub = subject.sub.slice(subject.vo.length + 1);
    let preferredUsername: string;
    try {
      ({ preferredUsername } = checkUserMayUseScope(
        ctx.config,
        { vo: subject.vo, group: subject.diracGroup, properties },
        idpSub,
      ));
    } catch (err) {
      throw invalidRequest(err instanceof Error ? err.message : String(err));
    }
    const now = ctx.now();
    const remaining = subject.expiresAt - Math.floor(now.getTime() / 1000);
    const lifetimeSeconds = Math.min(ctx.settings.accessTokenExpireMinutes * 60, remaining);
    if (lifetimeSeconds <= 0) throw invalidRequest('The subject token has expired');
    const issued = await issueAccessToken(
      ctx.keyRing.keystore(),
      ctx.issuer,
      {
        vo: subject.vo,
        group: subject.diracGroup,
        properties,
        idpSub,
        preferredUsername,
        lifetimeSeconds,
        audience: target,
        clientId: clientId === ctx.settings.diracClientId ? undefined : clientId,
        policies: { ...subject.policies },
      },
      now,
    );
    ctx.log.info('token exchanged', { sub: subject.sub, subjectJti: subject.tokenId, jti: issued.claims.jti, target });
    return {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: lifetimeSeconds,
    };
  },
});
