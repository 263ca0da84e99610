/**
 * Attack: a client asks the token endpoint for a token bound to a resource that is not ours
 * (`resource` = another server's URL, or a near miss of ours), to replay our signed token there
 * or to get a token no resource server of ours checks. RFC 8707 §2: every grant answers a
 * resource other than ours (the public /mcp URL, or our issuer for the REST API) with 400
 * `invalid_target`, before anything is redeemed: the device code, authorization code, refresh
 * token and client assertion stay usable. Our issuer is a valid resource (REST accepts it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { ConfigStore, createConfigSnapshot } from '../../src/config/store.ts';
import { JWT_BEARER_ASSERTION } from '../../src/logic/auth/clients/client-credentials.ts';
import { TEST_ISSUER } from '../harness/auth.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
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
import { createServiceClientFixture, type ServiceClientFixture } from '../harness/service-clients.ts';
import { approvedHostCode, mcpResourceOf, redeemHostCode, refreshAs, registerHost } from './mcp-host.ts';

const MCP = `${TEST_ISSUER}/mcp`;
/** Not ours: another server, and near misses of our /mcp URL (exact match only, RFC 8707 §2). */
const FOREIGN = [
  'https://evil.example/mcp',
  `${MCP}/`,
  `${MCP}?x=1`,
  `${MCP}#x`,
  MCP.replace('http:', 'https:'),
  MCP.toUpperCase(),
  'urn:evil',
];

async function expectInvalidTarget(who: string, res: Response): Promise<void> {
  expect({ who, status: res.status, body: await res.json() }).toMatchObject({
    who,
    status: 400,
    body: { error: 'invalid_target' },
  });
}

describe('the login grants', () => {
  let fx: LoginFixture;
  beforeAll(async () => {
    fx = await startLoginFixture();
    expect(await mcpResourceOf(fx)).toBe(MCP);
  }, FIXTURE_TIMEOUT_MS);
  afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

  const poll = (deviceCode: string, extra: Record<string, string> = {}): Promise<Response> =>
    fx.app.fetch(
      '/api/auth/token',
      form({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: DIRAC_CLIENT_ID, ...extra }),
    );

  async function readyDevice(): Promise<string> {
    const device = await startDevice(fx, 'vo:lhcb');
    expect((await completeDeviceLogin(fx, device, CHAEN_SUB)).status).toBe(307);
    return device.device_code;
  }

  it('device_code: refuses a foreign resource without using the code, and accepts our issuer', async () => {
    const code = await readyDevice();
    for (const resource of FOREIGN) await expectInvalidTarget(resource, await poll(code, { resource }));
    const res = await poll(code, { resource: TEST_ISSUER });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as TokenBody;
    expect(claimsOf(tokens.access_token).aud).toBe(TEST_ISSUER);
    expect((await fx.app.fetch('/api/auth/userinfo', bearer(tokens.access_token))).status).toBe(200);
  });

  it('refresh_token: refuses a foreign resource without rotating the token', async () => {
    const code = await readyDevice();
    const tokens = (await (await poll(code)).json()) as TokenBody;
    for (const resource of FOREIGN)
      await expectInvalidTarget(resource, await refreshAs(fx, DIRAC_CLIENT_ID, tokens.refresh_token!, { resource }));
    expect((await refreshAs(fx, DIRAC_CLIENT_ID, tokens.refresh_token!)).status).toBe(200);
  });

  it('authorization_code: refuses a foreign resource without using the code', async () => {
    const host = await approvedHostCode(fx, await registerHost(fx), MCP);
    for (const resource of FOREIGN) await expectInvalidTarget(resource, await redeemHostCode(fx, host, { resource }));
    const res = await redeemHostCode(fx, host, { resource: MCP });
    expect(res.status).toBe(200);
    expect(claimsOf(((await res.json()) as TokenBody).access_token).aud).toBe(MCP);
  });
});

describe('the client_credentials grant', () => {
  let app: TestApp;
  let clients: ServiceClientFixture;
  beforeAll(async () => {
    clients = await createServiceClientFixture();
    app = await createTestApp({
      config: new ConfigStore(await createConfigSnapshot(clients.raw, JSON.stringify(clients.raw), new Date())),
    });
  });
  afterAll(() => app.dispose());

  const grant = async (assertion: string, resource?: string): Promise<Response> =>
    app.fetch('/api/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER_ASSERTION,
        client_assertion: assertion,
        ...(resource === undefined ? {} : { resource }),
      }).toString(),
    });

  it('refuses a foreign resource without consuming the assertion, and accepts our issuer and /mcp', async () => {
    const assertion = await clients.assertion(TEST_ISSUER);
    for (const resource of FOREIGN) await expectInvalidTarget(resource, await grant(assertion, resource));
    const res = await grant(assertion, TEST_ISSUER);
    expect(res.status).toBe(200);
    const token = ((await res.json()) as TokenBody).access_token;
    expect(claimsOf(token).aud).toBe(TEST_ISSUER);
    expect((await app.fetch('/api/auth/userinfo', bearer(token))).status).toBe(200);
    const forMcp = await grant(await clients.assertion(TEST_ISSUER), MCP);
    expect(forMcp.status).toBe(200);
    expect(claimsOf(((await forMcp.json()) as TokenBody).access_token).aud).toBe(MCP);
  });
});
