/**
 * Abuse resistance and failure of the identity provider: per-caller rate limits on the token
 * endpoint and on flow starts (429 with Retry-After), an unreachable or failing IdP (502), a
 * tampered state (400), and no code or token in the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import type { FetchLike } from '../../../src/logic/auth/flows/idp-client.ts';
import {
  CHAEN_SUB,
  deviceLogin,
  DIRAC_CLIENT_ID,
  FIXTURE_TIMEOUT_MS,
  form,
  pollToken,
  startDevice,
  startLoginFixture,
  type LoginFixture,
} from '../../harness/login.ts';

describe('rate limits', () => {
  let fx: LoginFixture;
  beforeAll(async () => {
    fx = await startLoginFixture({ settings: { tokenRateLimitPerMinute: 3, loginRateLimitPerMinute: 2 } });
  }, FIXTURE_TIMEOUT_MS);
  afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

  it('limits token requests per client: 429 + Retry-After past the limit, served again after the window', async () => {
    for (let i = 0; i < 3; i++) expect((await pollToken(fx, `unknown-${i}`, 'limited-client')).status).toBe(400);
    const limited = await pollToken(fx, 'unknown-4', 'limited-client');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ detail: 'Too many requests' });
    // Another client id from the same caller has its own budget.
    expect((await pollToken(fx, 'unknown-5', 'other-client')).status).toBe(400);
    fx.clock.advance(61);
    expect((await pollToken(fx, 'unknown-6', 'limited-client')).status).toBe(400);
  });

  it('answers device authorizations past the limit with 429', async () => {
    const start = () => fx.app.fetch(`/api/auth/device?client_id=${DIRAC_CLIENT_ID}&scope=vo:lhcb`, { method: 'POST' });
    expect((await start()).status).toBe(200);
    expect((await start()).status).toBe(200);
    const limited = await start();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });

  it('counts callers behind a trusted proxy by their X-Forwarded-For address', async () => {
    fx.clock.advance(61);
    const fromProxy = (client: string) =>
      fx.app.handler(
        new Request(`http://test/api/auth/device?client_id=${DIRAC_CLIENT_ID}&scope=vo:lhcb`, {
          method: 'POST',
          headers: { 'x-forwarded-for': client },
        }),
        { remoteAddress: '127.0.0.1' },
      );
    expect((await fromProxy('192.0.2.1')).status).toBe(200);
    expect((await fromProxy('192.0.2.1')).status).toBe(200);
    expect((await fromProxy('192.0.2.1')).status).toBe(429);
    expect((await fromProxy('192.0.2.2')).status).toBe(200);
  });
});

describe('identity provider failures', () => {
  it('answers 502 when the IdP cannot be reached', async () => {
    const fx = await startLoginFixture({ idpUrl: 'http://127.0.0.1:1' });
    try {
      const device = await startDevice(fx, 'vo:lhcb');
      const res = await fx.app.fetch(device.verification_uri_complete);
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({ detail: 'Failed to contact IAM server' });
    } finally {
      await fx.dispose();
    }
  });

  it('answers 502 when the IdP token endpoint fails with a 5xx', async () => {
    let failTokens = false;
    const flaky: FetchLike = async (input, init) =>
      failTokens && init?.method === 'POST' ? new Response('oops', { status: 503 }) : fetch(input, init);
    const fx = await startLoginFixture({ fetch: flaky });
    try {
      const device = await startDevice(fx, 'vo:lhcb');
      const toIdp = await fx.app.fetch(device.verification_uri_complete);
      const callback = await fx.idp.loginAs(CHAEN_SUB, toIdp.headers.get('location')!);
      failTokens = true;
      const res = await fx.app.fetch(callback.toString());
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({ detail: 'Failed to contact IAM server' });
    } finally {
      await fx.dispose();
    }
  });

  it('answers an IdP refusal of the code on the device callback with 401', async () => {
    const fx = await startLoginFixture();
    try {
      const device = await startDevice(fx, 'vo:lhcb');
      const toIdp = await fx.app.fetch(device.verification_uri_complete);
      const callback = await fx.idp.loginAs(CHAEN_SUB, toIdp.headers.get('location')!);
      callback.searchParams.set('code', 'invalid-code');
      const res = await fx.app.fetch(callback.toString());
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: 'Failed to contact IAM server' });
    } finally {
      await fx.dispose();
    }
  });
});

describe('secrecy', () => {
  let fx: LoginFixture;
  beforeAll(async () => {
    fx = await startLoginFixture();
  }, FIXTURE_TIMEOUT_MS);
  afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

  it('answers a tampered state with 400 "Invalid state"', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    const toIdp = await fx.app.fetch(device.verification_uri_complete);
    const state = new URL(toIdp.headers.get('location')!).searchParams.get('state')!;
    const flipped = `${state.slice(0, 20)}${state[20] === 'A' ? 'B' : 'A'}${state.slice(21)}`;
    const res = await fx.app.fetch(`/api/auth/device/complete?${new URLSearchParams({ code: 'x', state: flipped })}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Invalid state' });
  });

  it('writes no code or token into the logs', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    await pollToken(fx, device.device_code);
    const tokens = await deviceLogin(fx, CHAEN_SUB);
    await fx.app.fetch(
      '/api/auth/token',
      form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: DIRAC_CLIENT_ID }),
    );
    await fx.app.fetch(
      '/api/auth/token',
      form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: DIRAC_CLIENT_ID }),
    );
    const logs = JSON.stringify(fx.app.logs);
    for (const secret of [device.device_code, device.user_code, tokens.access_token, tokens.refresh_token!]) {
      expect(logs).not.toContain(secret);
    }
  });
});
