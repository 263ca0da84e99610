/**
 * The development identity provider in the real server process: on with the shipped configuration
 * and a loopback issuer (a whole device login over HTTP, the person's part at its login page), off
 * with DIRACX_DEV_IDP=false, and a refusal to start, in one line, when it would run with an issuer
 * that is not on a loopback address (with the shipped configuration, or turned on explicitly).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { signInAtDevIdp } from '../harness/dev-idp-person.ts';
import { CHAEN_SUB, DEVICE_GRANT, DIRAC_CLIENT_ID } from '../harness/login.ts';
import { findFreePort, runServerExpectingFailure, startServer, type RunningServer } from '../harness/server-process.ts';

const START_PREFIX = 'diracx: cannot start: ';
/** `DIRACX_DEV_IDP` unset, as in `bun run server` (empty counts as unset; the harness sets false). */
const UNSET = '';

describe('development identity provider: refused at start on an issuer that is not loopback', () => {
  it.each([
    ['the shipped configuration', { DIRACX_DEV_IDP: UNSET }],
    ['DIRACX_DEV_IDP=true', { DIRACX_DEV_IDP: 'true' }],
  ])('with %s: exit 1 and one line saying why', async (_name, env) => {
    const issuer = 'https://diracx.example.org';
    const { code, stderr, stdout } = await runServerExpectingFailure({
      ...env,
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: issuer,
    });
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toHaveLength(1);
    const line = stderr[0] ?? '';
    expect(line.startsWith(START_PREFIX)).toBe(true);
    for (const part of ['development identity provider', 'loopback', issuer, 'DIRACX_DEV_IDP=false']) {
      expect(line).toContain(part);
    }
  });
});

describe('development identity provider: on with the shipped configuration and a loopback issuer', () => {
  let server: RunningServer;
  let base = '';

  beforeAll(async () => {
    const port = findFreePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer({ PORT: String(port), DIRACX_SERVICE_AUTH_TOKEN_ISSUER: base, DIRACX_DEV_IDP: UNSET });
  }, 60_000);
  afterAll(() => server?.stop(), 60_000);

  it('says so in its log, with the login pages', () => {
    const line = server.logs().find((l) => l.msg?.startsWith('development identity provider on'));
    expect(line).toMatchObject({
      vos: ['lhcb', 'gridpp'],
      login: [`${base}/dev-idp/lhcb/authorize`, expect.any(String)],
    });
  });

  it('a device login (DiracX client id, scope vo:lhcb) completes as the user picked at its login page', async () => {
    const query = new URLSearchParams({ client_id: DIRAC_CLIENT_ID, scope: 'vo:lhcb' });
    const started = await fetch(`${base}/api/auth/device?${query}`, { method: 'POST' });
    expect(started.status).toBe(200);
    const device = (await started.json()) as { device_code: string; verification_uri_complete: string };
    const toIdp = await fetch(device.verification_uri_complete, { redirect: 'manual' });
    expect(toIdp.status).toBe(307);
    const authorize = toIdp.headers.get('location') ?? '';
    expect(authorize.startsWith(`${base}/dev-idp/lhcb/authorize?`)).toBe(true);
    const callback = await signInAtDevIdp((req) => fetch(req, { redirect: 'manual' }), authorize, CHAEN_SUB);
    expect(callback.startsWith(`${base}/api/auth/device/complete?`)).toBe(true);
    const finished = await fetch(callback, { redirect: 'manual' });
    await finished.body?.cancel();
    expect(finished.status).toBe(307);
    const token = await fetch(`${base}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: DEVICE_GRANT,
        device_code: device.device_code,
        client_id: DIRAC_CLIENT_ID,
      }),
    });
    expect(token.status).toBe(200);
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const me = await fetch(`${base}/api/auth/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await me.json()).toMatchObject({ sub: `lhcb:${CHAEN_SUB}`, preferred_username: 'chaen', vo: 'lhcb' });
  });
});

describe('development identity provider: off with DIRACX_DEV_IDP=false', () => {
  let server: RunningServer;
  let base = '';

  beforeAll(async () => {
    const port = findFreePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer({ PORT: String(port), DIRACX_SERVICE_AUTH_TOKEN_ISSUER: base, DIRACX_DEV_IDP: 'false' });
  }, 60_000);
  afterAll(() => server?.stop(), 60_000);

  it('serves no /dev-idp and logs nothing about it', async () => {
    const res = await fetch(`${base}/dev-idp/lhcb/.well-known/openid-configuration`);
    expect(res.status).toBe(404);
    expect(server.logs().some((l) => l.msg?.startsWith('development identity provider'))).toBe(false);
  });
});
