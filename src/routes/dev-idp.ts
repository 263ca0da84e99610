/**
 * @module routes/dev-idp
 * The development identity provider's HTTP face (`logic/auth/dev-idp/provider.ts`), under
 * `/dev-idp/<vo>`: `GET /.well-known/openid-configuration`, `GET /jwks`, `POST /token` (the
 * code exchange, OAuth errors as JSON), and the person's login: `GET /authorize` shows the VO's
 * users, `POST /authorize` logs in as the one picked and answers 303 to our login callback with
 * the code.
 *
 * The login answers only callers on this computer (the peer, or the caller a trusted proxy names,
 * must be a loopback address; 403 otherwise), so a server bound to every interface still lets
 * nobody else in. Its pages carry the strict headers of our consent page, and its form the same
 * CSRF token (bound to the authorization request) and Origin check; a forged or expired form is
 * a 403 page and logs nobody in. Not in the OpenAPI document: it is not part of DiracX's API.
 */
import { Hono, type Context } from 'hono';
import type { ConfigSource } from '../config/store.ts';
import {
  authorizationParams,
  type AuthorizationParams,
  DEV_IDP_PATH,
  type DevAuthorizationRequest,
  type DevIdentityProvider,
  devIdpUsers,
} from '../logic/auth/dev-idp/provider.ts';
import { isLoopbackAddress } from '../logic/net/loopback.ts';
import { clientAddress } from './client-address.ts';
import type { ApiEnv } from './env.ts';
import { publicRequestUrl } from './forwarded.ts';
import { CSRF_FIELD } from './auth/pages/consent.ts';
import { issueCsrfToken, sameOrigin, verifyCsrfToken } from './auth/pages/csrf.ts';
import { DEV_LOGIN_USER_FIELD, readDevLoginChoice, renderDevLoginPage } from './auth/pages/dev-login.ts';
import { CANNOT_CONTINUE, errorPageResponse, orErrorPage } from './auth/pages/error.ts';
import { htmlResponse, newNonce } from './auth/pages/headers.ts';

export interface DevIdpRouteDeps {
  readonly provider: DevIdentityProvider;
  readonly config: ConfigSource;
  /** Signs the login form's anti-forgery tokens (the consent page's key). */
  readonly csrfKey: CryptoKey;
  /** Reverse proxies whose `X-Forwarded-For` names the caller. */
  readonly trustedProxies: readonly string[];
  readonly now: () => Date;
}

/** The anti-forgery binding of a login form: this authorization request, whole. */
const formBinding = (request: DevAuthorizationRequest): string =>
  JSON.stringify(['dev-idp', request.vo, authorizationParams(request)]);

function onThisComputer(c: Context<ApiEnv>, deps: DevIdpRouteDeps): boolean {
  const address = clientAddress(c.env?.remoteAddress, c.req.header('x-forwarded-for'), deps.trustedProxies);
  return isLoopbackAddress(address);
}

const elsewhere = (): Response =>
  errorPageResponse(
    {
      title: 'Only on this computer',
      message: 'The development identity provider answers only requests from the computer the server runs on.',
    },
    403,
  );

/** Only the string fields of a parsed form or query. */
function stringFields(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

export function createDevIdpRoutes(deps: DevIdpRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>().basePath(`${DEV_IDP_PATH}/:vo`);
  const config = () => deps.config.current().config;
  const json = { 'cache-control': 'no-store' };

  app.get('/.well-known/openid-configuration', (c) => c.json(deps.provider.metadata(config(), c.req.param('vo'))));
  app.get('/jwks', (c) => {
    deps.provider.served(config(), c.req.param('vo'));
    return c.json(deps.provider.jwks());
  });
  app.post('/token', async (c) => {
    const form = stringFields(await c.req.parseBody());
    return c.json(await deps.provider.redeem(config(), c.req.param('vo'), form), 200, json);
  });

  app.get('/authorize', (c) =>
    orErrorPage(async () => {
      if (!onThisComputer(c, deps)) return elsewhere();
      const vo = c.req.param('vo');
      const current = config();
      const request = deps.provider.checkAuthorizationRequest(current, vo, c.req.query() as AuthorizationParams);
      const nonce = newNonce();
      const page = renderDevLoginPage({
        vo,
        users: devIdpUsers(current, vo),
        csrfToken: await issueCsrfToken(deps.csrfKey, formBinding(request), { now: deps.now() }),
        action: publicRequestUrl(c),
        hidden: authorizationParams(request),
        nonce,
      });
      return htmlResponse(page, nonce, 200, [request.redirectUri]);
    }, CANNOT_CONTINUE),
  );

  app.post('/authorize', (c) =>
    orErrorPage(async () => {
      if (!onThisComputer(c, deps)) return elsewhere();
      const forged = errorPageResponse(
        { title: CANNOT_CONTINUE, message: 'This answer did not come from our login page.' },
        403,
      );
      // The request URL carries the public scheme and host (routes/forwarded.ts).
      if (!sameOrigin(c.req.raw, new URL(c.req.url).origin)) return forged;
      const vo = c.req.param('vo');
      const current = config();
      const form = stringFields(await c.req.parseBody());
      const request = deps.provider.checkAuthorizationRequest(current, vo, form);
      const valid = await verifyCsrfToken(deps.csrfKey, form[CSRF_FIELD], formBinding(request), { now: deps.now() });
      if (!valid) return forged;
      const sub = readDevLoginChoice(form[DEV_LOGIN_USER_FIELD], devIdpUsers(current, vo));
      if (sub === undefined)
        return errorPageResponse({ title: CANNOT_CONTINUE, message: `Pick a user of VO ${vo}.` }, 400);
      return c.redirect(deps.provider.approve(current, request, sub), 303);
    }, CANNOT_CONTINUE),
  );
  return app;
}
