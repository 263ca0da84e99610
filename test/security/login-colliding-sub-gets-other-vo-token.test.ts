/**
 * Attack: subject ids are only unique per identity provider. Mallory, a person of gridpp's IdP,
 * has the same `sub` there as chaen has at lhcb's IdP. Whatever path she takes through the
 * login flows (moving her flow to lhcb after gridpp's IdP authenticated her, or presenting
 * gridpp's code for an lhcb login), she gets gridpp tokens as mallory and never an lhcb token:
 * a sub is only looked up in the registry of the VO whose provider authenticated it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeJwt } from 'jose';
import { DEVICE_GRANT, form, type DeviceAuthorizationBody, type TokenBody } from '../harness/login.ts';
import {
  answerConsent,
  answerVoChoice,
  authorizationFlowRow,
  deviceFlowRow,
  DIRAC_CLIENT_ID,
  newHostFlow,
  redeemCode,
  SHARED_SUB,
  startTwoVoWorld,
  startVoChoice,
  toGridppIdp,
  type TwoVoWorld,
} from './two-vo-login.ts';

let world: TwoVoWorld;
beforeAll(async () => {
  world = await startTwoVoWorld();
}, 30_000);
afterAll(() => world.dispose(), 30_000);

describe('a gridpp person whose sub is an lhcb user’s sub', () => {
  it('logs in through an MCP host as mallory in gridpp, even after asking for lhcb again', async () => {
    const host = await newHostFlow(world);
    const flowId = await startVoChoice(world, host);
    const toGridpp = await answerVoChoice(world, flowId, 'gridpp', 'gridpp_user');
    expect(toGridpp.status).toBe(303);
    // Mallory tries to move her flow to lhcb before coming back from gridpp's IdP.
    const moved = await answerVoChoice(world, flowId, 'lhcb', 'lhcb_user');
    expect(moved.status).toBe(400);
    expect((await authorizationFlowRow(world, flowId))?.scope).toBe('vo:gridpp group:gridpp_user');

    const callback = await world.gridppIdp.loginAs(SHARED_SUB, toGridpp.headers.get('location')!);
    const consent = await world.app.fetch(callback.toString());
    expect(consent.status).toBe(200);
    const page = await consent.text();
    expect(page).toContain('mallory');
    expect(page).toContain('gridpp_user');
    expect(page).not.toContain('lhcb');
    const approved = await answerConsent(world, page);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const res = await redeemCode(world, host, code);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as TokenBody;
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      vo: 'gridpp',
      dirac_group: 'gridpp_user',
      preferred_username: 'mallory',
      sub: `gridpp:${SHARED_SUB}`,
    });

    // Her refresh token stays in gridpp too.
    const refreshed = await world.app.fetch(
      '/api/auth/token',
      form({ grant_type: 'refresh_token', client_id: host.clientId, refresh_token: tokens.refresh_token! }),
    );
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(((await refreshed.json()) as TokenBody).access_token)).toMatchObject({
      vo: 'gridpp',
      preferred_username: 'mallory',
    });
  });

  it('gets nothing from an lhcb login of DiracX’s client by logging in at gridpp’s IdP', async () => {
    const start = await world.app.fetch(
      `/api/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: DIRAC_CLIENT_ID,
        redirect_uri: 'http://web.test.invalid/callback',
        code_challenge: 'y'.repeat(43),
        code_challenge_method: 'S256',
        scope: 'vo:lhcb',
        state: 'web-state',
      })}`,
    );
    expect(start.status).toBe(307);
    const callback = await world.gridppIdp.loginAs(SHARED_SUB, toGridppIdp(world, start.headers.get('location')!));
    const res = await world.app.fetch(callback.toString());
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
  });

  it('gets nothing from an lhcb device login by logging in at gridpp’s IdP', async () => {
    const started = await world.app.fetch(
      `/api/auth/device?${new URLSearchParams({ client_id: DIRAC_CLIENT_ID, scope: 'vo:lhcb' })}`,
      { method: 'POST' },
    );
    const device = (await started.json()) as DeviceAuthorizationBody;
    const toIdp = await world.app.fetch(device.verification_uri_complete);
    expect(toIdp.status).toBe(307);
    const callback = await world.gridppIdp.loginAs(SHARED_SUB, toGridppIdp(world, toIdp.headers.get('location')!));
    const res = await world.app.fetch(callback.toString());
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await deviceFlowRow(world, device.device_code)).toMatchObject({ status: 'PENDING', idToken: null });
    const poll = await world.app.fetch(
      '/api/auth/token',
      form({ grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: DIRAC_CLIENT_ID }),
    );
    expect(await poll.json()).toMatchObject({ error: 'authorization_pending' });
  });
});
