/**
 * Scope checks of the login flows with DiracX's messages: a scope that does not fit the
 * configuration is refused when the flow starts (400); a user who may not hold a valid scope
 * logs in at the IdP but is refused the token (403).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  CHAEN_SUB,
  completeDeviceLogin,
  DIRAC_CLIENT_ID,
  FIXTURE_TIMEOUT_MS,
  pollToken,
  startDevice,
  startLoginFixture,
  type LoginFixture,
} from '../../harness/login.ts';

let fx: LoginFixture;
beforeAll(async () => {
  fx = await startLoginFixture();
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

async function initiate(scope: string): Promise<Response> {
  return fx.app.fetch(`/api/auth/device?${new URLSearchParams({ client_id: DIRAC_CLIENT_ID, scope })}`, {
    method: 'POST',
  });
}

/** Logs `sub` in for `scope` and returns the token endpoint's answer. */
async function tokenFor(sub: string, scope: string): Promise<Response> {
  const device = await startDevice(fx, scope);
  expect((await completeDeviceLogin(fx, device, sub)).status).toBe(307);
  return pollToken(fx, device.device_code);
}

describe('scope checks when a flow starts', () => {
  it.each([
    ['vo:unknown', 'VO unknown is not known to this installation'],
    ['vo:lhcb group:gridpp_user', 'gridpp_user not in lhcb groups'],
    ['vo:lhcb property:InvalidAndUnknownProperty', "{'InvalidAndUnknownProperty'} are not valid properties"],
    ['group:lhcb_user', "No vo scope requested, available values: 'vo:lhcb' 'vo:gridpp'"],
    ['vo:lhcb undefinedscope:x', "Unrecognised scopes: ['undefinedscope:x']"],
  ])("refuses %s with 400 and DiracX's message", async (scope, detail) => {
    const res = await initiate(scope);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail });
  });

  it('refuses the same scopes on the authorization-code flow', async () => {
    const res = await fx.app.fetch(
      `/api/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        code_challenge: 'c',
        code_challenge_method: 'S256',
        client_id: DIRAC_CLIENT_ID,
        redirect_uri: 'http://web.test.invalid/callback',
        scope: 'vo:lhcb property:InvalidAndUnknownProperty',
        state: 's',
      })}`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: "{'InvalidAndUnknownProperty'} are not valid properties" });
  });
});

describe('scope checks when the token is issued', () => {
  it('refuses a group the user is not a member of with 403', async () => {
    const res = await tokenFor(CHAEN_SUB, 'vo:lhcb group:lhcb_admin');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'User is not a member of the requested group (chaen, lhcb_admin)' });
  });

  it("refuses a property none of the user's groups grants with 403", async () => {
    const res = await tokenFor(CHAEN_SUB, 'vo:lhcb property:ProxyManagement property:NormalUser');
    expect(res.status).toBe(403);
    const body = (await res.json()) as { detail: string };
    expect(body.detail).toStartWith('ProxyManagement are not valid properties for user chaen, available values: ');
  });

  it('refuses a person the VO does not know with 403 (DiracX: 500, dynamic registration not implemented)', async () => {
    const res = await tokenFor('not-registered-sub', 'vo:lhcb');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'User not-registered-sub is not registered in VO lhcb' });
  });
});
