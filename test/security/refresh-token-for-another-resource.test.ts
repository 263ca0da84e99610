/**
 * Attack: a refresh token obtained for one resource is redeemed for another, or without naming
 * one, to get an access token with a wider reach (an MCP host's /mcp grant turned into an
 * audience-less REST token, or a DiracX CLI's REST grant turned into an /mcp token that never
 * went through the consent page). RFC 8707 §2.2: a refresh token yields tokens only for the
 * resource it was issued for; naming another is 400 `invalid_target` and leaves the token as it
 * was; naming none keeps the original audience.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  bearer,
  CHAEN_SUB,
  claimsOf,
  completeDeviceLogin,
  DEVICE_GRANT,
  DIRAC_CLIENT_ID,
  FIXTURE_TIMEOUT_MS,
  form,
  startDevice,
  startLoginFixture,
  type LoginFixture,
  type TokenBody,
} from '../harness/login.ts';
import { TEST_ISSUER } from '../harness/auth.ts';
import { mcpHostLogin, mcpResourceOf, refreshAs } from './mcp-host.ts';

let fx: LoginFixture;
let mcp = '';
beforeAll(async () => {
  fx = await startLoginFixture();
  mcp = await mcpResourceOf(fx);
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

async function expectInvalidTarget(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: 'invalid_target' });
}

async function tokensOf(res: Response): Promise<TokenBody> {
  expect(res.status).toBe(200);
  return (await res.json()) as TokenBody;
}

/** A DiracX CLI device login whose token request names `resource` (or none). */
async function deviceLoginFor(resource?: string): Promise<TokenBody> {
  const device = await startDevice(fx, 'vo:lhcb');
  expect((await completeDeviceLogin(fx, device, CHAEN_SUB)).status).toBe(307);
  const fields: Record<string, string> = {
    grant_type: DEVICE_GRANT,
    device_code: device.device_code,
    client_id: DIRAC_CLIENT_ID,
  };
  if (resource !== undefined) fields.resource = resource;
  return tokensOf(await fx.app.fetch('/api/auth/token', form(fields)));
}

const restStatus = async (accessToken: string): Promise<number> =>
  (await fx.app.fetch('/api/auth/userinfo', bearer(accessToken))).status;

describe('a refresh token issued for /mcp', () => {
  it('yields an /mcp token when the refresh names no resource, never an audience-less one', async () => {
    const host = await mcpHostLogin(fx, mcp);
    const next = await tokensOf(await refreshAs(fx, host.clientId, host.refresh_token!));
    expect(claimsOf(next.access_token).aud).toBe(mcp);
    expect(await restStatus(next.access_token)).toBe(401);
    // And the rotated refresh token is still bound to /mcp.
    const third = await tokensOf(await refreshAs(fx, host.clientId, next.refresh_token!));
    expect(claimsOf(third.access_token).aud).toBe(mcp);
  });

  it('is refused with invalid_target for our issuer (the REST API) or a foreign resource; stays usable', async () => {
    const host = await mcpHostLogin(fx, mcp);
    for (const resource of [TEST_ISSUER, 'https://elsewhere.example/mcp', `${mcp}/`]) {
      await expectInvalidTarget(await refreshAs(fx, host.clientId, host.refresh_token!, { resource }));
    }
    const next = await tokensOf(await refreshAs(fx, host.clientId, host.refresh_token!, { resource: mcp }));
    expect(claimsOf(next.access_token).aud).toBe(mcp);
  });
});

describe('a refresh token issued to a DiracX client for the REST API', () => {
  it('is refused with invalid_target for /mcp, and stays usable for REST', async () => {
    const cli = await deviceLoginFor();
    await expectInvalidTarget(await refreshAs(fx, DIRAC_CLIENT_ID, cli.refresh_token!, { resource: mcp }));
    const next = await tokensOf(await refreshAs(fx, DIRAC_CLIENT_ID, cli.refresh_token!));
    expect(claimsOf(next.access_token).aud).toBeUndefined();
    expect(await restStatus(next.access_token)).toBe(200);
  });

  it('may name our issuer, which is the REST API', async () => {
    const cli = await deviceLoginFor();
    const next = await tokensOf(await refreshAs(fx, DIRAC_CLIENT_ID, cli.refresh_token!, { resource: TEST_ISSUER }));
    expect(claimsOf(next.access_token).aud).toBe(TEST_ISSUER);
    expect(await restStatus(next.access_token)).toBe(200);
  });
});

describe('a device-flow refresh token issued for /mcp', () => {
  it('keeps the /mcp audience on refresh', async () => {
    const cli = await deviceLoginFor(mcp);
    expect(claimsOf(cli.access_token).aud).toBe(mcp);
    const next = await tokensOf(await refreshAs(fx, DIRAC_CLIENT_ID, cli.refresh_token!));
    expect(claimsOf(next.access_token).aud).toBe(mcp);
    await expectInvalidTarget(await refreshAs(fx, DIRAC_CLIENT_ID, next.refresh_token!, { resource: TEST_ISSUER }));
  });
});
