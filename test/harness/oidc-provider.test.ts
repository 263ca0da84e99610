/**
 * The test IdP harness on its own, without our server: a real `oidc-provider` serves discovery,
 * lets `loginAs` log a person in through its login and consent pages, and issues RS256 ID tokens
 * with `sub` and `preferred_username` to a public PKCE client; refusals come back as errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { IdpInteractionError, startTestIdp, type TestIdp } from './oidc-provider.ts';

const CLIENT_ID = 'test-vo-client';
const LOOPBACK_CALLBACK = 'http://127.0.0.1:65000/callback';
const NON_LOOPBACK_CALLBACK = 'http://test/api/auth/authorize/complete';

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported: string[];
  code_challenge_methods_supported: string[];
}

interface AuthorizationRequest {
  url: string;
  state: string;
  verifier: string;
}

let idp: TestIdp;
let discovery: Discovery;

beforeAll(async () => {
  idp = await startTestIdp({
    users: [{ sub: 'alice-sub', preferredUsername: 'alice', email: 'alice@example.org' }],
    clients: [{ clientId: CLIENT_ID, redirectUris: [LOOPBACK_CALLBACK, NON_LOOPBACK_CALLBACK] }],
  });
  const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  discovery = (await response.json()) as Discovery;
});

afterAll(async () => {
  await idp.stop();
});

function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return Buffer.from(digest).toString('base64url');
}

/** An authorization URL as our server would build it: code flow, PKCE S256, `openid profile`. */
async function authorizationRequest(redirectUri = LOOPBACK_CALLBACK): Promise<AuthorizationRequest> {
  const state = randomToken();
  const verifier = randomToken();
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state,
  }).toString();
  return { url: url.toString(), state, verifier };
}

async function redeem(code: string, verifier: string, redirectUri = LOOPBACK_CALLBACK): Promise<Response> {
  return fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
    }),
  });
}

describe('test IdP', () => {
  it('serves discovery for its issuer with RS256 ID tokens and S256 PKCE', () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.authorization_endpoint.startsWith(idp.issuer)).toBe(true);
    expect(discovery.id_token_signing_alg_values_supported).toContain('RS256');
    expect(discovery.code_challenge_methods_supported).toContain('S256');
  });

  it('logs a person in and redirects back with a code and the state', async () => {
    const request = await authorizationRequest();
    const callback = await idp.loginAs('alice-sub', request.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(LOOPBACK_CALLBACK);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('error')).toBeNull();
  });

  it('exchanges the code for an ID token that verifies against its JWKS and names the person', async () => {
    const request = await authorizationRequest();
    const callback = await idp.loginAs('alice-sub', request.url);
    const response = await redeem(callback.searchParams.get('code') ?? '', request.verifier);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { id_token: string; token_type: string };
    const { payload, protectedHeader } = await jwtVerify(
      tokens.id_token,
      createRemoteJWKSet(new URL(discovery.jwks_uri)),
      {
        issuer: discovery.issuer,
        audience: CLIENT_ID,
        algorithms: discovery.id_token_signing_alg_values_supported,
        requiredClaims: ['sub', 'iat', 'exp'],
      },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe('alice-sub');
    expect(payload.preferred_username).toBe('alice');
  });

  it('accepts an http redirect URI on a non-loopback host', async () => {
    const request = await authorizationRequest(NON_LOOPBACK_CALLBACK);
    const callback = await idp.loginAs('alice-sub', request.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(NON_LOOPBACK_CALLBACK);
    expect(callback.searchParams.get('state')).toBe(request.state);
    const response = await redeem(callback.searchParams.get('code') ?? '', request.verifier, NON_LOOPBACK_CALLBACK);
    expect(response.status).toBe(200);
  });

  it('redirects back with access_denied when the person refuses consent', async () => {
    const request = await authorizationRequest();
    const callback = await idp.denyAs('alice-sub', request.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(LOOPBACK_CALLBACK);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('refuses a code redeemed with the wrong code_verifier', async () => {
    const request = await authorizationRequest();
    const callback = await idp.loginAs('alice-sub', request.url);
    const response = await redeem(callback.searchParams.get('code') ?? '', randomToken());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses to log in an unknown person', async () => {
    const request = await authorizationRequest();
    const attempt = idp.loginAs('mallory-sub', request.url);
    await expect(attempt).rejects.toThrow(IdpInteractionError);
    await expect(attempt).rejects.toThrow(/unknown user "mallory-sub"/);
  });

  it('shows an error instead of redirecting to an unregistered redirect URI', async () => {
    const request = await authorizationRequest('http://127.0.0.1:65000/elsewhere');
    await expect(idp.loginAs('alice-sub', request.url)).rejects.toThrow(/redirect_uri/);
  });
});
