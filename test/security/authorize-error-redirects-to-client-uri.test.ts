/**
 * Attack: using us as an open redirector. Anyone can register a client (RFC 7591) or publish a
 * client ID metadata document naming any redirect URI, then send a victim to a failing
 * /api/auth/authorize so that our origin bounces them there. Every refusal before consent, for
 * every error class, is our own error page for such clients (no redirect, strict page headers,
 * nothing stored); only DiracX's client, whose redirect URIs an administrator configured, gets
 * RFC 6749 §4.1.2.1 error redirects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { pkceChallenge } from '../../src/logic/auth/encoding.ts';
import {
  allAuthorizationFlows,
  authorize,
  DIRAC_CLIENT_ID,
  HOST_REDIRECT,
  MCP_URL,
  registerHost,
  startTwoVoWorld,
  WEB_REDIRECT,
  type HostFlow,
  type TwoVoWorld,
} from './two-vo-login.ts';

const DOC_URL = 'https://host.example/oauth/client.json';
const DOCUMENT = {
  client_id: DOC_URL,
  client_name: 'Documented host',
  redirect_uris: [HOST_REDIRECT],
  token_endpoint_auth_method: 'none',
};

let world: TwoVoWorld;
let registered: HostFlow;
let documented: HostFlow;
beforeAll(async () => {
  // The metadata document is served through the injected fetch (no TLS server here); the IdPs are reached for real.
  world = await startTwoVoWorld({
    fetch: (input, init) => (String(input) === DOC_URL ? Promise.resolve(Response.json(DOCUMENT)) : fetch(input, init)),
  });
  registered = { clientId: await registerHost(world), redirectUri: HOST_REDIRECT, verifier: 'v'.repeat(43) };
  documented = { clientId: DOC_URL, redirectUri: HOST_REDIRECT, verifier: 'v'.repeat(43) };
}, 30_000);
afterAll(() => world.dispose(), 30_000);

/**
 * Each error class: the parameters that cause it (an empty value leaves the parameter out) and the
 * error the page names.
 */
const ERROR_CLASSES: readonly { name: string; params: Record<string, string>; error: string }[] = [
  { name: 'a group of another VO', params: { scope: 'vo:lhcb group:gridpp_user' }, error: 'invalid_scope' },
  { name: 'an unknown VO', params: { scope: 'vo:atlas' }, error: 'invalid_scope' },
  { name: 'an unknown property', params: { scope: 'vo:lhcb property:NoSuchProperty' }, error: 'invalid_scope' },
  { name: 'a resource that is not ours', params: { resource: 'https://evil.example/mcp' }, error: 'invalid_target' },
  { name: 'an unsupported response_type', params: { response_type: 'token' }, error: 'unsupported_response_type' },
  { name: 'no response_type', params: { response_type: '' }, error: 'invalid_request' },
  { name: 'no PKCE challenge', params: { code_challenge: '' }, error: 'invalid_request' },
  { name: 'the plain PKCE method', params: { code_challenge_method: 'plain' }, error: 'invalid_request' },
  {
    name: 'a redirect URI the client does not have',
    params: { redirect_uri: 'https://evil.example/cb' },
    error: 'invalid_request',
  },
];

for (const [kind, client] of [
  ['a dynamically registered client', () => registered],
  ['a client ID metadata document client', () => documented],
] as const) {
  describe(`refusals before consent for ${kind}`, () => {
    for (const { name, params, error } of ERROR_CLASSES) {
      it(`shows our error page, never a redirect, for ${name}`, async () => {
        const before = (await allAuthorizationFlows(world)).length;
        const res = await authorize(world, client(), { resource: MCP_URL, ...params });
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
        expect(res.headers.get('content-type')).toStartWith('text/html');
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('cache-control')).toBe('no-store');
        const page = await res.text();
        expect(page).toContain(error);
        // Nothing on the page leads to the client's URI.
        expect(page).not.toContain('127.0.0.1:33418');
        expect(page).not.toContain('evil.example/cb');
        expect((await allAuthorizationFlows(world)).length).toBe(before);
      });
    }

    it('still sends a valid request on (the refusals above are about the request, not the client)', async () => {
      const res = await authorize(world, client(), { resource: MCP_URL });
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toStartWith('http://test/api/auth/authorize/vo?flow=');
    });
  });
}

describe('DiracX’s client, whose redirect URIs an administrator configured', () => {
  const request = async (extra: Record<string, string>): Promise<Response> =>
    world.app.fetch(
      `/api/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: DIRAC_CLIENT_ID,
        redirect_uri: WEB_REDIRECT,
        code_challenge: await pkceChallenge('w'.repeat(43)),
        code_challenge_method: 'S256',
        scope: 'vo:lhcb',
        state: 'web-state',
        ...extra,
      })}`,
    );

  it('gets an RFC 6749 §4.1.2.1 error redirect to its configured URI, with its state', async () => {
    const before = (await allAuthorizationFlows(world)).length;
    const res = await request({ resource: 'https://evil.example/api' });
    expect(res.status).toBe(307);
    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(WEB_REDIRECT);
    expect([back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('code')]).toEqual([
      'invalid_target',
      'web-state',
      null,
    ]);
    expect((await allAuthorizationFlows(world)).length).toBe(before);
  });

  it('keeps DiracX’s JSON answers for what DiracX itself refuses', async () => {
    const scope = await request({ scope: 'vo:atlas' });
    expect(scope.status).toBe(400);
    expect(await scope.json()).toEqual({ detail: 'VO atlas is not known to this installation' });
    const method = await request({ code_challenge_method: 'plain' });
    expect(method.status).toBe(422);
    const redirect = await request({ redirect_uri: 'https://evil.example/cb' });
    expect(redirect.status).toBe(400);
    expect(redirect.headers.get('location')).toBeNull();
    expect(await redirect.json()).toEqual({ detail: 'Unrecognised redirect_uri' });
  });
});
