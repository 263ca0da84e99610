/**
 * @module logic/auth/grants/authorization-code
 * `grant_type=authorization_code` with PKCE S256 (RFC 6749 §4.1.3, RFC 7636 §4.5; DiracX's
 * `get_oidc_token_info_from_authorization_flow`): the web client redeems the one-time code it
 * received on its redirect URI, within the flow's lifetime, with the same client id and
 * redirect URI and the verifier of its challenge. The flow row is locked while it is redeemed.
 * A refused check rolls the redemption back, as in DiracX. Details are DiracX's (`Code was
 * already used`, `Invalid redirect_uri`, `Bad client_id`, `Invalid code_challenge`); an
 * unknown or expired code is 400 `invalid_grant` (DiracX: an unhandled 500). A flow started with an
 * RFC 8707 `resource` (MCP hosts) yields a token for that resource only; its refresh token is
 * bound to that resource and to the client.
 */
import { z } from 'zod';
import { getAuthorizationFlowByCodeForUpdate, updateAuthorizationFlowStatus } from '../../../db/auth.ts';
import { InvalidInputError, OAuthError } from '../../../core/errors.ts';
import { constantTimeEqual, pkceChallenge, sha256Hex } from '../encoding.ts';
import { AUTHORIZATION_CODE_GRANT } from '../flows/idp-login.ts';
import { exchangeToken } from '../tokens/token-issue.ts';
import { defineGrant } from './define.ts';

export const authorizationCodeGrant = defineGrant({
  grantType: AUTHORIZATION_CODE_GRANT,
  fields: {
    client_id: z.string(),
    code: z.string(),
    redirect_uri: z.string().optional(),
    code_verifier: z.string(),
  },
  async issue(ctx, params, request) {
    const codeHash = await sha256Hex(params.code);
    const notBefore = new Date(ctx.now().getTime() - ctx.settings.authorizationFlowExpirationSeconds * 1000);
    return ctx.database.transaction(async (tx) => {
      const flow = await getAuthorizationFlowByCodeForUpdate(tx, codeHash, notBefore);
      if (!flow)
        throw new OAuthError('INVALID_INPUT', 'invalid_grant', 'Invalid or expired code', { echoDetail: true });
      if (flow.status === 'DONE') throw new InvalidInputError('Code was already used');
      if (flow.status !== 'READY') throw new InvalidInputError('Bad state in authorization flow');
      await updateAuthorizationFlowStatus(tx, flow.uuid, 'DONE');
      if (params.redirect_uri !== flow.redirectUri) throw new InvalidInputError('Invalid redirect_uri');
      if (params.client_id !== flow.clientId) throw new InvalidInputError('Bad client_id');
      if (!constantTimeEqual(await pkceChallenge(params.code_verifier), flow.codeChallenge)) {
        throw new InvalidInputError('Invalid code_challenge');
      }
      const sub = flow.idToken?.sub;
      if (typeof sub !== 'string') throw new Error('READY authorization flow without an ID token subject');
      // The resource named when the flow started (MCP hosts) binds the token; naming another now is
      // refused (RFC 8707 §2.2).
      if (flow.resource && request.resource !== undefined && request.resource !== flow.resource) {
        throw new OAuthError('INVALID_INPUT', 'invalid_target', 'The resource differs from the one authorized');
      }
      const audience = flow.resource ?? request.resource;
      return exchangeToken(ctx, tx, {
        scope: flow.scope,
        idpSub: sub,
        refresh: { kind: 'new', legacyExchange: false },
        audience,
        clientId: flow.clientId,
      });
    });
  },
});
