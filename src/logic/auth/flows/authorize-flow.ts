/**
 * @module logic/auth/flows/authorize-flow
 * The browser-side steps of the authorization-code flow with PKCE (S256).
 *
 * DiracX's own web client (`logic/auth/authorize_code_flow.py`): a known redirect URI and a
 * scope naming the VO start a flow, the person logs in at the VO's IdP, and the IdP callback
 * mints our one-time code and sends the browser back to the client.
 *
 * Other clients (MCP hosts: registered by RFC 7591 or identified by a client ID metadata
 * document) take two more steps, so that a person always sees who is asking: when their scope
 * names no VO the person picks one (`chooseVo`), and after the IdP login our consent page is
 * shown; only an approval there mints the code (`answerConsent`). Their tokens are for the
 * resource they named (RFC 8707; default: our MCP endpoint). Scopes such clients commonly send
 * (`openid profile email offline_access`) are ignored rather than refused.
 *
 * We are never an open redirector: RFC 6749 §4.1.2.1 error redirects go only to redirect URIs
 * an administrator configured (DiracX's own client). A refusal for a client that registered
 * itself or publishes its own metadata document is shown on our own error page, since anyone
 * can make such a client with any redirect URI. The `resource` (RFC 8707) must be ours.
 *
 * A login stays in the VO it started in: the VO (and group) are fixed when the browser is sent
 * to the VO's identity provider, the VO choice is answered once only, and the IdP's callback
 * completes only a flow of the VO whose IdP authenticated the person (`idp-login.ts`).
 *
 * The client then redeems the code with its verifier (`../grants/authorization-code.ts`).
 */
import {
  getAuthorizationFlowAwaitingConsentForUpdate,
  getAuthorizationFlowAwaitingLogin,
  insertAuthorizationFlow,
  setAuthorizationFlowLoggedIn,
  setAuthorizationFlowReady,
  setAuthorizationFlowScope,
  updateAuthorizationFlowStatus,
} from '../../../db/auth.ts';
import type { AuthorizationFlowRow } from '../../../db/schema/auth.ts';
import { InvalidInputError, OAuthError } from '../../../core/errors.ts';
import { isRedirectAllowed, resolveClient, type ResolvedClient } from '../clients/clients.ts';
import { randomToken, sha256Hex } from '../encoding.ts';
import type { AuthFlowContext } from './flow-context.ts';
import { AUTHORIZATION_CODE_GRANT, beginIdpLogin, completeIdpLogin } from './idp-login.ts';
import { checkRequestedResource } from '../tokens/resource.ts';
import { parseAndValidateScope, scopeVo, type ParsedScope } from '../tokens/scope.ts';
import { INVALID_STATE } from './state.ts';
import { newUuid7 } from '../uuid7.ts';

export interface AuthorizationRequest {
  codeChallenge: string;
  /** Only `S256` exists (the route refuses anything else). */
  codeChallengeMethod: 'S256';
  clientId: string;
  redirectUri: string;
  /** Required for DiracX's client; optional for MCP hosts (a missing VO is asked for). */
  scope: string | undefined;
  /** The client's own state, handed back to it unchanged. */
  state: string | undefined;
  /** RFC 8707 resource indicator. */
  resource: string | undefined;
}

/** Detail of a flow that is unknown, expired or already answered. */
export const FLOW_GONE = 'This sign-in request has expired or was already answered; start again from your application.';

/** Detail of a second answer to the VO choice. */
export const VO_ALREADY_CHOSEN =
  'The VO of this sign-in was already chosen and cannot be ' +
  'changed; to sign in with another VO, start again from your application.';

/** Where the browser goes after an authorization request. */
export type AuthorizeOutcome =
  /** The VO's IdP, our VO choice page, or (configured redirect URIs only) the client with an error. */
  | { kind: 'redirect'; location: string }
  /** A refusal for our own error page (RFC 6749 §4.1.2.1 error code and description). */
  | { kind: 'refused'; error: string; description: string };

