/**
 * Attack: a client redeems a refresh token that was issued to another client (a malicious MCP
 * host that got hold of another host's, or a DiracX CLI user's, refresh token). RFC 6749 §6 and
 * OAuth 2.1 §4.3: the token is bound to the client it was issued to; any other `client_id` is
 * refused with 400 `invalid_grant` and the token is left as it was (not rotated, not revoked),
 * so its rightful client keeps using it. Refresh tokens that carry no client (DiracX's own, e.g.
 * minted before this binding or by the legacy exchange) belong to DiracX's client id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  bearer,
  CHAEN_SUB,
  claimsOf,
  deviceLogin,
  DIRAC_CLIENT_ID,
  FIXTURE_TIMEOUT_MS,
  startLoginFixture,
  type LoginFixture,
  type TokenBody,
} from '../harness/login.ts';
import { mcpHostLogin, mcpResourceOf, refreshAs, registerHost } from './mcp-host.ts';
import { readRefreshToken } from '../harness/auth-rows.ts';

let fx: LoginFixture;
let mcp = '';
beforeAll(async () => {
  fx = await startLoginFixture();
  mcp = await mcpResourceOf(fx);
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

async function expectInvalidGrant(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
}

/** The stored status of a refresh token (its RefreshTokens row). */
async function statusOf(refreshToken: string): Promise<string | undefined> {
  const jti = String(claimsOf(refreshToken).jti);
  return (await readRefreshToken(fx.app.database, jti))?.status;
}

describe("another client redeeming an MCP host's refresh token", () => {
  it('is refused with invalid_grant, and the token still works for its own host', async () => {
    const victim = await mcpHostLogin(fx, mcp, 'Victim host');
    const attacker = await registerHost(fx, 'Attacker host');
    await expectInvalidGrant(await refreshAs(fx, attacker, victim.refresh_token!, { resource: mcp }));
    await expectInvalidGrant(await refreshAs(fx, attacker, victim.refresh_token!));
    expect(await statusOf(victim.refresh_token!)).toBe('CREATED');

    // Not consumed: its host rotates it normally (a consumed token would be answered as reuse).
    const own = await refreshAs(fx, victim.clientId, victim.refresh_token!, { resource: mcp });
    expect(own.status).toBe(200);
    expect(await statusOf(victim.refresh_token!)).toBe('REVOKED');
  });

  it("is refused to DiracX's own client id too", async () => {
    const victim = await mcpHostLogin(fx, mcp, 'Victim host');
    await expectInvalidGrant(await refreshAs(fx, DIRAC_CLIENT_ID, victim.refresh_token!));
    expect(await statusOf(victim.refresh_token!)).toBe('CREATED');
  });
});

describe("an MCP host redeeming a DiracX client's refresh token", () => {
  it('is refused with invalid_grant, and the CLI keeps refreshing', async () => {
    const cli = await deviceLogin(fx, CHAEN_SUB);
    const attacker = await registerHost(fx, 'Attacker host');
    await expectInvalidGrant(await refreshAs(fx, attacker, cli.refresh_token!));
    await expectInvalidGrant(await refreshAs(fx, attacker, cli.refresh_token!, { resource: mcp }));
    expect(await statusOf(cli.refresh_token!)).toBe('CREATED');
    const own = await refreshAs(fx, DIRAC_CLIENT_ID, cli.refresh_token!);
    expect(own.status).toBe(200);
    const next = (await own.json()) as TokenBody;
    expect((await fx.app.fetch('/api/auth/userinfo', bearer(next.access_token))).status).toBe(200);
  });

  it('is refused for a DiracX-style refresh token naming no client, which DiracX clients still redeem', async () => {
    const cli = await deviceLogin(fx, CHAEN_SUB);
    // DiracX's refresh token claims only: jti, exp, legacy_exchange, dirac_policies.
    const { jti, exp, legacy_exchange, dirac_policies } = claimsOf(cli.refresh_token!);
    const diracxStyle = await fx.app.tokens.sign({ jti, exp, legacy_exchange, dirac_policies } as Record<
      string,
      unknown
    >);
    const attacker = await registerHost(fx, 'Attacker host');
    await expectInvalidGrant(await refreshAs(fx, attacker, diracxStyle));
    expect(await statusOf(diracxStyle)).toBe('CREATED');
    const own = await refreshAs(fx, DIRAC_CLIENT_ID, diracxStyle);
    expect(own.status).toBe(200);
    expect(claimsOf(((await own.json()) as TokenBody).access_token).aud).toBeUndefined();
  });
});
