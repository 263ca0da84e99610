/**
 * @module routes/auth/authorize-flow
 * The authorization-code flow routes (`routers/auth/authorize_code_flow.py` for DiracX's own
 * client, plus the steps MCP hosts take), public:
 * - `GET /api/auth/authorize` (`response_type=code`, `code_challenge`, `code_challenge_method=S256`,
 *   `client_id`, `redirect_uri`; `scope` and `state` as DiracX requires them for its client;
 *   `resource`, RFC 8707) sends the person to the VO's identity provider, or, for an MCP host whose
 *   scope names no VO, to our VO choice page (307). Refusals: DiracX's client gets DiracX's answers
 *   (400/422 JSON) and, for a resource not ours, an error redirect to its configured URI; any other
 *   client gets our error page (400 HTML), never a redirect to its own URI (no open redirector);
 * - `GET /api/auth/authorize/vo`: that page, and its answer (`vo_group`), which goes on to the IdP;
 * - `GET /api/auth/authorize/complete`: the IdP's callback; DiracX's client is sent back with our
 *   code (307), an MCP host's person sees our consent page (200);
 * - `POST /api/auth/authorize/consent`: the person's answer (form with anti-forgery token, from
 *   our own origin only), which sends the browser back to the client with the code or
 *   `error=access_denied` (303).
 * Authorization requests are rate limited per client and caller address. Pages carry a strict
 * CSP and anti-clickjacking headers (`pages/headers.ts`); problems a person must read are pages.
 */
import { z, type Hook, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Config } from '../../config/schema.ts';
import {
  answerConsent,
  chooseVo,
  completeAuthorizationFlow,
  flowAwaitingVo,
  initiateAuthorizationFlow,
  personAwaitingConsent,
  type LoginOutcome,
} from '../../logic/auth/flows/authorize-flow.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { validationHook } from '../validation.ts';
import { flowContext, limitCaller, urlWithoutQuery } from './flow-support.ts';
import { CSRF_FIELD, DECISION_FIELD, readConsentDecision, renderConsentPage } from './pages/consent.ts';
import { issueCsrfToken, sameOrigin, verifyCsrfToken } from './pages/csrf.ts';
import { CANNOT_CONTINUE, errorPageResponse, orErrorPage } from './pages/error.ts';
import { htmlResponse, newNonce } from './pages/headers.ts';
import { parseVoChoice, renderVoChoicePage, VO_CHOICE_FIELD, type VoOption } from './pages/vo-choice.ts';

const AuthorizeQuerySchema = z.object({
  response_type: z.literal('code'),
  code_challenge: z.string().max(255),
  code_challenge_method: z.literal('S256'),
  client_id: z.string().max(255),
  redirect_uri: z.string().max(255),
  scope: z.string().max(1024).optional(),
  state: z.string().max(1024).optional(),
  resource: z.string().max(1024).optional(),
});

const html = { 'text/html': { schema: z.string() } };

/** The VOs a person may pick, and the IdPs the choice may send the browser to. */
function voOptions(config: Config): { vos: VoOption[]; idps: string[] } {
  const entries = Object.entries(config.Registry);
  return {
    vos: entries.map(([name, registry]) => ({
      name,
      groups: Object.keys(registry.Groups),
      defaultGroup: registry.DefaultGroup,
    })),
    idps: entries.map(([, registry]) => new URL(registry.IdP.URL).origin),
  };
}

/** Our page for an authorization request refused with an RFC 6749 §4.1.2.1 `error`. */
function refusalPage(error: string, description: string): Response {
  return errorPageResponse({ title: CANNOT_CONTINUE, message: `${description} (${error})` }, 400);
}

/**
 * An authorization request that does not validate: DiracX's 422 for DiracX's client, our page
 * for any other (RFC 6749 §4.1.2.1 codes: `unsupported_response_type`, else `invalid_request`).
 */
function authorizeValidationHook<T>(diracClientId: string): Hook<T, ApiEnv, string, Response | undefined> {
  return (result, c) => {
    if (result.success) return undefined;
    if (c.req.query('client_id') === diracClientId) return validationHook(result, c) as Response | undefined;
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? 'request');
    if (field === 'response_type' && c.req.query('response_type') !== undefined)
      return refusalPage('unsupported_response_type', 'Only response_type=code is supported');
    if (field === 'code_challenge' || field === 'code_challenge_method')
      return refusalPage('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
    return refusalPage('invalid_request', `Missing or invalid ${field}`);
  };
}

/** The anti-forgery binding of a consent: this flow, this person. */
const consentBinding = (flowId: string, sub: string): string => JSON.stringify([flowId, sub]);

