/**
 * A real upstream OpenID Connect identity provider for tests: panva's `oidc-provider` served
 * in-process on 127.0.0.1, playing a VO's IdP. Public clients (no secret, PKCE S256 required),
 * RS256 ID tokens carrying `sub` and `preferred_username`, and a small HTML login + consent
 * interaction that `loginAs`/`denyAs` drive over plain HTTP like a browser would.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, {
  type Account,
  type Adapter,
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
  type ErrorOut,
  type InteractionResults,
  type JWK,
} from 'oidc-provider';

export interface IdpUser {
  sub: string;
  preferredUsername: string;
  email?: string;
}

export interface IdpClient {
  clientId: string;
  redirectUris: string[];
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>`; discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /**
   * Plays the person: follows `authorizationUrl` (an /auth URL our server redirected to), logs in
   * as `sub` and grants consent over plain HTTP (manual redirects, a cookie jar), and returns the
   * URL the IdP finally redirects the browser to (the client's redirect URI with `code` and
   * `state`, or with `error` if the IdP rejects the request there), WITHOUT fetching it.
   * Throws an {@link IdpInteractionError} if the IdP shows an error page instead (e.g. an unknown
   * `sub`, an unregistered redirect URI, an unknown client).
   */
  loginAs(sub: string, authorizationUrl: string): Promise<URL>;
  /**
   * Like `loginAs`, but the person logs in and then refuses consent: the callback URL carries
   * `error=access_denied`.
   */
  denyAs(sub: string, authorizationUrl: string): Promise<URL>;
  stop(): Promise<void>;
}

export interface StartTestIdpOptions {
  users: IdpUser[];
  clients: IdpClient[];
  /** Port to listen on (default: a free one). */
  port?: number;
}

/** The IdP answered the simulated browser with an error page (or something unexpected) instead of redirecting. */
export class IdpInteractionError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
    this.name = 'IdpInteractionError';
  }
}

const INTERACTION_PATH = '/interaction/';
const MAX_HOPS = 20;

export async function startTestIdp(options: StartTestIdpOptions): Promise<TestIdp> {
  const users = new Map(options.users.map((user) => [user.sub, user]));

  // Bind first (to learn the port, which is part of the issuer), attach the provider afterwards.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, await configuration(users, options.clients));
  const providerCallback = provider.callback();
  handle = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith(INTERACTION_PATH)) {
      interaction(provider, users, req, res, path.slice(INTERACTION_PATH.length)).catch((error: unknown) => {
        if (!res.headersSent) sendHtml(res, 500, errorPage('server_error', String(error)));
        else res.end();
      });
    } else {
      void providerCallback(req, res);
    }
  };

  return {
    issuer,
    loginAs: (sub, authorizationUrl) => browse(issuer, authorizationUrl, sub, 'allow'),
    denyAs: (sub, authorizationUrl) => browse(issuer, authorizationUrl, sub, 'deny'),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function configuration(users: Map<string, IdpUser>, clients: IdpClient[]): Promise<Configuration> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };

  const store = new MemoryStore();
  return {
    adapter: (model) => store.adapter(model),
    clients: clients.map(
      (client): ClientMetadata => ({
        client_id: client.clientId,
        redirect_uris: client.redirectUris,
        // `web` accepts http redirect URIs on any host (e.g. http://test/...) as long as the
        // implicit grant is not allowed; `native` would allow http on loopback hosts only.
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'RS256',
      }),
    ),
    jwks: { keys: [signingKey as JWK] },
    cookies: { keys: [crypto.randomUUID(), crypto.randomUUID()] },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'profile', 'email'],
    // Put the claims of the granted scopes into the ID token itself, not only at userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}${interaction.uid}` },
    findAccount: (_ctx, sub): Account | undefined => {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        claims: () => ({
          sub: user.sub,
          preferred_username: user.preferredUsername,
          ...(user.email === undefined ? {} : { email: user.email, email_verified: true }),
        }),
      };
    },
    renderError: (ctx, out: ErrorOut) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error, out.error_description ?? '');
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  };
}

/**
 * Storage for one IdP instance (oidc-provider's own in-memory adapter is a shared, size-capped
 * LRU and warns on every start): entries by `<model>:<id>` with expiry, plus the lookups by
 * session uid, user code and grant id that the provider needs.
 */
class MemoryStore {
  private readonly entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  private readonly byUid = new Map<string, string>();
  private readonly byUserCode = new Map<string, string>();
  private readonly byGrant = new Map<string, Set<string>>();

  private get(key: string | undefined): AdapterPayload | undefined {
    if (key === undefined) return undefined;
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) this.entries.delete(key);
    else return entry?.payload;
    return undefined;
  }

  adapter(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
        this.entries.set(key(id), { payload, expiresAt });
        if (model === 'Session' && payload.uid) this.byUid.set(payload.uid, key(id));
        if (payload.userCode) this.byUserCode.set(payload.userCode, key(id));
        if (payload.grantId) {
          const members = this.byGrant.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          this.byGrant.set(payload.grantId, members);
        }
      },
      find: async (id) => this.get(key(id)),
      findByUid: async (uid) => this.get(this.byUid.get(uid)),
      findByUserCode: async (userCode) => this.get(this.byUserCode.get(userCode)),
      consume: async (id) => {
        const payload = this.get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const member of this.byGrant.get(grantId) ?? []) this.entries.delete(member);
        this.byGrant.delete(grantId);
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The IdP's interaction pages: GET /interaction/<uid> shows a login or consent form; POST
// /interaction/<uid>/login (field `sub`) and /interaction/<uid>/consent (field `decision`).

