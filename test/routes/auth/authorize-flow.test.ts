/**
 * The authorization-code flow with PKCE for web clients, end to end against a real OIDC
 * provider: authorization request, IdP login, our callback redirecting to the client, and
 * the code redemption with its checks (verifier, single use, redirect URI, client id, expiry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { pkceChallenge, randomToken } from '../../../src/logic/auth/encoding.ts';
import {
  bearer,
  CHAEN_SUB,
  DIRAC_CLIENT_ID,
  FIXTURE_TIMEOUT_MS,
  form,
  startLoginFixture,
  WEB_REDIRECT,
  type LoginFixture,
  type TokenBody,
} from '../../harness/login.ts';

let fx: LoginFixture;
beforeAll(async () => {
  fx = await startLoginFixture();
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

interface AuthorizeOptions {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
}

function authorizeUrl(challenge: string, options: AuthorizeOptions = {}): string {
  return `/api/auth/authorize?${new URLSearchParams({
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    client_id: options.clientId ?? DIRAC_CLIENT_ID,
    redirect_uri: options.redirectUri ?? WEB_REDIRECT,
    scope: options.scope ?? 'vo:lhcb',
    state: options.state ?? 'external-state',
  })}`;
}

/** Runs the browser side and returns our code, the client state and the verifier. */
async function authorize(options: AuthorizeOptions = {}): Promise<{ code: string; state: string; verifier: string }> {
  const verifier = randomToken();
  const toIdp = await fx.app.fetch(authorizeUrl(await pkceChallenge(verifier), options));
  expect(toIdp.status).toBe(307);
  const callback = await fx.idp.loginAs(CHAEN_SUB, toIdp.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe('http://test/api/auth/authorize/complete');
  const toClient = await fx.app.fetch(callback.toString());
  expect(toClient.status).toBe(307);
  const target = new URL(toClient.headers.get('location')!);
  expect(`${target.origin}${target.pathname}`).toBe(WEB_REDIRECT);
  return { code: target.searchParams.get('code')!, state: target.searchParams.get('state')!, verifier };
}

function redeem(fields: Record<string, string>): Promise<Response> {
  return fx.app.fetch(
    '/api/auth/token',
    form({ grant_type: 'authorization_code', client_id: DIRAC_CLIENT_ID, redirect_uri: WEB_REDIRECT, ...fields }),
  );
}

describe('authorization-code flow', () => {
  it('hands the client a code and its state, redeemable once with the PKCE verifier for working tokens', async () => {
    const { code, state, verifier } = await authorize({ scope: 'vo:lhcb group:lhcb_prmgr' });
    expect(state).toBe('external-state');
    const res = await redeem({ code, code_verifier: verifier });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as TokenBody;
    expect(tokens.refresh_token).toBeString();
    const userinfo = await fx.app.fetch('/api/auth/userinfo', bearer(tokens.access_token));
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ dirac_group: 'lhcb_prmgr', preferred_username: 'chaen' });

    const reused = await redeem({ code, code_verifier: verifier });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ detail: 'Code was already used' });
  });

  it('refuses a wrong code_verifier with "Invalid code_challenge" without spending the code', async () => {
    const { code, verifier } = await authorize();
    const wrong = await redeem({ code, code_verifier: randomToken() });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ detail: 'Invalid code_challenge' });
    expect((await redeem({ code, code_verifier: verifier })).status).toBe(200);
  });

  it('refuses a redirect_uri other than the one authorized with "Invalid redirect_uri"', async () => {
    const { code, verifier } = await authorize();
    const res = await redeem({ code, code_verifier: verifier, redirect_uri: 'http://evil.test.invalid/cb' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Invalid redirect_uri' });
  });

  it('refuses another client id at the token endpoint with "Bad client_id"', async () => {
    const { code, verifier } = await authorize();
    const res = await redeem({ code, code_verifier: verifier, client_id: 'Unknown client ID' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Bad client_id' });
  });

  it('answers an expired code with 400 invalid_grant', async () => {
    const { code, verifier } = await authorize();
    fx.clock.advance(301);
    try {
      const res = await redeem({ code, code_verifier: verifier });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    } finally {
      fx.clock.advance(-301);
    }
  });

  it('answers a redemption without code_verifier with a FastAPI-style 422', async () => {
    const res = await redeem({ code: 'whatever' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { loc: unknown[] }[] };
    expect(body.detail[0]?.loc).toEqual(['body', 'code_verifier']);
  });

  it('refuses an unknown client id when the flow starts with "Unrecognised client_id"', async () => {
    const res = await fx.app.fetch(authorizeUrl('challenge', { clientId: 'Unknown client ID' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Unrecognised client_id' });
  });

  it('refuses a redirect URI that is not allowed with "Unrecognised redirect_uri"', async () => {
    const res = await fx.app.fetch(authorizeUrl('challenge', { redirectUri: 'http://diracx.test.unrecognized/cb' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Unrecognised redirect_uri' });
  });

  it('answers another response_type or challenge method with 422, as FastAPI literals do', async () => {
    const plain = await fx.app.fetch(
      authorizeUrl('c').replace('code_challenge_method=S256', 'code_challenge_method=plain'),
    );
    expect(plain.status).toBe(422);
    const token = await fx.app.fetch(authorizeUrl('c').replace('response_type=code', 'response_type=token'));
    expect(token.status).toBe(422);
  });

  it('hands back a client state with reserved characters intact', async () => {
    const { state } = await authorize({ state: 'a&b=c d/é' });
    expect(state).toBe('a&b=c d/é');
  });

  it('answers a callback whose state was not sealed by us with 400 "Invalid state"', async () => {
    const res = await fx.app.fetch('/api/auth/authorize/complete?code=x&state=invalid-state');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Invalid state' });
  });

  it('answers a code the IdP refuses with 401 "Invalid code"', async () => {
    const verifier = randomToken();
    const toIdp = await fx.app.fetch(authorizeUrl(await pkceChallenge(verifier)));
    const callback = await fx.idp.loginAs(CHAEN_SUB, toIdp.headers.get('location')!);
    callback.searchParams.set('code', 'invalid-code');
    const res = await fx.app.fetch(callback.toString());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Invalid code' });
  });

  it('refuses a device-flow state on the authorization callback', async () => {
    const device = (await (
      await fx.app.fetch(`/api/auth/device?client_id=${DIRAC_CLIENT_ID}&scope=vo:lhcb`, { method: 'POST' })
    ).json()) as {
      verification_uri_complete: string;
    };
    const toIdp = await fx.app.fetch(device.verification_uri_complete);
    const state = new URL(toIdp.headers.get('location')!).searchParams.get('state')!;
    const res = await fx.app.fetch(`/api/auth/authorize/complete?${new URLSearchParams({ code: 'x', state })}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Invalid state' });
  });
});
