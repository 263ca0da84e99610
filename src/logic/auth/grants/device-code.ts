/**
 * @module logic/auth/grants/device-code
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4; DiracX's
 * `get_oidc_token_info_from_device_flow`): the client polls with its device code until the
 * person has logged in. The flow row is locked while it is redeemed, so it yields tokens once.
 * Answers, in DiracX's order: expired (401 `Device code expired`, plus RFC 8628
 * `error: expired_token`), pending (400 `{"error": "authorization_pending"}`, or RFC 8628
 * `slow_down` when polled faster than the advertised interval), already used (400 `Code was
 * already used`), wrong client id (400 `Bad client_id`). An unknown device code is 400
 * `invalid_grant` (DiracX: an unhandled 500). The refresh token is bound to the client and to
 * the `resource` named here (none: the REST API).
 */
import { z } from 'zod';
import { getDeviceFlowByDeviceCodeForUpdate, updateDeviceFlowStatus } from '../../../db/auth.ts';
import { InvalidInputError, OAuthError } from '../../../core/errors.ts';
import { sha256Hex } from '../encoding.ts';
import { DEVICE_CODE_GRANT } from '../flows/idp-login.ts';
import { exchangeToken } from '../tokens/token-issue.ts';
import { defineGrant } from './define.ts';

export const deviceCodeGrant = defineGrant({
  grantType: DEVICE_CODE_GRANT,
  fields: { client_id: z.string(), device_code: z.string() },
  async issue(ctx, { client_id: clientId, device_code: deviceCode }, request) {
    const hash = await sha256Hex(deviceCode);
    return ctx.database.transaction(async (tx) => {
      const flow = await getDeviceFlowByDeviceCodeForUpdate(tx, hash);
      if (!flow) throw new OAuthError('INVALID_INPUT', 'invalid_grant', 'Unknown device_code', { echoDetail: true });
      const now = ctx.now().getTime();
      if (flow.creationTime.getTime() < now - ctx.settings.deviceFlowExpirationSeconds * 1000) {
        throw new OAuthError('UNAUTHENTICATED', 'expired_token', 'Device code expired', { echoDetail: true });
      }
      if (flow.status === 'PENDING') {
        throw new OAuthError(
          'INVALID_INPUT',
          ctx.devicePolls.pollIsTooFast(hash, now) ? 'slow_down' : 'authorization_pending',
        );
      }
      if (flow.status === 'DONE') throw new InvalidInputError('Code was already used');
      if (flow.status !== 'READY') throw new InvalidInputError('Bad state in device flow');
      await updateDeviceFlowStatus(tx, hash, 'DONE');
      if (flow.clientId !== clientId) throw new InvalidInputError('Bad client_id');
      const sub = flow.idToken?.sub;
      if (typeof sub !== 'string') throw new Error('READY device flow without an ID token subject');
      return exchangeToken(ctx, tx, {
        scope: flow.scope,
        idpSub: sub,
        refresh: { kind: 'new', legacyExchange: false },
        audience: request.resource,
        clientId: flow.clientId,
      });
    });
  },
});
