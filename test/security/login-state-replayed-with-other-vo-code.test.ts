/**
 * Attack: the sealed state of a login that started in lhcb is brought back to our callback with
 * a code from gridpp's identity provider (whose subs collide with lhcb's). The callback accepts
 * only the identity provider (issuer and client) of the VO the login started in, and issues
 * only for the VO of the flow: the code is refused, the flow keeps waiting, nothing is issued.
 * Covers the MCP hosts' and DiracX's authorization-code flows and the device flow, states whose
 * VO differs from their flow's, and states from before a VO's IdP was replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeJwt } from 'jose';
import { pkceChallenge } from '../../src/logic/auth/encoding.ts';
import { decryptState, encryptState } from '../../src/logic/auth/flows/state.ts';
import { DEVICE_GRANT, form, type DeviceAuthorizationBody, type TokenBody } from '../harness/login.ts';
import {
  answerVoChoice,
  authorizationFlowRow,
  deviceFlowRow,
  DIRAC_CLIENT_ID,
  GRIDPP_CLIENT,
  newHostFlow,
  sealedStateOf,
  SHARED_SUB,
  startTwoVoWorld,
  startVoChoice,
  toGridppIdp,
  WEB_REDIRECT,
  type TwoVoWorld,
} from './two-vo-login.ts';

let world: TwoVoWorld;
beforeAll(async () => {
  world = await startTwoVoWorld();
}, 30_000);
afterAll(() => world.dispose(), 30_000);

/** A flow of an MCP host in which the person chose `vo`: its id and our authorization URL at that VO's IdP. */
async function hostFlowIn(vo: 'lhcb' | 'gridpp'): Promise<{ flowId: string; toIdp: string }> {
  const flowId = await startVoChoice(world, await newHostFlow(world));
  const chosen = await answerVoChoice(world, flowId, vo, `${vo}_user`);
  expect(chosen.status).toBe(303);
  return { flowId, toIdp: chosen.headers.get('location')! };
}

/** A device flow of DiracX's client for `scope`, and our authorization URL at the VO's IdP. */
async function deviceFlowIn(scope: string): Promise<{ device: DeviceAuthorizationBody; toIdp: string }> {
  const started = await world.app.fetch(
    `/api/auth/device?${new URLSearchParams({ client_id: DIRAC_CLIENT_ID, scope })}`,
    { method: 'POST' },
  );
  const device = (await started.json()) as DeviceAuthorizationBody;
  const toIdp = await world.app.fetch(device.verification_uri_complete);
  expect(toIdp.status).toBe(307);
  return { device, toIdp: toIdp.headers.get('location')! };
}

/** The callback URL with its `state` replaced. */
function withState(callback: URL, state: string): string {
  const url = new URL(callback);
  url.searchParams.set('state', state);
  return url.toString();
}

/**
 * Seals `state` with the server's own key. No request can make the server seal a state whose VO
 * differs from its flow's (that is what the VO choice's single answer ensures); a leaked key or a
 * future bug could, and the callback's own check must then still refuse it.
 */
const seal = (state: Record<string, string>): Promise<string> =>
  encryptState(world.app.tokens.auth.flows.stateKey, state);
const open = (sealed: string): Promise<Record<string, string>> =>
  decryptState(world.app.tokens.auth.flows.stateKey, sealed);

describe('an lhcb login’s state with a code from gridpp’s IdP', () => {
  it('is refused on an MCP host’s flow, which keeps waiting for its lhcb login', async () => {
    const { flowId, toIdp } = await hostFlowIn('lhcb');
    const callback = await world.gridppIdp.loginAs(SHARED_SUB, toGridppIdp(world, toIdp));
    expect(callback.searchParams.get('state')).toBe(sealedStateOf(toIdp));
    const res = await world.app.fetch(callback.toString());
    expect(res.status).toBe(401);
    expect(await authorizationFlowRow(world, flowId)).toMatchObject({
      status: 'PENDING',
      idToken: null,
      scope: 'vo:lhcb group:lhcb_user',
    });
  });

  it('is refused on DiracX’s client flow, which is not sent back to the client', async () => {
    const start = await world.app.fetch(
      `/api/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: DIRAC_CLIENT_ID,
        redirect_uri: WEB_REDIRECT,
        code_challenge: 'z'.repeat(43),
        code_challenge_method: 'S256',
        scope: 'vo:lhcb',
        state: 'web-state',
      })}`,
    );
    const callback = await world.gridppIdp.loginAs(SHARED_SUB, toGridppIdp(world, start.headers.get('location')!));
    const res = await world.app.fetch(callback.toString());
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
  });

  it('is refused on a device flow, which stays pending', async () => {
    const { device, toIdp } = await deviceFlowIn('vo:lhcb');
    const callback = await world.gridppIdp.loginAs(SHARED_SUB, toGridppIdp(world, toIdp));
    expect((await world.app.fetch(callback.toString())).status).toBeGreaterThanOrEqual(400);
    expect(await deviceFlowRow(world, device.device_code)).toMatchObject({ status: 'PENDING', idToken: null });
  });
});