async function interaction(
  provider: Provider,
  users: Map<string, IdpUser>,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
): Promise<void> {
  const [uid = '', action] = rest.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return sendHtml(res, 400, errorPage('invalid_request', 'interaction mismatch'));
  const prompt = details.prompt.name;

  if (req.method === 'GET' && action === undefined) {
    if (prompt === 'login') return sendHtml(res, 200, loginPage(uid));
    if (prompt === 'consent') return sendHtml(res, 200, consentPage(uid, String(details.params.client_id)));
    return sendHtml(res, 501, errorPage('server_error', `unsupported prompt ${prompt}`));
  }
  if (req.method !== 'POST') return sendHtml(res, 405, errorPage('invalid_request', 'method not allowed'));

  const form = new URLSearchParams(await readBody(req));
  if (action === 'login' && prompt === 'login') {
    const sub = form.get('sub') ?? '';
    if (!users.has(sub)) return sendHtml(res, 401, errorPage('login_failed', `unknown user ${JSON.stringify(sub)}`));
    const result: InteractionResults = { login: { accountId: sub } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  if (action === 'consent' && prompt === 'consent') {
    if (form.get('decision') !== 'allow') {
      const result: InteractionResults = {
        error: 'access_denied',
        error_description: 'End-User refused to grant access',
      };
      return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id;
    if (accountId === undefined || typeof clientId !== 'string') {
      return sendHtml(res, 400, errorPage('invalid_request', 'no session for consent'));
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId });
    if (!grant) return sendHtml(res, 400, errorPage('invalid_request', 'grant not found'));
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const result: InteractionResults = { consent: { grantId: await grant.save() } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
  return sendHtml(res, 400, errorPage('invalid_request', `cannot ${action ?? 'show'} during the ${prompt} prompt`));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

function loginPage(uid: string): string {
  return `<!DOCTYPE html><html><body><h1>Sign in</h1>
<form method="post" action="${INTERACTION_PATH}${uid}/login" data-prompt="login">
<input name="sub" autofocus><button type="submit">Sign in</button></form></body></html>`;
}

function consentPage(uid: string, clientId: string): string {
  return `<!DOCTYPE html><html><body><h1>Authorize ${escapeHtml(clientId)}?</h1>
<form method="post" action="${INTERACTION_PATH}${uid}/consent" data-prompt="consent">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form></body></html>`;
}

function errorPage(error: string, description: string): string {
  return `<!DOCTYPE html><html><body><h1>Error</h1>
<p data-error="${escapeHtml(error)}">${escapeHtml(error)}: ${escapeHtml(description)}</p></body></html>`;
}

// ---------------------------------------------------------------------------------------------
// The simulated browser.

/** Cookies by name; everything is one host, so domain and path are ignored. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.split('=');
        const k = key.trim().toLowerCase();
        if (k === 'max-age') return Number(val) <= 0;
        if (k === 'expires') return Date.parse(val.trim()) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function browse(issuer: string, authorizationUrl: string, sub: string, decision: 'allow' | 'deny'): Promise<URL> {
  const origin = new URL(issuer).origin;
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  if (url.origin !== origin) throw new Error(`${authorizationUrl} is not served by the IdP ${issuer}`);
  let init: { method: string; body?: string } = { method: 'GET' };

  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = jar.header();
    if (cookie) headers.cookie = cookie;
    if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(response.headers);
    const body = await response.text();

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin !== origin) return next; // leaving the IdP: the client's redirect URI
      url = next;
      init = { method: 'GET' };
      continue;
    }
    if (response.status !== 200) {
      const error = /data-error="([^"]*)"[^>]*>([^<]*)/.exec(body);
      const what = error ? unescapeHtml(error[2] ?? error[1] ?? '') : body.slice(0, 300);
      throw new IdpInteractionError(
        `IdP refused ${init.method} ${url.pathname} while ` +
          `logging in as ${JSON.stringify(sub)}: ${response.status} ${what}`,
        response.status,
        body,
      );
    }
    const form = /<form method="post" action="([^"]+)" data-prompt="(login|consent)">/.exec(body);
    if (!form?.[1]) {
      throw new IdpInteractionError(
        `IdP page at ${url.pathname} is neither a login nor a consent form: ${body.slice(0, 300)}`,
        response.status,
        body,
      );
    }
    url = new URL(form[1], url);
    init = {
      method: 'POST',
      body: new URLSearchParams(form[2] === 'login' ? { sub } : { decision }).toString(),
    };
  }
  throw new Error(`IdP did not redirect back to the client within ${MAX_HOPS} hops`);
}
