/**
 * Attack: an authorization request (browser or device flow) naming a resource that is not ours,
 * to obtain one of our logins for someone else's server (RFC 8707). The `resource` of
 * /api/auth/authorize and of the device authorization must be exactly our /mcp URL or our
 * issuer; anything else is `invalid_target` (our error page, DiracX's client's configured
 * redirect, or the device flow's JSON error) and starts no flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeJwt } from 'jose';
import { pkceChallenge } from '../../src/logic/auth/encoding.ts';
import { bearer, type TokenBody } from '../harness/login.ts';
import {
  allAuthorizationFlows,
  answerConsent,
  answerVoChoice,
  authorize,
  DIRAC_CLIENT_ID,
  MCP_URL,
  newHostFlow,
  ORIGIN,
  redeemCode,
  SHARED_SUB,
  startTwoVoWorld,
  WEB_REDIRECT,
  type TwoVoWorld,
} from './two-vo-login.ts';
import { countDeviceFlows } from '../harness/auth-rows.ts';

/** Near misses of ours and plainly foreign resources. */
const FOREIGN = [
  'https://evil.example/mcp',
  `${MCP_URL}/`,
  `${MCP_URL}?x=1`,
  `${ORIGIN}/`,
  `${ORIGIN}/api`,
  'http://TEST/mcp',
  'urn:x:y',
];

let world: TwoVoWorld;
beforeAll(async () => {
  world = await startTwoVoWorld();
}, 30_000);
afterAll(() => world.dispose(), 30_000);

const deviceFlowCount = (): Promise<number> => countDeviceFlows(world.app.database);

describe('the resource of /api/auth/authorize', () => {
  it('refuses anything but ours for an MCP host, on our error page, starting no flow', async () => {
    const host = await newHostFlow(world);
    for (const resource of FOREIGN) {
      const before = (await allAuthorizationFlows(world)).length;
      const res = await authorize(world, host, { resource });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('invalid_target');
      expect((await allAuthorizationFlows(world)).length).toBe(before);
    }
  });

  it('refuses anything but ours for DiracX’s client: an invalid_target redirect to its configured URI', async () => {
    const challenge = await pkceChallenge('u'.repeat(43));
    for (const resource of FOREIGN) {
      const res = await world.app.fetch(
        `/api/auth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: DIRAC_CLIENT_ID,
          redirect_uri: WEB_REDIRECT,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          scope: 'vo:lhcb',
          state: 's',
          resource,
        })}`,
      );
      expect(res.status).toBe(307);
      const back = new URL(res.headers.get('location')!);
      expect([`${back.origin}${back.pathname}`, back.searchParams.get('error')]).toEqual([
        WEB_REDIRECT,
        'invalid_target',
      ]);
    }
    for (const resource of [MCP_URL, ORIGIN]) {
      const res = await world.app.fetch(
        `/api/auth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: DIRAC_CLIENT_ID,
          redirect_uri: WEB_REDIRECT,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          scope: 'vo:lhcb',
          state: 's',
          resource,
        })}`,
      );
      expect(res.headers.get('location')).toStartWith(world.lhcbIdp.issuer);
    }
  });

  it('accepts our issuer for an MCP host, and the token is for the issuer', async () => {
    const host = await newHostFlow(world);
    const start = await authorize(world, host, { resource: ORIGIN });
    expect(start.status).toBe(307);
    const flowId = new URL(start.headers.get('location')!, ORIGIN).searchParams.get('flow')!;
    const chosen = await answerVoChoice(world, flowId, 'lhcb', 'lhcb_user');
    const consent = await world.app.fetch(
      (await world.lhcbIdp.loginAs(SHARED_SUB, chosen.headers.get('location')!)).toString(),
    );
    const approved = await answerConsent(world, await consent.text());
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const tokens = (await (await redeemCode(world, host, code)).json()) as TokenBody;
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: ORIGIN, vo: 'lhcb', preferred_username: 'chaen' });
    expect((await world.app.fetch('/api/auth/userinfo', bearer(tokens.access_token))).status).toBe(200);
  });
});

describe('the resource of the device authorization request', () => {
  const startDevice = (resource: string): Promise<Response> =>
    world.app.fetch(
      `/api/auth/device?${new URLSearchParams({ client_id: DIRAC_CLIENT_ID, scope: 'vo:lhcb', resource })}`,
      { method: 'POST' },
    );

  it('refuses anything but ours with 400 invalid_target, starting no flow', async () => {
    for (const resource of FOREIGN) {
      const before = await deviceFlowCount();
      const res = await startDevice(resource);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_target' });
      expect(await deviceFlowCount()).toBe(before);
    }
  });

  it('accepts our /mcp URL and our issuer', async () => {
    for (const resource of [MCP_URL, ORIGIN]) {
      const res = await startDevice(resource);
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveProperty('device_code');
    }
  });
});
