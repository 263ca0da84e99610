/**
 * @module logic/auth/flows/device-flow
 * The three browser-side steps of DiracX's device flow (RFC 8628; `logic/auth/device_flow.py`):
 * 1. `initiateDeviceFlow`: the client gets a user code (8 letters, crypto random, redrawn on
 *    collision) and a device code (random; only its SHA-256 is stored);
 * 2. `startDeviceLogin`: the person opens the verification URI with the user code and is sent
 *    to the VO's identity provider;
 * 3. `finishDeviceFlow`: the IdP calls back; the ID token is stored and the flow is READY,
 *    only when the IdP that authenticated the person is the one of the flow's VO.
 * The client meanwhile polls the token endpoint (`../grants/device-code.ts`). A `resource` named
 * when the flow starts must be ours (RFC 8707 `invalid_target`).
 */
import { getPendingDeviceFlowByUserCode, insertDeviceFlow, setDeviceFlowReady } from '../../../db/auth.ts';
import { USER_CODE_LENGTH } from '../../../db/schema/auth.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { randomToken, randomUserCode, sha256Hex } from '../encoding.ts';
import type { AuthFlowContext } from './flow-context.ts';
import { IAM_SERVER_FAILED } from './idp-client.ts';
import { beginIdpLogin, completeIdpLogin, DEVICE_CODE_GRANT } from './idp-login.ts';
import { checkRequestedResource } from '../tokens/resource.ts';
import { parseAndValidateScope, scopeVo } from '../tokens/scope.ts';
import { INVALID_STATE } from './state.ts';

/** DiracX's `InitiateDeviceFlowResponse`, plus RFC 8628's `interval`. */
export interface DeviceAuthorization {
  user_code: string;
  device_code: string;
  verification_uri_complete: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}

/** Attempts at drawing an unused user code (DiracX's `MAX_RETRY`). */
const MAX_USER_CODE_ATTEMPTS = 5;

/** DiracX's detail for an unknown, expired or already used user code (SQLAlchemy's words). */
export const NO_SUCH_USER_CODE = 'No row was found when one was required';

/**
 * Starts a device flow for `clientId` and `scope`.
 * @param verificationUri where the person goes (this endpoint's URL without query).
 * @param resource the RFC 8707 resource the client named, if any.
 * @throws InvalidInputError for a wrong client id or an invalid scope; OAuthError
 * `invalid_target` for a resource that is not ours.
 */
export async function initiateDeviceFlow(
  ctx: AuthFlowContext,
  input: { clientId: string; scope: string; verificationUri: string; resource?: string | undefined },
): Promise<DeviceAuthorization> {
  if (input.clientId !== ctx.settings.diracClientId) throw new InvalidInputError('Unrecognised client ID');
  checkRequestedResource(ctx, input.resource);
  parseAndValidateScope(input.scope, ctx.config, ctx.availableProperties);
  for (let attempt = 0; attempt < MAX_USER_CODE_ATTEMPTS; attempt++) {
    const userCode = randomUserCode(USER_CODE_LENGTH);
    const deviceCode = randomToken();
    const deviceCodeHash = await sha256Hex(deviceCode);
    const outcome = await ctx.database.transaction((tx) =>
      insertDeviceFlow(tx, {
        userCode,
        deviceCodeHash,
        clientId: input.clientId,
        scope: input.scope,
        creationTime: ctx.now(),
      }),
    );
    if (outcome === 'duplicate') {
      ctx.log.warn('device flow user code collision; drawing again');
      continue;
    }
    return {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri_complete: `${input.verificationUri}?user_code=${userCode}`,
      verification_uri: input.verificationUri,
      expires_in: ctx.settings.deviceFlowExpirationSeconds,
      interval: ctx.settings.devicePollIntervalSeconds,
    };
  }
  throw new Error(`Could not insert a new device flow after ${MAX_USER_CODE_ATTEMPTS} attempts`);
}

/** The oldest creation time of a device flow that has not expired. */
function deviceFlowNotBefore(ctx: AuthFlowContext): Date {
  return new Date(ctx.now().getTime() - ctx.settings.deviceFlowExpirationSeconds * 1000);
}

/**
 * Typed user codes are matched case-insensitively and without separators (RFC 8628 §6.1);
 * the codes we issue are upper-case letters only.
 */
export function normaliseUserCode(userCode: string): string {
  return userCode.toUpperCase().replace(/[^A-Z]/g, '');
}

/**
 * The IdP login URL for the pending flow with `userCode`.
 * @param requestUrl this endpoint's URL without query; the IdP calls back at `<it>/complete`.
 * @throws InvalidInputError when the code is unknown, expired or used, or its scope is no
 * longer valid; UpstreamError when the IdP cannot be reached.
 */
export async function startDeviceLogin(
  ctx: AuthFlowContext,
  input: { userCode: string; requestUrl: string },
): Promise<string> {
  const userCode = normaliseUserCode(input.userCode);
  const flow = await ctx.database.transaction((tx) =>
    getPendingDeviceFlowByUserCode(tx, userCode, deviceFlowNotBefore(ctx)),
  );
  if (!flow) throw new InvalidInputError(NO_SUCH_USER_CODE);
  const scope = parseAndValidateScope(flow.scope, ctx.config, ctx.availableProperties);
  return beginIdpLogin(ctx, scope.vo, `${input.requestUrl}/complete`, {
    grant_type: DEVICE_CODE_GRANT,
    user_code: userCode,
  });
}

/**
 * Completes the IdP login of a device flow: the flow becomes READY with the ID token, if the
 * IdP that authenticated the person is its VO's.
 * @param requestUrl this callback's URL without query (the redirect URI the IdP was given).
 * @throws InvalidInputError "Invalid state" (also for a flow of another VO), or "<n> rows
 * matched user_code <code>" when the flow is no longer pending; UnauthenticatedError when the
 * IdP refuses the code.
 */
export async function finishDeviceFlow(
  ctx: AuthFlowContext,
  input: { code: string; state: string; requestUrl: string },
): Promise<void> {
  const { state, vo, idToken } = await completeIdpLogin(
    ctx,
    { code: input.code, state: input.state, redirectUri: input.requestUrl },
    DEVICE_CODE_GRANT,
    IAM_SERVER_FAILED,
  );
  const userCode = state.user_code ?? '';
  const updated = await ctx.database.transaction(async (tx) => {
    const flow = await getPendingDeviceFlowByUserCode(tx, userCode, deviceFlowNotBefore(ctx));
    // A device flow's scope never changes: a state of another VO is not this flow's login.
    if (flow && scopeVo(flow.scope) !== vo) throw new InvalidInputError(INVALID_STATE);
    return setDeviceFlowReady(tx, userCode, idToken, deviceFlowNotBefore(ctx));
  });
  if (updated !== 1) throw new InvalidInputError(`${updated} rows matched user_code ${userCode}`);
}
