/**
 * Login fixtures for the auth flow tests: a real upstream OIDC provider (`oidc-provider`,
 * in-process) playing lhcb's IdP, our handler in-process with the shipped configuration
 * pointed at it (plus a `lhcb_tokenmgr` group with ProxyManagement for albdr), a clock the
 * test can move forward, and helpers that walk the device and authorization-code flows the way
 * a CLI and a browser do.
 */
import { createConfigSnapshot, ConfigStore } from '../../src/config/store.ts';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import type { AuthFlowSettings } from '../../src/logic/auth/flows/flow-context.ts';
import type { FetchLike } from '../../src/logic/auth/flows/idp-client.ts';
import { createTestApp, type TestApp } from './app.ts';
import { startTestIdp, type TestIdp } from './oidc-provider.ts';

export const DIRAC_CLIENT_ID = 'myDIRACClientID';
export const IDP_CLIENT_ID = 'diracx-dev-lhcb';
export const CHAEN_SUB = 'b824d4dc-1f9d-4ee8-8df5-c0ae55d46041';
export const ALBDR_SUB = 'c935e5ed-2g0e-5ff9-9eg6-d1bf66e57152';
export const LHCBADMIN_SUB = 'd44d615d-d300-4a2c-9888-118f5b831ccc';
export const WEB_REDIRECT = 'http://web.test.invalid/callback';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/**
 * For `beforeAll`/`afterAll` of these fixtures: a fixture (embedded database, IdP key) takes a
 * second or two, more on a loaded machine, and Bun's hooks default to 5 s.
 */
export const FIXTURE_TIMEOUT_MS = 30_000;

/** A clock that follows real time, shifted by whatever the test advanced it. */
export class TestClock {
  offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface LoginFixture {
  app: TestApp;
  idp: TestIdp;
  clock: TestClock;
  dispose(): Promise<void>;
}

export interface LoginFixtureOptions {
  settings?: Partial<AuthFlowSettings>;
  /** Registry.lhcb.IdP.URL; default: the test IdP. */
  idpUrl?: string;
  fetch?: FetchLike;
}

/** The shipped configuration with lhcb's IdP at `idpUrl` and a token managers' group. */
export async function loginConfig(idpUrl: string): Promise<ConfigStore> {
  const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as {
    Registry: { lhcb: { IdP: { URL: string }; Groups: Record<string, unknown> } };
  };
  raw.Registry.lhcb.IdP.URL = idpUrl;
  raw.Registry.lhcb.Groups.lhcb_tokenmgr = { Properties: ['NormalUser', 'ProxyManagement'], Users: [ALBDR_SUB] };
  return new ConfigStore(await createConfigSnapshot(raw, JSON.stringify(raw), new Date()));
}

export async function startLoginFixture(options: LoginFixtureOptions = {}): Promise<LoginFixture> {
  const idp = await startTestIdp({
    users: [
      { sub: CHAEN_SUB, preferredUsername: 'chaen' },
      { sub: ALBDR_SUB, preferredUsername: 'albdr' },
      { sub: LHCBADMIN_SUB, preferredUsername: 'lhcbadmin' },
      { sub: 'not-registered-sub', preferredUsername: 'stranger' },
    ],
    clients: [
      {
        clientId: IDP_CLIENT_ID,
        redirectUris: ['http://test/api/auth/device/complete', 'http://test/api/auth/authorize/complete'],
      },
    ],
  });
  const clock = new TestClock();
  const app = await createTestApp({
    config: await loginConfig(options.idpUrl ?? idp.issuer),
    flows: {
      now: clock.now,
      // Generous limits: only the rate-limit tests want to reach them.
      settings: {
        tokenRateLimitPerMinute: 10_000,
        loginRateLimitPerMinute: 10_000,
        allowedRedirects: [WEB_REDIRECT],
        ...options.settings,
      },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  });
  return {
    app,
    idp,
    clock,
    dispose: async () => {
      await app.dispose();
      await idp.stop();
    },
  };
}

/** A form-encoded POST. */
export function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

export interface DeviceAuthorizationBody {
  user_code: string;
  device_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export interface TokenBody {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

/** POST /api/auth/device for `scope`; throws unless it answers 200. */
export async function startDevice(fx: LoginFixture, scope: string): Promise<DeviceAuthorizationBody> {
  const res = await fx.app.fetch(`/api/auth/device?${new URLSearchParams({ client_id: DIRAC_CLIENT_ID, scope })}`, {
    method: 'POST',
  });
  if (res.status !== 200) throw new Error(`device authorization: ${res.status} ${await res.text()}`);
  return (await res.json()) as DeviceAuthorizationBody;
}

/** The person's side: open the verification URI, log in at the IdP, follow the callback. */
export async function completeDeviceLogin(
  fx: LoginFixture,
  device: DeviceAuthorizationBody,
  sub: string,
): Promise<Response> {
  const toIdp = await fx.app.fetch(device.verification_uri_complete);
  if (toIdp.status !== 307) throw new Error(`verification URI: ${toIdp.status} ${await toIdp.text()}`);
  const callback = await fx.idp.loginAs(sub, toIdp.headers.get('location')!);
  return fx.app.fetch(callback.toString());
}

/** The client's poll of the token endpoint. */
export function pollToken(fx: LoginFixture, deviceCode: string, clientId = DIRAC_CLIENT_ID): Promise<Response> {
  return fx.app.fetch(
    '/api/auth/token',
    form({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId }),
  );
}

/** A whole device login of `sub` for `scope`; returns the token response. */
export async function deviceLogin(fx: LoginFixture, sub: string, scope = 'vo:lhcb'): Promise<TokenBody> {
  const device = await startDevice(fx, scope);
  const finished = await completeDeviceLogin(fx, device, sub);
  if (finished.status !== 307) throw new Error(`device callback: ${finished.status} ${await finished.text()}`);
  const res = await pollToken(fx, device.device_code);
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()) as TokenBody;
}

/** The claims of a JWT, unverified (to read `jti` and `exp` in assertions). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as Record<string, unknown>;
}

/** A Bearer header. */
export function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}