describe('a state whose VO is not its flow’s', () => {
  it('is refused on an MCP host’s flow, even with a code gridpp’s IdP accepts', async () => {
    const victim = await hostFlowIn('lhcb');
    const own = await hostFlowIn('gridpp');
    const callback = await world.gridppIdp.loginAs(SHARED_SUB, own.toIdp);
    const forged = await seal({ ...(await open(sealedStateOf(own.toIdp))), uuid: victim.flowId });
    const res = await world.app.fetch(withState(callback, forged));
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('lhcb');
    expect(await authorizationFlowRow(world, victim.flowId)).toMatchObject({
      status: 'PENDING',
      idToken: null,
      scope: 'vo:lhcb group:lhcb_user',
    });
    expect(await authorizationFlowRow(world, own.flowId)).toMatchObject({ status: 'PENDING', idToken: null });
  });

  it('is refused on a device flow, which never yields an lhcb token', async () => {
    const victim = await deviceFlowIn('vo:lhcb');
    const own = await deviceFlowIn('vo:gridpp');
    const callback = await world.gridppIdp.loginAs(SHARED_SUB, own.toIdp);
    const forged = await seal({ ...(await open(sealedStateOf(own.toIdp))), user_code: victim.device.user_code });
    const res = await world.app.fetch(withState(callback, forged));
    expect(res.status).toBe(400);
    expect(await deviceFlowRow(world, victim.device.device_code)).toMatchObject({ status: 'PENDING', idToken: null });
    const poll = await world.app.fetch(
      '/api/auth/token',
      form({ grant_type: DEVICE_GRANT, device_code: victim.device.device_code, client_id: DIRAC_CLIENT_ID }),
    );
    expect(await poll.json()).toMatchObject({ error: 'authorization_pending' });
  });
});

describe('a state from before the VO’s identity provider was replaced', () => {
  it('is refused: the login completes only at the IdP (issuer and client) it started at', async () => {
    const verifier = 'v'.repeat(43);
    const start = await world.app.fetch(
      `/api/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: DIRAC_CLIENT_ID,
        redirect_uri: WEB_REDIRECT,
        code_challenge: await pkceChallenge(verifier),
        code_challenge_method: 'S256',
        scope: 'vo:lhcb',
        state: 'web-state',
      })}`,
    );
    expect(start.status).toBe(307);
    // lhcb moves to gridpp's IdP while the login is under way; mallory logs in there.
    await world.reconfigure((raw) => {
      raw.Registry.lhcb.IdP = { URL: world.gridppIdp.issuer, ClientID: GRIDPP_CLIENT };
    });
    try {
      const callback = await world.gridppIdp.loginAs(SHARED_SUB, toGridppIdp(world, start.headers.get('location')!));
      const res = await world.app.fetch(callback.toString());
      const location = res.headers.get('location');
      if (location?.startsWith(WEB_REDIRECT)) {
        // What the attack would have given: show it in the failure.
        const code = new URL(location).searchParams.get('code')!;
        const redeemed = await world.app.fetch(
          '/api/auth/token',
          form({
            grant_type: 'authorization_code',
            client_id: DIRAC_CLIENT_ID,
            redirect_uri: WEB_REDIRECT,
            code,
            code_verifier: verifier,
          }),
        );
        const body = (await redeemed.json()) as TokenBody;
        expect(body.access_token ? decodeJwt(body.access_token) : body).toBeUndefined();
      }
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ detail: 'Invalid state' });
    } finally {
      await world.reconfigure(() => {});
    }
  });
});