export function registerAuthorizeFlowRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const authorizeUrl = (c: Context<ApiEnv>): string => urlWithoutQuery(c).replace(/\/(vo|complete|consent)$/, '');

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path: '/api/auth/authorize',
        operationId: 'auth_initiate_authorization_flow',
        tags: ['auth'],
        summary: 'Initiate Authorization Flow',
        request: { query: AuthorizeQuerySchema },
        responses: {
          307: {
            description:
              'Redirect to the identity provider, to the VO ' +
              "choice, or (DiracX's client) back to the client with an error",
          },
          400: {
            description: "The request is refused (clients other than DiracX's own: our error page)",
            content: html,
          },
        },
      },
    ),
    async (c) => {
      const q = c.req.valid('query');
      limitCaller(c, deps, deps.auth.flows.limits.login, q.client_id);
      const outcome = await initiateAuthorizationFlow(
        flowContext(deps),
        {
          codeChallenge: q.code_challenge,
          codeChallengeMethod: q.code_challenge_method,
          clientId: q.client_id,
          redirectUri: q.redirect_uri,
          scope: q.scope,
          state: q.state,
          resource: q.resource,
        },
        urlWithoutQuery(c),
      );
      if (outcome.kind === 'refused') return refusalPage(outcome.error, outcome.description);
      return c.redirect(outcome.location, 307);
    },
    authorizeValidationHook(deps.auth.flows.settings.diracClientId),
  );

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path: '/api/auth/authorize/vo',
        operationId: 'auth_choose_vo',
        tags: ['auth'],
        summary: 'Choose the VO and group of a sign-in (MCP hosts)',
        request: { query: z.object({ flow: z.string().max(64), [VO_CHOICE_FIELD]: z.string().max(512).optional() }) },
        responses: {
          200: { description: 'The VO choice page', content: html },
          303: { description: 'On to the identity provider' },
          400: { description: 'The sign-in cannot continue', content: html },
        },
      },
    ),
    (c) =>
      orErrorPage(async () => {
        const q = c.req.valid('query');
        const ctx = flowContext(deps);
        const { flow, client } = await flowAwaitingVo(ctx, q.flow);
        const { vos, idps } = voOptions(ctx.config);
        const choice = parseVoChoice(q[VO_CHOICE_FIELD], vos);
        if (choice)
          return c.redirect(await chooseVo(ctx, { flowId: flow.uuid, ...choice, authorizeUrl: authorizeUrl(c) }), 303);
        const nonce = newNonce();
        const page = renderVoChoicePage({
          clientName: client.clientName ?? client.clientId,
          clientHost: new URL(flow.redirectUri).host || new URL(flow.redirectUri).protocol,
          unverifiedClient: client.kind === 'registered',
          vos,
          action: urlWithoutQuery(c),
          hidden: { flow: flow.uuid },
          nonce,
          ...(q[VO_CHOICE_FIELD] !== undefined ? { error: 'Please choose one of the listed VOs and groups.' } : {}),
        });
        return htmlResponse(page, nonce, 200, idps);
      }),
  );

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path: '/api/auth/authorize/complete',
        operationId: 'auth_complete_authorization_flow',
        tags: ['auth'],
        summary: 'Complete Authorization Flow',
        request: { query: z.object({ code: z.string(), state: z.string() }) },
        responses: {
          307: { description: "Redirect to the client's redirect URI" },
          200: { description: 'The consent page (MCP hosts)', content: html },
        },
      },
    ),
    async (c) => {
      const { code, state } = c.req.valid('query');
      const outcome: LoginOutcome = await completeAuthorizationFlow(flowContext(deps), {
        code,
        state,
        requestUrl: urlWithoutQuery(c),
      });
      if (outcome.kind === 'redirect') return c.redirect(outcome.location, 307);
      const { flow, client, scope } = outcome;
      const claims = flow.idToken ?? {};
      const sub = String(claims.sub);
      const nonce = newNonce();
      const page = renderConsentPage({
        clientName: client.clientName ?? client.clientId,
        redirectUri: flow.redirectUri,
        unverifiedClient: client.kind === 'registered',
        username: typeof claims.preferred_username === 'string' ? claims.preferred_username : sub,
        vo: scope.vo,
        group: scope.group,
        properties: scope.properties,
        tools: deps.consentTools ?? [],
        csrfToken: await issueCsrfToken(deps.auth.flows.csrfKey, consentBinding(flow.uuid, sub), {
          now: deps.auth.flows.now(),
        }),
        action: `${authorizeUrl(c)}/consent`,
        hidden: { flow: flow.uuid },
        nonce,
      });
      return htmlResponse(page, nonce, 200, [flow.redirectUri]);
    },
  );

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'post',
        path: '/api/auth/authorize/consent',
        operationId: 'auth_answer_consent',
        tags: ['auth'],
        summary: 'Approve or deny a sign-in (MCP hosts)',
        request: {
          body: {
            content: {
              'application/x-www-form-urlencoded': {
                schema: z.object({ flow: z.string(), [CSRF_FIELD]: z.string(), [DECISION_FIELD]: z.string() }),
              },
            },
            required: true,
          },
        },
        responses: {
          303: { description: "Back to the client's redirect URI" },
          400: { description: 'The sign-in cannot continue', content: html },
          403: { description: 'Not sent from our consent page', content: html },
        },
      },
    ),
    (c) =>
      orErrorPage(async () => {
        const form = c.req.valid('form');
        const decision = readConsentDecision(form[DECISION_FIELD]);
        const forged = errorPageResponse(
          { title: CANNOT_CONTINUE, message: 'This answer did not come from our consent page.' },
          403,
        );
        // The request URL carries the public scheme and host (routes/forwarded.ts).
        if (!sameOrigin(c.req.raw, new URL(c.req.url).origin) || !decision) return forged;
        const ctx = flowContext(deps);
        // The token was issued, on the page shown after the login, for this flow and this person.
        const sub = await personAwaitingConsent(ctx, form.flow);
        if (
          !(await verifyCsrfToken(deps.auth.flows.csrfKey, form[CSRF_FIELD], consentBinding(form.flow, sub), {
            now: ctx.now(),
          }))
        )
          return forged;
        return c.redirect(await answerConsent(ctx, { flowId: form.flow, sub, approve: decision === 'approve' }), 303);
      }),
  );
}
