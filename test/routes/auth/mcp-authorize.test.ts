/**
 * The browser login of MCP hosts, through the handler with a real upstream IdP (oidc-provider)
 * and a simulated browser: the host registers (RFC 7591), sends the person to /authorize with
 * PKCE and the /mcp resource, the person picks a VO, logs in at the IdP, sees our consent page
 * and approves or denies; the host redeems the code for a token bound to /mcp and a refresh
 * token. And every refusal: a wrong or missing verifier, another redirect URI, a reused code,
 * another resource, an expired registration, a forged or repeated consent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeJwt } from 'jose';
import { pkceChallenge } from '../../../src/logic/auth/encoding.ts';
import { voChoiceValue } from '../../../src/routes/auth/pages/vo-choice.ts';
import {
  CHAEN_SUB,
  FIXTURE_TIMEOUT_MS,
  form,
  startLoginFixture,
  type LoginFixture,
  type TokenBody,
} from '../../harness/login.ts';

const ORIGIN = 'http://test';
const REDIRECT = 'http://127.0.0.1:33418/callback';
let fx: LoginFixture;
let mcpResource = '';

beforeAll(async () => {
  fx = await startLoginFixture();
  const metadata = (await (await fx.app.fetch('/.well-known/oauth-protected-resource')).json()) as { resource: string };
  mcpResource = metadata.resource;
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

async function register(redirectUris = [REDIRECT]): Promise<string> {
  const res = await fx.app.fetch('/api/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Claude Code',
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'openid profile email offline_access',
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

interface Started {
  clientId: string;
  verifier: string;
  redirectUri: string;
}

function authorizeUrl(s: Started, extra: Record<string, string> = {}): string {
  return `/api/auth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: s.clientId,
    redirect_uri: s.redirectUri,
    code_challenge: extra.challenge ?? '',
    code_challenge_method: 'S256',
    state: 'host-state',
    resource: mcpResource,
    scope: 'openid profile email offline_access',
    ...extra,
  })}`;
}

/** The hidden field `name` of a page. */
const hidden = (page: string, name: string): string =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';

/** Walks the person through VO choice and IdP login; returns the consent page. */
async function toConsent(s: Started, extra: Record<string, string> = {}): Promise<string> {
  const start = await fx.app.fetch(authorizeUrl(s, { challenge: await pkceChallenge(s.verifier), ...extra }));
  expect(start.status).toBe(307);
  const voPage = await fx.app.fetch(start.headers.get('location')!);
  expect(voPage.status).toBe(200);
  const page = await voPage.text();
  expect(page).toContain('Claude Code');
  const flow = hidden(page, 'flow');
  const chosen = await fx.app.fetch(
    `/api/auth/authorize/vo?${new URLSearchParams({ flow, vo_group: voChoiceValue('lhcb', 'lhcb_user') })}`,
  );
  expect(chosen.status).toBe(303);
  const callback = await fx.idp.loginAs(CHAEN_SUB, chosen.headers.get('location')!);
  const consent = await fx.app.fetch(callback.toString());
  expect(consent.status).toBe(200);
  expect(consent.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  return consent.text();
}

function answer(
  page: string,
  decision: 'approve' | 'deny',
  headers: Record<string, string> = { origin: ORIGIN },
): Promise<Response> {
  const init = form({ flow: hidden(page, 'flow'), csrf_token: hidden(page, 'csrf_token'), decision });
  return fx.app.fetch('/api/auth/authorize/consent', {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...headers },
  });
}

function redeem(s: Started, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return fx.app.fetch(
    '/api/auth/token',
    form({
      grant_type: 'authorization_code',
      client_id: s.clientId,
      redirect_uri: s.redirectUri,
      code,
      code_verifier: s.verifier,
      resource: mcpResource,
      ...extra,
    }),
  );
}

