/**
 * @module logic/auth/authorize-flow
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
 * (`openid profile email offline_access`) are ignored rather than refused. Once the client and
 * its redirect URI are known, errors go back to the client as RFC 6749 §4.1.2.1 redirects.
 *
 * The client then redeems the code with its verifier (`grants/authorization-code.ts`).
 */
import {
  getAuthorizationFlowAwaitingConsentForUpdate,
  getAuthorizationFlowAwaitingLogin,
  insertAuthorizationFlow,
  setAuthorizationFlowLoggedIn,
  setAuthorizationFlowReady,
  setAuthorizationFlowScope,
  updateAuthorizationFlowStatus,
} from '../../db/auth.ts';
import type { AuthorizationFlowRow } from '../../db/schema/auth.ts';
import { InvalidInputError } from '../errors.ts';
import { isRedirectAllowed, resolveClient, type ResolvedClient } from './clients.ts';
import { randomToken, sha256Hex } from './encoding.ts';
import type { AuthFlowContext } from './flow-context.ts';
import { AUTHORIZATION_CODE_GRANT, beginIdpLogin, completeIdpLogin } from './idp-login.ts';
import { parseAndValidateScope, type ParsedScope } from './scope.ts';
import { INVALID_STATE } from './state.ts';
import { newUuid7 } from './uuid7.ts';

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
const notBefore = (ctx: AuthFlowContext): Date => new Date(ctx.now().getTime() - ctx.settings.authorizationFlowExpirationSeconds * 1000);

/**
 * Records the flow and returns where the browser goes: the VO's IdP, our VO choice page
 * (`<requestUrl>/vo?flow=...`), or the client's redirect URI with an error.
 * @param requestUrl this endpoint's URL without query; the IdP calls back at `<it>/complete`.
 * @throws InvalidInputError for an unknown client id or a redirect URI not allowed (nothing can
 * be sent back to such a client), and, for DiracX's client, an invalid scope; UpstreamError
 * when the IdP cannot be reached.
 */
export async function initiateAuthorizationFlow(ctx: AuthFlowContext, request: AuthorizationRequest, requestUrl: string): Promise<string> {
  const client = await resolveClient(ctx, request.clientId);
  if (!client) throw new InvalidInputError('Unrecognised client_id');
  if (!isRedirectAllowed(client, request.redirectUri)) throw new InvalidInputError('Unrecognised redirect_uri');
  if (client.kind === 'dirac') return initiateDiracFlow(ctx, request, requestUrl);

  const refuse = (error: string, description: string) => clientRedirect(request.redirectUri, { error, error_description: description, state: request.state });
  const resource = request.resource ?? ctx.resources[0];
  if (!resource || !ctx.resources.includes(resource)) return refuse('invalid_target', 'This server issues tokens only for its MCP endpoint');
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
  if (!naming) return `${requestUrl}/vo?flow=${uuid}`;
  return idpLogin(ctx, uuid, items.join(' '), requestUrl, '');
}

async function initiateDiracFlow(ctx: AuthFlowContext, request: AuthorizationRequest, requestUrl: string): Promise<string> {
  const scope = parseAndValidateScope(request.scope ?? '', ctx.config, ctx.availableProperties);
  const uuid = await insertFlow(ctx, request, request.scope ?? '', { resource: request.resource ?? null, clientState: null });
  return beginIdpLogin(ctx, scope.vo, `${requestUrl}/complete`, { external_state: request.state ?? '', uuid, grant_type: AUTHORIZATION_CODE_GRANT });
}

