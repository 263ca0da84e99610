/**
 * The device flow end to end against a real OIDC provider: the CLI's device authorization, the
 * person's login through the IdP and our callback, the CLI's polling (authorization_pending,
 * RFC 8628 slow_down and expiry), and the tokens that come out working on our API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  bearer,
  CHAEN_SUB,
  claimsOf,
  completeDeviceLogin,
  FIXTURE_TIMEOUT_MS,
  pollToken,
  startDevice,
  startLoginFixture,
  type LoginFixture,
  type TokenBody,
} from '../../harness/login.ts';

let fx: LoginFixture;
beforeAll(async () => {
  fx = await startLoginFixture();
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

describe('device flow', () => {
  it('issues tokens that work on userinfo and the configuration after the person logs in at the IdP', async () => {
    const device = await startDevice(fx, 'vo:lhcb property:ProductionManagement');
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    expect(device.verification_uri).toBe('http://test/api/auth/device');
    expect(device.verification_uri_complete).toBe(`http://test/api/auth/device?user_code=${device.user_code}`);
    expect(device.expires_in).toBe(600);
    expect(device.interval).toBe(2);

    const toIdp = await fx.app.fetch(device.verification_uri_complete);
    expect(toIdp.status).toBe(307);
    const idpUrl = new URL(toIdp.headers.get('location')!);
    expect(idpUrl.origin).toBe(fx.idp.issuer);
    expect(idpUrl.searchParams.get('redirect_uri')).toBe('http://test/api/auth/device/complete');
    expect(idpUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(idpUrl.searchParams.get('scope')).toBe('openid profile');

    const callback = await fx.idp.loginAs(CHAEN_SUB, idpUrl.toString());
    expect(`${callback.origin}${callback.pathname}`).toBe('http://test/api/auth/device/complete');
    const finished = await fx.app.fetch(callback.toString());
    expect(finished.status).toBe(307);
    expect(finished.headers.get('location')).toBe('http://test/api/auth/device/complete/finished');
    const page = await fx.app.fetch(finished.headers.get('location')!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Please close the window');

    const res = await pollToken(fx, device.device_code);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const tokens = (await res.json()) as TokenBody;
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(1200);
    expect(claimsOf(tokens.refresh_token!)).toMatchObject({ legacy_exchange: false, dirac_policies: {} });

    const userinfo = await fx.app.fetch('/api/auth/userinfo', bearer(tokens.access_token));
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toEqual({
      sub: `lhcb:${CHAEN_SUB}`,
      vo: 'lhcb',
      dirac_group: 'lhcb_user',
      policies: {},
      properties: ['NormalUser', 'PrivateLimitedDelegation', 'ProductionManagement'],
      preferred_username: 'chaen',
    });
    expect((await fx.app.fetch('/api/config/', bearer(tokens.access_token))).status).toBe(200);
  });

  it('answers a second redemption of the device code with "Code was already used"', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    await completeDeviceLogin(fx, device, CHAEN_SUB);
    expect((await pollToken(fx, device.device_code)).status).toBe(200);
    const again = await pollToken(fx, device.device_code);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ detail: 'Code was already used' });
  });

  it('answers polls before the login with DiracX\'s {"error": "authorization_pending"}', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    const res = await pollToken(fx, device.device_code);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'authorization_pending' });
  });

  it('answers RFC 8628 slow_down to a poll sooner than the advertised interval, then pending after it', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    expect((await pollToken(fx, device.device_code)).status).toBe(400);
    const tooSoon = await pollToken(fx, device.device_code);
    expect(tooSoon.status).toBe(400);
    expect(await tooSoon.json()).toEqual({ error: 'slow_down' });
    fx.clock.advance(device.interval);
    const onTime = await pollToken(fx, device.device_code);
    expect(onTime.status).toBe(400);
    expect(await onTime.json()).toEqual({ error: 'authorization_pending' });
  });

  it('keeps DiracX\'s 401 "Device code expired" for an expired device code, with RFC 8628 expired_token', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    fx.clock.advance(601);
    try {
      const res = await pollToken(fx, device.device_code);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: 'expired_token',
        error_description: 'Device code expired',
        detail: 'Device code expired',
      });
      // Nor can the person still log in with the expired user code.
      const page = await fx.app.fetch(device.verification_uri_complete);
      expect(page.status).toBe(400);
      expect(await page.json()).toEqual({ detail: 'No row was found when one was required' });
    } finally {
      fx.clock.advance(-601);
    }
  });

  it('refuses the token to another client id with "Bad client_id", leaving the flow redeemable', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    await completeDeviceLogin(fx, device, CHAEN_SUB);
    const wrong = await pollToken(fx, device.device_code, 'someone-else');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ detail: 'Bad client_id' });
    expect((await pollToken(fx, device.device_code)).status).toBe(200);
  });

  it('answers an unknown device code with 400 invalid_grant (DiracX fails with 500)', async () => {
    const res = await pollToken(fx, 'not-a-device-code');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant', detail: 'Unknown device_code' });
  });

  it('refuses a second IdP callback for the same flow with 400 once it is no longer pending', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    const toIdp = await fx.app.fetch(device.verification_uri_complete);
    const callback = await fx.idp.loginAs(CHAEN_SUB, toIdp.headers.get('location')!);
    expect((await fx.app.fetch(callback.toString())).status).toBe(307);
    // A fresh IdP login carrying the same sealed state (the old IdP code is spent).
    const again = await fx.idp.loginAs(CHAEN_SUB, toIdp.headers.get('location')!);
    const res = await fx.app.fetch(again.toString());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: `0 rows matched user_code ${device.user_code}` });
  });

  it('matches typed user codes case-insensitively and without separators', async () => {
    const device = await startDevice(fx, 'vo:lhcb');
    const typed = `${device.user_code.slice(0, 4).toLowerCase()}-${device.user_code.slice(4)}`;
    const res = await fx.app.fetch(`/api/auth/device?user_code=${typed}`);
    expect(res.status).toBe(307);
  });

  it("answers an unknown user code with DiracX's 400 detail", async () => {
    const res = await fx.app.fetch('/api/auth/device?user_code=INVALID');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'No row was found when one was required' });
  });

  it('refuses an unknown client id with "Unrecognised client ID"', async () => {
    const res = await fx.app.fetch('/api/auth/device?client_id=nope&scope=vo:lhcb', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Unrecognised client ID' });
  });
});