async function approvedCode(s: Started, inspect: (consentPage: string) => void = () => {}): Promise<string> {
  const page = await toConsent(s);
  inspect(page);
  const approved = await answer(page, 'approve');
  expect(approved.status).toBe(303);
  const back = new URL(approved.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(s.redirectUri);
  expect(back.searchParams.get('state')).toBe('host-state');
  return back.searchParams.get('code')!;
}

const started = async (redirectUri = REDIRECT): Promise<Started> => ({
  clientId: await register(),
  verifier: crypto.randomUUID() + crypto.randomUUID(),
  redirectUri,
});

describe('MCP host browser login', () => {
  it('registers, chooses a VO, logs in, consents and gets a token for /mcp with a rotating refresh token', async () => {
    const s = await started();
    const code = await approvedCode(s, (page) => {
      for (const shown of ['Claude Code', '127.0.0.1', 'chaen', 'lhcb', 'lhcb_user', 'kill_jobs'])
        expect(page).toContain(shown);
    });
    const res = await redeem(s, code);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as TokenBody;
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      aud: mcpResource,
      preferred_username: 'chaen',
      vo: 'lhcb',
      dirac_group: 'lhcb_user',
    });
    expect(tokens.refresh_token).toBeString();
    const refreshed = await fx.app.fetch(
      '/api/auth/token',
      form({
        grant_type: 'refresh_token',
        client_id: s.clientId,
        refresh_token: tokens.refresh_token!,
        resource: mcpResource,
      }),
    );
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as TokenBody;
    expect(decodeJwt(next.access_token).aud).toBe(mcpResource);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await fx.app.fetch(
      '/api/auth/token',
      form({
        grant_type: 'refresh_token',
        client_id: s.clientId,
        refresh_token: tokens.refresh_token!,
        resource: mcpResource,
      }),
    );
    expect(reused.status).toBeGreaterThanOrEqual(400);
  });

  it('sends a denial back to the host as access_denied, with no code', async () => {
    const s = await started();
    const denied = await answer(await toConsent(s), 'deny');
    expect(denied.status).toBe(303);
    const back = new URL(denied.headers.get('location')!);
    expect([back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('code')]).toEqual([
      'access_denied',
      'host-state',
      null,
    ]);
  });

  it('accepts a loopback redirect URI on another port (RFC 8252) and only that one at the token endpoint', async () => {
    const s = await started();
    const onOtherPort = { ...s, redirectUri: 'http://127.0.0.1:40411/callback' };
    const code = await approvedCode(onOtherPort);
    expect((await redeem(s, code)).status).toBe(400);
  });
});

