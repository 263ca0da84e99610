/**
 * An MCP host's login, for the token-binding attack tests: the host registers itself (RFC 7591),
 * sends the person to /authorize with PKCE and the /mcp resource (the VO named in the scope),
 * the person logs in at the test IdP and approves our consent page, and the host redeems the
 * code. Everything goes through the public HTTP interfaces of the handler.
 */
import { pkceChallenge } from '../../src/logic/auth/encoding.ts';
import { CHAEN_SUB, form, type LoginFixture, type TokenBody } from '../harness/login.ts';

export const HOST_REDIRECT = 'http://127.0.0.1:33418/callback';

/** The public /mcp URL, as the protected-resource metadata names it. */
export async function mcpResourceOf(fx: LoginFixture): Promise<string> {
  return ((await (await fx.app.fetch('/.well-known/oauth-protected-resource')).json()) as { resource: string })
    .resource;
}

/** Registers a public client (as Claude Code does); returns its client id. */
export async function registerHost(fx: LoginFixture, name = 'Claude Code'): Promise<string> {
  const res = await fx.app.fetch('/api/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [HOST_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}

/** The hidden field `name` of a page. */
const hidden = (page: string, name: string): string =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';

export interface HostCode {
  clientId: string;
  code: string;
  verifier: string;
}

/** The person logs in and approves `clientId`; returns the authorization code the host receives. */
export async function approvedHostCode(
  fx: LoginFixture,
  clientId: string,
  resource: string,
  sub = CHAEN_SUB,
): Promise<HostCode> {
  const verifier = crypto.randomUUID() + crypto.randomUUID();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: HOST_REDIRECT,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'host-state',
    resource,
    scope: 'vo:lhcb group:lhcb_user',
  });
  const start = await fx.app.fetch(`/api/auth/authorize?${query}`);
  if (start.status !== 307) throw new Error(`authorize: ${start.status} ${await start.text()}`);
  const callback = await fx.idp.loginAs(sub, start.headers.get('location')!);
  const consent = await fx.app.fetch(callback.toString());
  if (consent.status !== 200) throw new Error(`callback: ${consent.status} ${await consent.text()}`);
  const page = await consent.text();
  const init = form({ flow: hidden(page, 'flow'), csrf_token: hidden(page, 'csrf_token'), decision: 'approve' });
  const approved = await fx.app.fetch('/api/auth/authorize/consent', {
    ...init,
    headers: { ...(init.headers as Record<string, string>), origin: 'http://test' },
  });
  if (approved.status !== 303) throw new Error(`consent: ${approved.status} ${await approved.text()}`);
  const code = new URL(approved.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`consent: no code in ${approved.headers.get('location')}`);
  return { clientId, code, verifier };
}

/** Redeems a host's code at the token endpoint (with `extra` form fields). */
export function redeemHostCode(
  fx: LoginFixture,
  host: HostCode,
  extra: Record<string, string> = {},
): Promise<Response> {
  return fx.app.fetch(
    '/api/auth/token',
    form({
      grant_type: 'authorization_code',
      client_id: host.clientId,
      redirect_uri: HOST_REDIRECT,
      code: host.code,
      code_verifier: host.verifier,
      ...extra,
    }),
  );
}

/** A whole MCP host login: register, log in, approve, redeem for `resource`; returns the tokens and client id. */
export async function mcpHostLogin(
  fx: LoginFixture,
  resource: string,
  name?: string,
): Promise<TokenBody & { clientId: string }> {
  const clientId = await registerHost(fx, name);
  const res = await redeemHostCode(fx, await approvedHostCode(fx, clientId, resource), { resource });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as TokenBody), clientId };
}

/** A refresh_token grant request of `clientId` (with `extra` form fields, e.g. `resource`). */
export function refreshAs(
  fx: LoginFixture,
  clientId: string,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return fx.app.fetch(
    '/api/auth/token',
    form({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, ...extra }),
  );
}
