/**
 * The development identity provider over HTTP, in process (the handler with the provider, on the
 * shipped configuration): its discovery document and login page, who may use the page, the
 * refusals of a malformed request or a forged form, and the code exchange as our login flows'
 * own IdP client (`IdpClient`) performs and checks it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../src/config/file-source.ts';
import { ConfigStore } from '../../src/config/store.ts';
import { UnauthenticatedError } from '../../src/core/errors.ts';
import { createJsonLogger } from '../../src/core/logger.ts';
import { DevIdentityProvider } from '../../src/logic/auth/dev-idp/provider.ts';
import { pkceChallenge, randomToken } from '../../src/logic/auth/encoding.ts';
import { IdpClient } from '../../src/logic/auth/flows/idp-client.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { hiddenFields, offeredSubjects, signInAtDevIdp } from '../harness/dev-idp-person.ts';
import { CHAEN_SUB, IDP_CLIENT_ID } from '../harness/login.ts';

const BASE = 'http://localhost:8000';
/** lhcb's issuer in the shipped configuration. */
const LHCB_ISSUER = 'http://localhost:8000/dev-idp/lhcb';
const CALLBACK = `${BASE}/api/auth/device/complete`;
const ALICE_SUB = '784f55a0-1e9a-4376-9f02-720b1fcf6984';

let app: TestApp;
let dir: string;

