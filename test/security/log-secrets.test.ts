/**
 * No log line carries a credential: after device logins, refresh-token rotation and the reuse
 * of a rotated token, revocation, client-credentials logins with a secret (form and Basic) and
 * with a private_key_jwt assertion (also replayed), bad secrets, REST and MCP calls with the
 * tokens and with broken ones, the whole log is searched for every token, code, secret and
 * assertion that passed through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { ConfigStore, createConfigSnapshot } from '../../src/config/store.ts';
import { JWT_BEARER_ASSERTION } from '../../src/logic/auth/clients/client-credentials.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { TEST_ISSUER } from '../harness/auth.ts';
import {
  CHAEN_SUB,
  DIRAC_CLIENT_ID,
  form,
  startDevice,
  completeDeviceLogin,
  pollToken,
  startLoginFixture,
  type LoginFixture,
  type TokenBody,
} from '../harness/login.ts';
import { createServiceClientFixture, SECRET_CLIENT, type ServiceClientFixture } from '../harness/service-clients.ts';

let login: LoginFixture;
let service: TestApp;
let clients: ServiceClientFixture;
beforeAll(async () => {
  login = await startLoginFixture();
  clients = await createServiceClientFixture();
  service = await createTestApp({
    config: new ConfigStore(await createConfigSnapshot(clients.raw, JSON.stringify(clients.raw), new Date())),
  });
});
afterAll(async () => {
  await login.dispose();
  await service.dispose();
});

/** Every secret that passed through a test, to look for in the logs. */
const secrets: string[] = [];
const keep = (...values: (string | undefined)[]): void => {
  for (const v of values) if (v) secrets.push(v);
};
const logText = (app: TestApp): string => app.logs.map((l) => JSON.stringify(l)).join('\n');
/** The secrets found in `app`'s log: whole, or a JWT's signature alone. */
const leaked = (app: TestApp): string[] => {
  const text = logText(app);
  return secrets.filter((s) => text.includes(s) || (s.split('.').length === 3 && text.includes(s.split('.')[2]!)));
};

async function mcpCall(app: TestApp, token: string): Promise<number> {
  const res = await app.fetch('/mcp', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
  });
  return res.status;
}

describe('logs', () => {
  it('never carry access tokens, refresh tokens or device codes of the login flows', async () => {
    const device = await startDevice(login, 'vo:lhcb');
    keep(device.device_code, device.user_code);
    await completeDeviceLogin(login, device, CHAEN_SUB);
    const first = (await (await pollToken(login, device.device_code)).json()) as TokenBody;
    keep(first.access_token, first.refresh_token);
    expect(first.refresh_token).toBeDefined();
    const refresh = (token: string): Promise<Response> =>
      login.app.fetch(
        '/api/auth/token',
        form({ grant_type: 'refresh_token', refresh_token: token, client_id: DIRAC_CLIENT_ID }),
      );
    const rotated = (await (await refresh(first.refresh_token!)).json()) as TokenBody;
    keep(rotated.access_token, rotated.refresh_token);
    expect((await refresh(first.refresh_token!)).status).toBe(401); // reuse of a rotated token: theft
    expect(
      (await login.app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${rotated.access_token}` } }))
        .status,
    ).toBe(200);
    await login.app.fetch('/api/auth/revoke', form({ token: rotated.refresh_token!, client_id: DIRAC_CLIENT_ID }));
    expect(
      (await login.app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${rotated.access_token}x` } }))
        .status,
    ).toBe(401);
    expect(login.app.logs.length).toBeGreaterThan(5);
    expect(leaked(login.app)).toEqual([]);
  });

  it('never carry client secrets, client assertions or the tokens they buy, also when refused', async () => {
    const token = async (fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
      service.fetch('/api/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...fields }).toString(),
      });
    keep(clients.secret);
    const bySecret = (await (
      await token({ client_id: SECRET_CLIENT, client_secret: clients.secret })
    ).json()) as TokenBody;
    const byBasic = (await (
      await token({}, { authorization: `Basic ${btoa(`${SECRET_CLIENT}:${clients.secret}`)}` })
    ).json()) as TokenBody;
    const wrong = `${clients.secret.slice(0, -4)}AAAA`;
    keep(wrong);
    expect((await token({ client_id: SECRET_CLIENT, client_secret: wrong })).status).toBe(401);
    const assertion = await clients.assertion(`${TEST_ISSUER}/api/auth/token`);
    keep(assertion);
    const byAssertion = (await (
      await token({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion })
    ).json()) as TokenBody;
    expect((await token({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion })).status).toBe(
      401,
    ); // replayed
    keep(bySecret.access_token, byBasic.access_token, byAssertion.access_token);
    const mcpToken = await service.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', {
      audience: `${service.apiDeps.auth.issuer}/mcp`,
    });
    keep(mcpToken);
    expect(await mcpCall(service, mcpToken)).toBe(200);
    expect(await mcpCall(service, bySecret.access_token)).toBe(401); // a REST token at /mcp
    expect(service.logs.some((l) => l.msg === 'tool call')).toBe(true);
    expect(leaked(service)).toEqual([]);
  });
});
