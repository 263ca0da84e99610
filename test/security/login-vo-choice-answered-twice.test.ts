/**
 * Attack: a login is moved to another VO halfway through. An MCP host's flow asks the person
 * for a VO; once answered, the browser is at that VO's identity provider. Answering the VO
 * choice again (or twice at once) for the same flow must be refused with our error page and
 * change nothing, so that the login ends, and the token is issued, in the VO it started in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeJwt } from 'jose';
import {
  allAuthorizationFlows,
  answerConsent,
  answerVoChoice,
  authorizationFlowRow,
  MCP_URL,
  newHostFlow,
  redeemCode,
  SHARED_SUB,
  startTwoVoWorld,
  startVoChoice,
  type TwoVoWorld,
} from './two-vo-login.ts';

let world: TwoVoWorld;
beforeAll(async () => {
  world = await startTwoVoWorld();
}, 30_000);
afterAll(() => world.dispose(), 30_000);

/** Our error page: HTML with the login pages' strict headers, no redirect anywhere. */
async function expectErrorPage(res: Response, text: RegExp): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toStartWith('text/html');
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(await res.text()).toMatch(text);
}

describe('the VO choice of a login', () => {
  it('cannot be answered again once the browser was sent to the first VO’s identity provider', async () => {
    const host = await newHostFlow(world);
    const flowId = await startVoChoice(world, host);
    const first = await answerVoChoice(world, flowId, 'lhcb', 'lhcb_user');
    expect(first.status).toBe(303);
    const toLhcbIdp = first.headers.get('location')!;
    expect(toLhcbIdp).toStartWith(world.lhcbIdp.issuer);

    const second = await answerVoChoice(world, flowId, 'gridpp', 'gridpp_user');
    await expectErrorPage(second, /already chosen/);
    // Showing the page again is refused too: there is nothing left to choose.
    await expectErrorPage(await world.app.fetch(`/api/auth/authorize/vo?flow=${flowId}`), /already chosen/);
    const row = await authorizationFlowRow(world, flowId);
    expect(row).toMatchObject({ scope: 'vo:lhcb group:lhcb_user', status: 'PENDING', idToken: null });

    // The login goes on in lhcb, and only there.
    const consent = await world.app.fetch((await world.lhcbIdp.loginAs(SHARED_SUB, toLhcbIdp)).toString());
    expect(consent.status).toBe(200);
    const page = await consent.text();
    expect(page).toContain('lhcb_user');
    expect(page).not.toContain('gridpp');
    const approved = await answerConsent(world, page);
    expect(approved.status).toBe(303);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const tokens = (await (await redeemCode(world, host, code)).json()) as { access_token: string };
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      vo: 'lhcb',
      dirac_group: 'lhcb_user',
      preferred_username: 'chaen',
    });
  });

  it('refuses the second of two answers sent at once, and keeps the VO of the one it accepted', async () => {
    const host = await newHostFlow(world);
    const flowId = await startVoChoice(world, host);
    const answers = await Promise.all([
      answerVoChoice(world, flowId, 'lhcb', 'lhcb_user'),
      answerVoChoice(world, flowId, 'gridpp', 'gridpp_user'),
    ]);
    const accepted = answers.filter((res) => res.status === 303);
    expect(accepted).toHaveLength(1);
    const refused = answers.find((res) => res.status !== 303)!;
    await expectErrorPage(refused, /already chosen/);
    const chosenIdp = accepted[0]!.headers.get('location')!;
    const row = await authorizationFlowRow(world, flowId);
    if (chosenIdp.startsWith(world.lhcbIdp.issuer)) expect(row?.scope).toBe('vo:lhcb group:lhcb_user');
    else expect(row?.scope).toBe('vo:gridpp group:gridpp_user');
  });

  it('refuses an answer for a flow whose authorization request already named its VO', async () => {
    const host = await newHostFlow(world);
    // Such a flow is sent to the IdP at once; its id is only inside the sealed state, but an
    // id is no secret to rely on.
    const start = await world.app.fetch(
      `/api/auth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: host.clientId,
        redirect_uri: host.redirectUri,
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
        scope: 'vo:lhcb',
        resource: MCP_URL,
      })}`,
    );
    expect(start.status).toBe(307);
    expect(start.headers.get('location')).toStartWith(world.lhcbIdp.issuer);
    const rows = await allAuthorizationFlows(world);
    const named = rows.find((row) => row.clientId === host.clientId)!;
    await expectErrorPage(await answerVoChoice(world, named.uuid, 'gridpp', 'gridpp_user'), /already chosen/);
    expect((await authorizationFlowRow(world, named.uuid))?.scope).toBe('vo:lhcb');
  });
});
