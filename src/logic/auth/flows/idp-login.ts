/**
 * @module logic/auth/flows/idp-login
 * The leg both login flows share with the VO's identity provider (DiracX's
 * `initiate_authorization_flow_with_iam` and `get_token_from_iam`): we start an authorization
 * code flow of our own at the IdP, with a fresh PKCE verifier kept in the sealed state, and on
 * the callback we open the state, check it belongs to the expected flow, and redeem the code
 * for the person's verified ID token claims.
 *
 * A login stays at the identity provider it started at: the state seals the VO and that VO's
 * IdP (URL and client id) as they were when the browser was sent there, and the callback
 * redeems the code only there, refusing the state when the VO's IdP has changed since. The
 * flows then check that the VO of the state is the VO of their flow (`vo` of the result), so a
 * person is only ever looked up in the registry of the VO whose IdP authenticated them.
 */
import type { IdTokenClaims } from '../../../db/schema/auth.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { pkceChallenge, randomToken } from '../encoding.ts';
import type { AuthFlowContext } from './flow-context.ts';
import { decryptState, encryptState, INVALID_STATE, type FlowState } from './state.ts';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const AUTHORIZATION_CODE_GRANT = 'authorization_code';

/**
 * The URL of the IdP's login page for `vo`, which will send the person back to `redirectUri`
 * with a code and `state` (sealed: the flow's data, the VO, its IdP and our PKCE verifier).
 */
export async function beginIdpLogin(
  ctx: AuthFlowContext,
  vo: string,
  redirectUri: string,
  flowState: FlowState,
): Promise<string> {
  const registry = Object.hasOwn(ctx.config.Registry, vo) ? ctx.config.Registry[vo] : undefined;
  // The callers take `vo` from a validated scope, which names a known VO.
  if (!registry) throw new InvalidInputError(`VO ${vo} is not known to this installation`);
  const idp = registry.IdP;
  const codeVerifier = randomToken();
  const state = await encryptState(ctx.stateKey, {
    ...flowState,
    vo,
    idp_url: idp.URL,
    idp_client_id: idp.ClientID,
    code_verifier: codeVerifier,
  });
  return ctx.idp.authorizationUrl(idp, { redirectUri, state, codeChallenge: await pkceChallenge(codeVerifier) });
}

export interface IdpLoginResult {
  /** The flow's data, as sealed by `beginIdpLogin`. */
  state: FlowState;
  /** The VO whose identity provider authenticated the person: the only registry to look them up in. */
  vo: string;
  idToken: IdTokenClaims;
}

/**
 * Handles the IdP's callback: opens `sealedState`, checks it was made for `grantType` and that
 * its VO still has the IdP the login started at, and redeems `code` (sent back to
 * `redirectUri`, the callback's own URL) at that IdP only. The caller must still check that
 * the result's `vo` is its flow's VO.
 * @throws InvalidInputError "Invalid state"; UnauthenticatedError(refusedDetail) when the IdP
 * refuses the code; UpstreamError when the IdP fails.
 */
export async function completeIdpLogin(
  ctx: AuthFlowContext,
  callback: { code: string; state: string; redirectUri: string },
  grantType: string,
  refusedDetail: string,
): Promise<IdpLoginResult> {
  const state = await decryptState(ctx.stateKey, callback.state);
  const vo = state.vo;
  const codeVerifier = state.code_verifier;
  const registry = vo !== undefined && Object.hasOwn(ctx.config.Registry, vo) ? ctx.config.Registry[vo] : undefined;
  if (state.grant_type !== grantType || vo === undefined || codeVerifier === undefined || registry === undefined) {
    throw new InvalidInputError(INVALID_STATE);
  }
  const idp = registry.IdP;
  // The VO's IdP was replaced (configuration reload) since the browser left: its codes and subs are not the login's.
  if (state.idp_url !== idp.URL || state.idp_client_id !== idp.ClientID) throw new InvalidInputError(INVALID_STATE);
  const idToken = await ctx.idp.exchangeCode(
    idp,
    { code: callback.code, codeVerifier, redirectUri: callback.redirectUri },
    refusedDetail,
  );
  return { state, vo, idToken };
}