describe('MCP host browser login refusals', () => {
  it('refuses a wrong or missing PKCE verifier', async () => {
    const s = await started();
    const code = await approvedCode(s);
    expect(await (await redeem(s, code, { code_verifier: 'x'.repeat(64) })).json()).toMatchObject({
      detail: 'Invalid code_challenge',
    });
    const s2 = await started();
    const code2 = await approvedCode(s2);
    const missing = await fx.app.fetch(
      '/api/auth/token',
      form({
        grant_type: 'authorization_code',
        client_id: s2.clientId,
        redirect_uri: s2.redirectUri,
        code: code2,
        resource: mcpResource,
      }),
    );
    expect(missing.status).toBe(422);
  });

  it('refuses a redirect URI the host did not register, before any login, on our error page', async () => {
    const s = await started();
    const res = await fx.app.fetch(
      authorizeUrl({ ...s, redirectUri: 'https://evil.example/cb' }, { challenge: await pkceChallenge(s.verifier) }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toStartWith('text/html');
    expect(await res.text()).toContain('Unrecognised redirect_uri');
  });

  it('refuses a reused code', async () => {
    const s = await started();
    const code = await approvedCode(s);
    expect((await redeem(s, code)).status).toBe(200);
    expect(await (await redeem(s, code)).json()).toMatchObject({ detail: 'Code was already used' });
  });

  // At /authorize with our error page, never a redirect to the host.
  it('refuses a token for another resource, at /authorize and at the token endpoint', async () => {
    const s = await started();
    const res = await fx.app.fetch(
      authorizeUrl(s, { challenge: await pkceChallenge(s.verifier), resource: 'https://other.example/mcp' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('invalid_target');
    const code = await approvedCode(s);
    const other = await redeem(s, code, { resource: 'https://other.example/mcp' });
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('refuses an expired registration', async () => {
    const s = await started();
    fx.clock.advance(31 * 24 * 3600);
    try {
      const res = await fx.app.fetch(authorizeUrl(s, { challenge: await pkceChallenge(s.verifier) }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ detail: 'Unrecognised client_id' });
    } finally {
      fx.clock.advance(-31 * 24 * 3600);
    }
  });

  it('refuses a consent not posted from our page, or with another token, and a second answer', async () => {
    const s = await started();
    const page = await toConsent(s);
    expect((await answer(page, 'approve', {})).status).toBe(403);
    expect((await answer(page, 'approve', { origin: 'https://evil.example' })).status).toBe(403);
    const forged = page.replace(/name="csrf_token" value="[^"]*"/, 'name="csrf_token" value="9999999999.AAAA"');
    expect((await answer(forged, 'approve')).status).toBe(403);
    expect((await answer(page, 'deny')).status).toBe(303);
    const again = await answer(page, 'approve');
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toStartWith('text/html');
  });

  it('shows an error page for an unknown or finished VO choice', async () => {
    const res = await fx.app.fetch(`/api/auth/authorize/vo?flow=${crypto.randomUUID()}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expired or was already answered');
  });
});

describe('MCP host identified by a client ID metadata document (served through an injected fetch: no TLS here)', () => {
  const DOC_URL = 'https://host.example/oauth/client.json';
  let cimd: LoginFixture;
  let document: Record<string, unknown> = {};
  /** Every URL the injected fetch was asked for. */
  const fetched: string[] = [];
  beforeAll(async () => {
    cimd = await startLoginFixture({
      fetch: (input, init) => {
        fetched.push(String(input));
        return String(input) === DOC_URL ? Promise.resolve(Response.json(document)) : fetch(input, init);
      },
    });
  }, FIXTURE_TIMEOUT_MS);
  afterAll(() => cimd.dispose(), FIXTURE_TIMEOUT_MS);

  const start = async (clientId = DOC_URL): Promise<Response> => {
    const challenge = await pkceChallenge('v'.repeat(64));
    return cimd.app.fetch(
      `/api/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 's',
      })}`,
    );
  };

  it('refuses a document on a loopback, private, link-local or localhost host, fetching nothing (SSRF)', async () => {
    for (const clientId of [
      'https://127.0.0.1/client.json',
      'https://2130706433/client.json',
      'https://0x7f.1/client.json',
      'https://10.0.0.5/client.json',
      'https://169.254.169.254/latest/meta-data/client.json',
      'https://100.64.0.1/client.json',
      'https://0.0.0.0/client.json',
      'https://[::1]/client.json',
      'https://[::ffff:127.0.0.1]/client.json',
      'https://[fd00::1]/client.json',
      'https://[fe80::1]/client.json',
      'https://localhost/client.json',
      'https://api.localhost/client.json',
    ]) {
      fetched.length = 0;
      const res = await start(clientId);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_client');
      expect(body.error_description).toContain("the URL's host is not a public address");
      expect(fetched).toEqual([]);
    }
  });

  it('refuses a document that does not name itself as the client id, before any login', async () => {
    document = { client_id: 'https://other.example/client.json', client_name: 'Impostor', redirect_uris: [REDIRECT] };
    const res = await start();
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('accepts a matching document and asks the person for a VO', async () => {
    document = {
      client_id: DOC_URL,
      client_name: 'Documented host',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
    };
    const res = await start();
    expect(res.status).toBe(307);
    const page = await (await cimd.app.fetch(res.headers.get('location')!)).text();
    expect(page).toContain('Documented host');
  });
});
