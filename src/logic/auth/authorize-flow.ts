/**
 * @module logic/auth/authorize-flow
 * The browser-side steps of DiracX's authorization-code flow with PKCE for web clients
 * (`logic/auth/authorize_code_flow.py`):
 * 1. `initiateAuthorizationFlow`: a known client with an allowed redirect URI and its S256
 *    challenge starts a flow (a row keyed by a uuid7) and the person is sent to the VO's IdP;
 * 2. `completeAuthorizationFlow`: the IdP calls back; we store the ID token, mint a one-time
 *    code (random; only its SHA-256 is stored) and send the browser to the client's redirect
 *    URI with the code and the client's own state.
 * The client then redeems the code with its verifier (`grants/authorization-code.ts`).
 */
import { insertAuthorizationFlow, setAuthorizationFlowReady } from '../../db/auth.ts';
import { InvalidInputError } from '../errors.ts';
import { randomToken, sha256Hex } from './encoding.ts';
import type { AuthFlowContext } from './flow-context.ts';
import { AUTHORIZATION_CODE_GRANT, beginIdpLogin, completeIdpLogin } from './idp-login.ts';
import { parseAndValidateScope } from './scope.ts';
import { INVALID_STATE } from './state.ts';
import { newUuid7 } from './uuid7.ts';

export interface AuthorizationRequest {
  codeChallenge: string;
  /** Only `S256` exists (the route refuses anything else). */
  codeChallengeMethod: 'S256';
  clientId: string;
  redirectUri: string;
  scope: string;
  /** The client's own state, handed back to it unchanged. */
  state: string;
}

/**
 * Records the flow and returns the IdP login URL.
 * @param requestUrl this endpoint's URL without query; the IdP calls back at `<it>/complete`.
 * @throws InvalidInputError for an unknown client id, a redirect URI not allowed, or an
 * invalid scope; UpstreamError when the IdP cannot be reached.
 */
export async function initiateAuthorizationFlow(
  ctx: AuthFlowContext,
  request: AuthorizationRequest,
  requestUrl: string,
): Promise<string> {
  if (request.clientId !== ctx.settings.diracClientId) throw new InvalidInputError('Unrecognised client_id');
  if (!ctx.settings.allowedRedirects.includes(request.redirectUri)) throw new InvalidInputError('Unrecognised redirect_uri');
  const scope = parseAndValidateScope(request.scope, ctx.config, ctx.availableProperties);
  const now = ctx.now();
  const uuid = newUuid7(now);
  await ctx.database.transaction((tx) =>
    insertAuthorizationFlow(tx, {
      uuid,
      clientId: request.clientId,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      redirectUri: request.redirectUri,
      creationTime: now,
    }),
  );
  return beginIdpLogin(ctx, scope.vo, `${requestUrl}/complete`, {
    external_state: request.state,
    uuid,
    grant_type: AUTHORIZATION_CODE_GRANT,
  });
}

/**
 * Completes the IdP login and returns where the browser goes: the client's redirect URI with
 * `code` and `state` added to its query (properly encoded, where DiracX concatenates).
 * @throws InvalidInputError "Invalid state" (bad state, or the flow is expired or not
 * pending); UnauthenticatedError "Invalid code" when the IdP refuses the code; UpstreamError.
 */
export async function completeAuthorizationFlow(
  ctx: AuthFlowContext,
  input: { code: string; state: string; requestUrl: string },
): Promise<string> {
  const { state, idToken } = await completeIdpLogin(
    ctx,
    { code: input.code, state: input.state, redirectUri: input.requestUrl },
    AUTHORIZATION_CODE_GRANT,
    'Invalid code',
  );
  const uuid = state.uuid ?? '';
  if (!/^[0-9a-f-]{36}$/.test(uuid)) throw new InvalidInputError(INVALID_STATE);
  const code = randomToken();
  const codeHash = await sha256Hex(code);
  const notBefore = new Date(ctx.now().getTime() - ctx.settings.authorizationFlowExpirationSeconds * 1000);
  const flow = await ctx.database.transaction((tx) => setAuthorizationFlowReady(tx, uuid, codeHash, idToken, notBefore));
  if (!flow) throw new InvalidInputError(INVALID_STATE);
  const target = new URL(flow.redirectUri);
  target.searchParams.append('code', code);
  target.searchParams.append('state', state.external_state ?? '');
  return target.toString();
}