/** Why `resource` is not ours (RFC 8707 `invalid_target`), or undefined when it is. */
function resourceProblem(ctx: AuthFlowContext, resource: string | undefined): string | undefined {
  try {
    checkRequestedResource(ctx, resource);
    return undefined;
  } catch (err) {
    if (err instanceof OAuthError) return err.description ?? err.message;
    throw err;
  }
}

/** The scope items DiracX understands; MCP hosts' OpenID scopes are left out. */
function diracScopeItems(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((item) => /^(vo|group|property):./.test(item));
}

/** The client's redirect URI with `params` added (RFC 6749 §4.1.2 and §4.1.2.1). */
function clientRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) target.searchParams.append(key, value);
  return target.toString();
}

/** The oldest creation time of a flow still in time. */
const notBefore = (ctx: AuthFlowContext): Date =>
  new Date(ctx.now().getTime() - ctx.settings.authorizationFlowExpirationSeconds * 1000);

/**
 * Records the flow and returns where the browser goes: the VO's IdP, our VO choice page
 * (`<requestUrl>/vo?flow=...`), DiracX's client with an `invalid_target` error, or our error
 * page (any other client's refusal).
 * @param requestUrl this endpoint's URL without query; the IdP calls back at `<it>/complete`.
 * @throws InvalidInputError for an unknown client id, and, for DiracX's client, a redirect URI
 * not allowed or an invalid scope (DiracX's answers); OAuthError `invalid_client` for an
 * unusable client metadata document; UpstreamError when the IdP cannot be reached.
 */
export async function initiateAuthorizationFlow(
  ctx: AuthFlowContext,
  request: AuthorizationRequest,
  requestUrl: string,
): Promise<AuthorizeOutcome> {
  const client = await resolveClient(ctx, request.clientId);
  if (!client) throw new InvalidInputError('Unrecognised client_id');
  if (client.kind === 'dirac') return initiateDiracFlow(ctx, client, request, requestUrl);

  const refuse = (error: string, description: string): AuthorizeOutcome => ({ kind: 'refused', error, description });
  if (!isRedirectAllowed(client, request.redirectUri)) return refuse('invalid_request', 'Unrecognised redirect_uri');
  const resource = request.resource ?? ctx.resources[0];
  const wrongTarget = resourceProblem(ctx, resource);
  if (resource === undefined || wrongTarget !== undefined)
    return refuse('invalid_target', wrongTarget ?? 'No resource to issue a token for');
  const items = diracScopeItems(request.scope);
  const naming = items.some((item) => item.startsWith('vo:'));
  if (naming) {
    try {
      parseAndValidateScope(items.join(' '), ctx.config, ctx.availableProperties);
    } catch (err) {
      if (err instanceof InvalidInputError) return refuse('invalid_scope', err.message);
      throw err;
    }
  }
  const uuid = await insertFlow(ctx, request, items.join(' '), { resource, clientState: request.state ?? '' });
  if (!naming) return { kind: 'redirect', location: `${requestUrl}/vo?flow=${uuid}` };
  return { kind: 'redirect', location: await idpLogin(ctx, uuid, items.join(' '), requestUrl, '') };
}

/** DiracX's own client, whose redirect URIs an administrator configured. */
async function initiateDiracFlow(
  ctx: AuthFlowContext,
  client: ResolvedClient,
  request: AuthorizationRequest,
  requestUrl: string,
): Promise<AuthorizeOutcome> {
  if (!isRedirectAllowed(client, request.redirectUri)) throw new InvalidInputError('Unrecognised redirect_uri');
  const wrongTarget = resourceProblem(ctx, request.resource);
  if (wrongTarget !== undefined) {
    // A configured redirect URI may receive the error (RFC 6749 §4.1.2.1, RFC 8707 §2).
    return {
      kind: 'redirect',
      location: clientRedirect(request.redirectUri, {
        error: 'invalid_target',
        error_description: wrongTarget,
        state: request.state,
      }),
    };
  }
  const scope = parseAndValidateScope(request.scope ?? '', ctx.config, ctx.availableProperties);
  const uuid = await insertFlow(ctx, request, request.scope ?? '', {
    resource: request.resource ?? null,
    clientState: null,
  });
  const location = await beginIdpLogin(ctx, scope.vo, `${requestUrl}/complete`, {
    external_state: request.state ?? '',
    uuid,
    grant_type: AUTHORIZATION_CODE_GRANT,
  });
  return { kind: 'redirect', location };
}