beforeAll(async () => {
  app = await createTestApp({ devIdp: await DevIdentityProvider.create({ baseUrl: BASE }) });
  dir = await mkdtemp(join(tmpdir(), 'dev-idp-'));
});
afterAll(async () => {
  await app?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** A request to the handler from `remoteAddress` (this computer by default). */
const send = (req: Request, remoteAddress = '127.0.0.1'): Promise<Response> => app.handler(req, { remoteAddress });

/** An authorization request of lhcb's client with a fresh PKCE pair. */
async function authorization(
  overrides: Record<string, string | null> = {},
): Promise<{ url: string; verifier: string }> {
  const verifier = randomToken();
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: IDP_CLIENT_ID,
    redirect_uri: CALLBACK,
    scope: 'openid profile',
    state: 'sealed-state',
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
    ...overrides,
  };
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  return { url: `${BASE}/dev-idp/lhcb/authorize?${query}`, verifier };
}

/** Our login flows' client of this provider, talking to the handler. */
function idpClient(): IdpClient {
  return new IdpClient({
    fetch: (input, init) => app.handler(new Request(String(input), init)),
    now: () => new Date(),
    log: createJsonLogger('error', () => {}),
  });
}

const lhcbIdp = { URL: LHCB_ISSUER, ClientID: IDP_CLIENT_ID };

describe('development identity provider: discovery', () => {
  it('publishes the VO issuer of the configuration, endpoints under our URL, S256 and its key', async () => {
    const res = await send(new Request(`${BASE}/dev-idp/lhcb/.well-known/openid-configuration`));
    expect(res.status).toBe(200);
    const metadata = (await res.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: LHCB_ISSUER,
      authorization_endpoint: `${BASE}/dev-idp/lhcb/authorize`,
      token_endpoint: `${BASE}/dev-idp/lhcb/token`,
      jwks_uri: `${BASE}/dev-idp/lhcb/jwks`,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    const jwks = (await (await send(new Request(`${BASE}/dev-idp/lhcb/jwks`))).json()) as { keys: { d?: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]?.d).toBeUndefined();
  });

  it('serves no VO the configuration does not point at it (404)', async () => {
    for (const path of ['/dev-idp/atlas/.well-known/openid-configuration', '/dev-idp/atlas/jwks']) {
      expect((await send(new Request(`${BASE}${path}`))).status).toBe(404);
    }
    const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as {
      Registry: { lhcb: { IdP: { URL: string } } };
    };
    raw.Registry.lhcb.IdP.URL = 'https://idp.example.org/lhcb';
    const path = join(dir, 'real-idp.json');
    await writeFile(path, JSON.stringify(raw));
    const other = await createTestApp({
      config: new ConfigStore(await loadConfigFile(path)),
      devIdp: await DevIdentityProvider.create({ baseUrl: BASE }),
    });
    try {
      const lhcb = await other.handler(new Request(`${BASE}/dev-idp/lhcb/.well-known/openid-configuration`));
      expect(lhcb.status).toBe(404);
      const gridpp = await other.handler(new Request(`${BASE}/dev-idp/gridpp/.well-known/openid-configuration`));
      expect(gridpp.status).toBe(200);
    } finally {
      await other.dispose();
    }
  });

  it('is not there at all when the handler has no provider', async () => {
    const plain = await createTestApp();
    try {
      expect((await plain.fetch('/dev-idp/lhcb/.well-known/openid-configuration')).status).toBe(404);
    } finally {
      await plain.dispose();
    }
  });
});

describe('development identity provider: the login page', () => {
  it("lists the VO's users from the configuration, says there is no password, with the strict headers", async () => {
    const res = await send(new Request((await authorization()).url));
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('no password');
    for (const name of ['chaen', 'albdr', 'lhcbadmin', 'lhcbpilot']) expect(html).toContain(`${name} <span`);
    expect(offeredSubjects(html)).toContain(CHAEN_SUB);
    expect(offeredSubjects(html)).not.toContain(ALICE_SUB);
    expect(hiddenFields(html).csrf_token).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
  });

  it('escapes the names of the configuration', async () => {
    const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as {
      Registry: { lhcb: { Users: Record<string, { PreferedUsername: string }> } };
    };
    const chaen = raw.Registry.lhcb.Users[CHAEN_SUB];
    if (!chaen) throw new Error('chaen is not in the shipped configuration');
    chaen.PreferedUsername = '<img src=x onerror=alert(1)>"';
    const path = join(dir, 'odd-names.json');
    await writeFile(path, JSON.stringify(raw));
    const odd = await createTestApp({
      config: new ConfigStore(await loadConfigFile(path)),
      devIdp: await DevIdentityProvider.create({ baseUrl: BASE }),
    });
    try {
      const html = await (await odd.handler(new Request((await authorization()).url), { remoteAddress: '::1' })).text();
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;');
      expect(html).not.toContain('<img');
    } finally {
      await odd.dispose();
    }
  });

  it('answers nobody but this computer: another address, directly or through our proxy, gets 403', async () => {
    const { url } = await authorization();
    expect((await send(new Request(url), '192.0.2.7')).status).toBe(403);
    const proxied = new Request(url, { headers: { 'x-forwarded-for': '192.0.2.7' } });
    expect((await send(proxied, '127.0.0.1')).status).toBe(403);
    const post = new Request(url, { method: 'POST', headers: { origin: BASE }, body: new URLSearchParams() });
    expect((await send(post, '192.0.2.7')).status).toBe(403);
    expect((await send(new Request(url), '::ffff:127.0.0.1')).status).toBe(200);
  });

  it.each([
    ['another client', { client_id: 'diracx-dev-gridpp' }, 'unknown client_id'],
    ['a redirect elsewhere', { redirect_uri: 'https://evil.example/api/auth/device/complete' }, 'redirect_uri'],
    ['a loopback redirect that is not our callback', { redirect_uri: `${BASE}/elsewhere` }, 'redirect_uri'],
    ['no PKCE', { code_challenge: null }, 'PKCE'],
    ['plain PKCE', { code_challenge_method: 'plain' }, 'PKCE'],
    ['no openid scope', { scope: 'profile' }, 'openid'],
    ['no state', { state: null }, 'state'],
    ['another response type', { response_type: 'token' }, 'response_type'],
  ])('refuses %s with a 400 page naming the problem', async (_name, overrides, problem) => {
    const res = await send(new Request((await authorization(overrides)).url));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(problem);
    expect(html).not.toContain('name="sub"');
  });
});

describe('development identity provider: logging in', () => {
  /** The login page of a fresh request, and what its form holds. */
  async function loginForm(): Promise<{ url: string; fields: Record<string, string> }> {
    const { url } = await authorization();
    return { url, fields: hiddenFields(await (await send(new Request(url))).text()) };
  }
  const post = (fields: Record<string, string>, origin: string | undefined): Request =>
    new Request(`${BASE}/dev-idp/lhcb/authorize`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(origin === undefined ? {} : { origin }),
      },
      body: new URLSearchParams(fields),
    });

  it('refuses a form without our Origin, or with a token altered or of another request: 403, no code', async () => {
    const { fields } = await loginForm();
    const other = await loginForm();
    const token = fields.csrf_token ?? '';
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const cases: [Record<string, string>, string | undefined][] = [
      [{ ...fields, sub: CHAEN_SUB }, undefined],
      [{ ...fields, sub: CHAEN_SUB }, 'http://evil.example'],
      [{ ...fields, sub: CHAEN_SUB, csrf_token: tampered }, BASE],
      [{ ...fields, sub: CHAEN_SUB, csrf_token: other.fields.csrf_token ?? '' }, BASE],
      [{ ...fields, sub: CHAEN_SUB, state: 'another-state' }, BASE],
    ];
    for (const [form, origin] of cases) {
      const res = await send(post(form, origin));
      expect(res.status).toBe(403);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('refuses a user of another VO, or none (400, no code)', async () => {
    const { fields } = await loginForm();
    for (const form of [{ ...fields, sub: ALICE_SUB }, fields]) {
      const res = await send(post(form, BASE));
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('logs in as the user picked: our IdP client redeems the code once for a verified ID token', async () => {
    const { url, verifier } = await authorization();
    const back = new URL(await signInAtDevIdp((req) => send(req), url, CHAEN_SUB));
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect(back.searchParams.get('state')).toBe('sealed-state');
    const code = back.searchParams.get('code') ?? '';
    const client = idpClient();
    const exchange = { code, codeVerifier: verifier, redirectUri: CALLBACK };
    const claims = await client.exchangeCode(lhcbIdp, exchange, 'refused');
    expect(claims).toMatchObject({ sub: CHAEN_SUB, preferred_username: 'chaen', iss: LHCB_ISSUER, aud: IDP_CLIENT_ID });
    await expect(client.exchangeCode(lhcbIdp, exchange, 'refused')).rejects.toThrow(UnauthenticatedError);
  });

  it('refuses the code with another PKCE verifier or redirect URI', async () => {
    const client = idpClient();
    for (const change of [{ codeVerifier: randomToken() }, { redirectUri: `${BASE}/api/auth/authorize/complete` }]) {
      const { url, verifier } = await authorization();
      const code = new URL(await signInAtDevIdp((req) => send(req), url, CHAEN_SUB)).searchParams.get('code') ?? '';
      const exchange = { code, codeVerifier: verifier, redirectUri: CALLBACK, ...change };
      await expect(client.exchangeCode(lhcbIdp, exchange, 'refused')).rejects.toThrow(UnauthenticatedError);
    }
  });

  it('answers another grant type with the OAuth error', async () => {
    const res = await send(
      new Request(`${BASE}/dev-idp/lhcb/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: IDP_CLIENT_ID }),
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type' });
  });
});