async function insertFlow(ctx: AuthFlowContext, request: AuthorizationRequest, scope: string, extra: { resource: string | null; clientState: string | null }): Promise<string> {
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

function idpLogin(ctx: AuthFlowContext, uuid: string, scope: string, authorizeUrl: string, externalState: string): Promise<string> {
  const { vo } = parseAndValidateScope(scope, ctx.config, ctx.availableProperties);
  return beginIdpLogin(ctx, vo, `${authorizeUrl}/complete`, { external_state: externalState, uuid, grant_type: AUTHORIZATION_CODE_GRANT });
}

/** A flow waiting for the person to pick a VO, with its client (for the page). */
export interface FlowAwaitingVo {
  flow: AuthorizationFlowRow;
  client: ResolvedClient;
}

/** The flow `flowId` if it still waits for a VO; throws InvalidInputError(FLOW_GONE) otherwise. */
export async function flowAwaitingVo(ctx: AuthFlowContext, flowId: string): Promise<FlowAwaitingVo> {
  const flow = /^[0-9a-f-]{36}$/.test(flowId) ? await getAuthorizationFlowAwaitingLogin(ctx.database.db, flowId, notBefore(ctx)) : undefined;
  const client = flow ? await resolveClient(ctx, flow.clientId) : undefined;
  if (!flow || !client || client.kind === 'dirac') throw new InvalidInputError(FLOW_GONE);
  return { flow, client };
}

/**
 * The person picked `vo` (and `group`) for the flow `flowId`: records the scope and returns the
 * IdP login URL. @throws InvalidInputError (FLOW_GONE, or an invalid VO/group).
 */
export async function chooseVo(ctx: AuthFlowContext, input: { flowId: string; vo: string; group: string | undefined; authorizeUrl: string }): Promise<string> {
  const { flow } = await flowAwaitingVo(ctx, input.flowId);
  const properties = diracScopeItems(flow.scope).filter((item) => item.startsWith('property:'));
  const scope = [`vo:${input.vo}`, ...(input.group ? [`group:${input.group}`] : []), ...properties].join(' ');
  parseAndValidateScope(scope, ctx.config, ctx.availableProperties);
  const updated = await ctx.database.transaction((tx) => setAuthorizationFlowScope(tx, flow.uuid, scope, notBefore(ctx)));
  if (!updated) throw new InvalidInputError(FLOW_GONE);
  return idpLogin(ctx, flow.uuid, scope, input.authorizeUrl, '');
}

/** After the IdP login: the client's redirect (DiracX's client), or our consent page to show. */
export type LoginOutcome = { kind: 'redirect'; location: string } | { kind: 'consent'; flow: AuthorizationFlowRow; client: ResolvedClient; scope: ParsedScope };

/**
 * Completes the IdP login. DiracX's client gets its code at once; other clients' flows wait for
 * the person's consent.
 * @throws InvalidInputError "Invalid state" (bad state, or the flow is expired or not
 * pending); UnauthenticatedError "Invalid code" when the IdP refuses the code; UpstreamError.
 */
export async function completeAuthorizationFlow(ctx: AuthFlowContext, input: { code: string; state: string; requestUrl: string }): Promise<LoginOutcome> {
  const { state, idToken } = await completeIdpLogin(ctx, { code: input.code, state: input.state, redirectUri: input.requestUrl }, AUTHORIZATION_CODE_GRANT, 'Invalid code');
  const uuid = state.uuid ?? '';
  if (!/^[0-9a-f-]{36}$/.test(uuid)) throw new InvalidInputError(INVALID_STATE);
  const flow = await getAuthorizationFlowAwaitingLogin(ctx.database.db, uuid, notBefore(ctx));
  if (!flow) throw new InvalidInputError(INVALID_STATE);
  if (flow.clientId === ctx.settings.diracClientId) {
    const code = randomToken();
    const ready = await ctx.database.transaction(async (tx) => setAuthorizationFlowReady(tx, uuid, await sha256Hex(code), idToken, notBefore(ctx)));
    if (!ready) throw new InvalidInputError(INVALID_STATE);
    return { kind: 'redirect', location: clientRedirect(ready.redirectUri, { code, state: state.external_state ?? '', iss: ctx.issuer }) };
  }
  const client = await resolveClient(ctx, flow.clientId);
  if (!client) throw new InvalidInputError(FLOW_GONE);
  const loggedIn = await ctx.database.transaction((tx) => setAuthorizationFlowLoggedIn(tx, uuid, idToken, notBefore(ctx)));
  if (!loggedIn) throw new InvalidInputError(INVALID_STATE);
  return { kind: 'consent', flow: loggedIn, client, scope: parseAndValidateScope(loggedIn.scope, ctx.config, ctx.availableProperties) };
}

/** Who logged in on the flow `flowId`, which awaits their consent. @throws InvalidInputError(FLOW_GONE) */
export async function personAwaitingConsent(ctx: AuthFlowContext, flowId: string): Promise<string> {
  const flow = /^[0-9a-f-]{36}$/.test(flowId) ? await getAuthorizationFlowAwaitingConsentForUpdate(ctx.database.db, flowId, notBefore(ctx)) : undefined;
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
export async function answerConsent(ctx: AuthFlowContext, input: { flowId: string; sub: string; approve: boolean }): Promise<string> {
  return ctx.database.transaction(async (tx) => {
    const flow = /^[0-9a-f-]{36}$/.test(input.flowId) ? await getAuthorizationFlowAwaitingConsentForUpdate(tx, input.flowId, notBefore(ctx)) : undefined;
    if (!flow?.idToken || flow.idToken.sub !== input.sub) throw new InvalidInputError(FLOW_GONE);
    const state = flow.clientState ?? undefined;
    if (!input.approve) {
      await updateAuthorizationFlowStatus(tx, flow.uuid, 'ERROR');
      return clientRedirect(flow.redirectUri, { error: 'access_denied', error_description: 'The person declined the request', state });
    }
    const code = randomToken();
    const ready = await setAuthorizationFlowReady(tx, flow.uuid, await sha256Hex(code), flow.idToken, notBefore(ctx));
    if (!ready) throw new InvalidInputError(FLOW_GONE);
    return clientRedirect(flow.redirectUri, { code, state, iss: ctx.issuer });
  });
}