async function insertFlow(
  ctx: AuthFlowContext,
  request: AuthorizationRequest,
  scope: string,
  extra: { resource: string | null; clientState: string | null },
): Promise<string> {
  const now = ctx.now();
  const uuid = newUuid7(now);
  await ctx.database.transaction((tx) =>
    insertAuthorizationFlow(tx, {
      uuid,
      clientId: request.clientId,
      scope,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      redirectUri: request.redirectUri,
      creationTime: now,
      ...extra,
    }),
  );
  return uuid;
}

function idpLogin(
  ctx: AuthFlowContext,
  uuid: string,
  scope: string,
  authorizeUrl: string,
  externalState: string,
): Promise<string> {
  const { vo } = parseAndValidateScope(scope, ctx.config, ctx.availableProperties);
  return beginIdpLogin(ctx, vo, `${authorizeUrl}/complete`, {
    external_state: externalState,
    uuid,
    grant_type: AUTHORIZATION_CODE_GRANT,
  });
}

/** A flow waiting for the person to pick a VO, with its client (for the page). */
export interface FlowAwaitingVo {
  flow: AuthorizationFlowRow;
  client: ResolvedClient;
}

/**
 * The flow `flowId` if it still waits for a VO.
 * @throws InvalidInputError: VO_ALREADY_CHOSEN when its VO is fixed (named by the request, or
 * chosen), FLOW_GONE when it is unknown, expired or logged in.
 */
export async function flowAwaitingVo(ctx: AuthFlowContext, flowId: string): Promise<FlowAwaitingVo> {
  const flow = /^[0-9a-f-]{36}$/.test(flowId)
    ? await getAuthorizationFlowAwaitingLogin(ctx.database.session, flowId, notBefore(ctx))
    : undefined;
  const client = flow ? await resolveClient(ctx, flow.clientId) : undefined;
  if (!flow || !client || client.kind === 'dirac') throw new InvalidInputError(FLOW_GONE);
  if (diracScopeItems(flow.scope).some((item) => item.startsWith('vo:')))
    throw new InvalidInputError(VO_ALREADY_CHOSEN);
  return { flow, client };
}

/**
 * The person picked `vo` (and `group`) for the flow `flowId`: records the scope, once (of two
 * answers, even concurrent ones, the second is refused), and returns the IdP login URL.
 * @throws InvalidInputError (FLOW_GONE, VO_ALREADY_CHOSEN, or an invalid VO/group).
 */
export async function chooseVo(
  ctx: AuthFlowContext,
  input: { flowId: string; vo: string; group: string | undefined; authorizeUrl: string },
): Promise<string> {
  const { flow } = await flowAwaitingVo(ctx, input.flowId);
  const properties = diracScopeItems(flow.scope).filter((item) => item.startsWith('property:'));
  const scope = [`vo:${input.vo}`, ...(input.group ? [`group:${input.group}`] : []), ...properties].join(' ');
  parseAndValidateScope(scope, ctx.config, ctx.availableProperties);
  const updated = await ctx.database.transaction((tx) =>
    setAuthorizationFlowScope(tx, flow.uuid, scope, flow.scope, notBefore(ctx)),
  );
  if (!updated) {
    // Another answer came first (VO_ALREADY_CHOSEN), or the flow ended meanwhile.
    await flowAwaitingVo(ctx, flow.uuid);
    throw new InvalidInputError(FLOW_GONE);
  }
  return idpLogin(ctx, flow.uuid, scope, input.authorizeUrl, '');
}

/** After the IdP login: the client's redirect (DiracX's client), or our consent page to show. */
export type LoginOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'consent'; flow: AuthorizationFlowRow; client: ResolvedClient; scope: ParsedScope };

/**
 * Completes the IdP login. DiracX's client gets its code at once; other clients' flows wait for
 * the person's consent. Only a flow of the VO whose IdP authenticated the person is completed.
 * @throws InvalidInputError "Invalid state" (bad state, a flow of another VO, or the flow is
 * expired or not pending); UnauthenticatedError "Invalid code" when the IdP refuses the code;
 * UpstreamError.
 */
export async function completeAuthorizationFlow(
  ctx: AuthFlowContext,
  input: { code: string; state: string; requestUrl: string },
): Promise<LoginOutcome> {
  const { state, vo, idToken } = await completeIdpLogin(
    ctx,
    { code: input.code, state: input.state, redirectUri: input.requestUrl },
    AUTHORIZATION_CODE_GRANT,
    'Invalid code',
  );
  const uuid = state.uuid ?? '';
  if (!/^[0-9a-f-]{36}$/.test(uuid)) throw new InvalidInputError(INVALID_STATE);
  const flow = await getAuthorizationFlowAwaitingLogin(ctx.database.session, uuid, notBefore(ctx));
  // The flow's VO is fixed before its browser leaves for an IdP; a state of another VO is not this flow's login.
  if (!flow || scopeVo(flow.scope) !== vo) throw new InvalidInputError(INVALID_STATE);
  if (flow.clientId === ctx.settings.diracClientId) {
    const code = randomToken();
    const ready = await ctx.database.transaction(async (tx) =>
      setAuthorizationFlowReady(tx, uuid, await sha256Hex(code), idToken, notBefore(ctx)),
    );
    if (!ready) throw new InvalidInputError(INVALID_STATE);
    return {
      kind: 'redirect',
      location: clientRedirect(ready.redirectUri, { code, state: state.external_state ?? '', iss: ctx.issuer }),
    };
  }
  const client = await resolveClient(ctx, flow.clientId);
  if (!client) throw new InvalidInputError(FLOW_GONE);
  const loggedIn = await ctx.database.transaction((tx) =>
    setAuthorizationFlowLoggedIn(tx, uuid, idToken, notBefore(ctx)),
  );
  if (!loggedIn) throw new InvalidInputError(INVALID_STATE);
  return {
    kind: 'consent',
    flow: loggedIn,
    client,
    scope: parseAndValidateScope(loggedIn.scope, ctx.config, ctx.availableProperties),
  };
}

/** Who logged in on the flow `flowId`, which awaits their consent. @throws InvalidInputError(FLOW_GONE) */
export async function personAwaitingConsent(ctx: AuthFlowContext, flowId: string): Promise<string> {
  const flow = /^[0-9a-f-]{36}$/.test(flowId)
    ? await getAuthorizationFlowAwaitingConsentForUpdate(ctx.database.session, flowId, notBefore(ctx))
    : undefined;
  const sub = flow?.idToken?.sub;
  if (typeof sub !== 'string') throw new InvalidInputError(FLOW_GONE);
  return sub;
}

/**
 * The person's answer on our consent page for the flow `flowId`, logged in as `sub`: an
 * approval mints the one-time code, a refusal ends the flow; either way the browser goes back
 * to the client (with `code`, or with `error=access_denied`) and the flow cannot be answered
 * again. @throws InvalidInputError(FLOW_GONE) when there is nothing (left) to answer.
 */
export async function answerConsent(
  ctx: AuthFlowContext,
  input: { flowId: string; sub: string; approve: boolean },
): Promise<string> {
  return ctx.database.transaction(async (tx) => {
    const flow = /^[0-9a-f-]{36}$/.test(input.flowId)
      ? await getAuthorizationFlowAwaitingConsentForUpdate(tx, input.flowId, notBefore(ctx))
      : undefined;
    if (!flow?.idToken || flow.idToken.sub !== input.sub) throw new InvalidInputError(FLOW_GONE);
    const state = flow.clientState ?? undefined;
    if (!input.approve) {
      await updateAuthorizationFlowStatus(tx, flow.uuid, 'ERROR');
      return clientRedirect(flow.redirectUri, {
        error: 'access_denied',
        error_description: 'The person declined the request',
        state,
      });
    }
    const code = randomToken();
    const ready = await setAuthorizationFlowReady(tx, flow.uuid, await sha256Hex(code), flow.idToken, notBefore(ctx));
    if (!ready) throw new InvalidInputError(FLOW_GONE);
    return clientRedirect(flow.redirectUri, { code, state, iss: ctx.issuer });
  });
}
