/**
 * The world of the login attacks: two VOs, each with its own real upstream identity provider
 * (`oidc-provider`), whose subject ids collide. lhcb's IdP knows chaen; gridpp's IdP knows
 * mallory under the very same `sub`, and gridpp's registry lists that sub as mallory (a
 * gridpp_user), while lhcb's lists it as chaen. Our handler runs in-process with DiracX's own
 * client (configured redirect URI) and MCP hosts (dynamic registration), plus helpers that
 * walk a browser through the flows and read the flow rows the attacks must leave unchanged.
 */
import { createConfigSnapshot, ConfigStore } from '../../src/config/store.ts';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import type { AuthorizationFlowRow, DeviceFlowRow } from '../../src/db/schema/auth.ts';
import { pkceChallenge, randomToken } from '../../src/logic/auth/encoding.ts';
import type { FetchLike } from '../../src/logic/auth/flows/idp-client.ts';
import { voChoiceValue } from '../../src/routes/auth/pages/vo-choice.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { CHAEN_SUB, DIRAC_CLIENT_ID, form, TestClock, WEB_REDIRECT } from '../harness/login.ts';
import { startTestIdp, type TestIdp } from '../harness/oidc-provider.ts';
import { listAuthorizationFlows, readAuthorizationFlow, readDeviceFlow } from '../harness/auth-rows.ts';

export { CHAEN_SUB, DIRAC_CLIENT_ID, WEB_REDIRECT };
export const ORIGIN = 'http://test';
export const MCP_URL = `${ORIGIN}/mcp`;
export const HOST_REDIRECT = 'http://127.0.0.1:33418/callback';
export const LHCB_CLIENT = 'diracx-dev-lhcb';
export const GRIDPP_CLIENT = 'diracx-dev-gridpp';
/** The sub both IdPs know: chaen at lhcb's, mallory at gridpp's. */
export const SHARED_SUB = CHAEN_SUB;
export const ALICE_SUB = '784f55a0-1e9a-4376-9f02-720b1fcf6984';
const CALLBACKS = [`${ORIGIN}/api/auth/device/complete`, `${ORIGIN}/api/auth/authorize/complete`];

interface RawRegistry {
  IdP: { URL: string; ClientID: string };
  Users: Record<string, { PreferedUsername: string }>;
  Groups: Record<string, { Users: string[] }>;
}
type RawConfig = { Registry: Record<'lhcb' | 'gridpp', RawRegistry> };

export interface TwoVoWorld {
  app: TestApp;
  /** lhcb's identity provider. */
  lhcbIdp: TestIdp;
  /** gridpp's identity provider. */
  gridppIdp: TestIdp;
  clock: TestClock;
  /** Serves a configuration in which `change` was applied to the two-VO one (a reload). */
  reconfigure(change: (raw: RawConfig) => void): Promise<void>;
  dispose(): Promise<void>;
}

async function twoVoConfig(
  lhcbIdp: string,
  gridppIdp: string,
  change: (raw: RawConfig) => void = () => {},
): Promise<{ raw: RawConfig; text: string }> {
  const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as RawConfig;
  raw.Registry.lhcb.IdP.URL = lhcbIdp;
  raw.Registry.gridpp.IdP.URL = gridppIdp;
  raw.Registry.gridpp.Users[SHARED_SUB] = { PreferedUsername: 'mallory' };
  raw.Registry.gridpp.Groups.gridpp_user!.Users.push(SHARED_SUB);
  change(raw);
  return { raw, text: JSON.stringify(raw) };
}

export interface TwoVoWorldOptions {
  /** HTTP towards identity providers and client ID metadata documents (default: the global fetch). */
  fetch?: FetchLike;
}

export async function startTwoVoWorld(options: TwoVoWorldOptions = {}): Promise<TwoVoWorld> {
  const lhcbIdp = await startTestIdp({
    users: [{ sub: SHARED_SUB, preferredUsername: 'chaen' }],
    clients: [{ clientId: LHCB_CLIENT, redirectUris: CALLBACKS }],
  });
  const gridppIdp = await startTestIdp({
    users: [
      { sub: SHARED_SUB, preferredUsername: 'mallory' },
      { sub: ALICE_SUB, preferredUsername: 'alice' },
    ],
    clients: [{ clientId: GRIDPP_CLIENT, redirectUris: CALLBACKS }],
  });
  const { raw, text } = await twoVoConfig(lhcbIdp.issuer, gridppIdp.issuer);
  const config = new ConfigStore(await createConfigSnapshot(raw, text, new Date()));
  const clock = new TestClock();
  const app = await createTestApp({
    issuer: ORIGIN,
    config,
    mcp: {
      resourceUrl: MCP_URL,
      allowedHosts: ['test'],
      allowedOrigins: [],
      confirmThreshold: 1000,
      rateLimitPerMinute: 0,
    },
    flows: {
      now: clock.now,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      settings: {
        tokenRateLimitPerMinute: 0,
        loginRateLimitPerMinute: 0,
        registrationRateLimitPerMinute: 0,
        allowedRedirects: [WEB_REDIRECT],
      },
    },
  });
  return {
    app,
    lhcbIdp,
    gridppIdp,
    clock,
    reconfigure: async (change) => {
      const next = await twoVoConfig(lhcbIdp.issuer, gridppIdp.issuer, change);
      config.replace(await createConfigSnapshot(next.raw, next.text, new Date()));
    },
    dispose: async () => {
      await app.dispose();
      await lhcbIdp.stop();
      await gridppIdp.stop();
    },
  };
}

/** An MCP host registered by RFC 7591 with `HOST_REDIRECT`; returns its client id. */
export async function registerHost(world: TwoVoWorld, name = 'Some MCP host'): Promise<string> {
  const res = await world.app.fetch('/api/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [HOST_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}

/** A client's side of a flow: its id, redirect URI and PKCE verifier. */
export interface HostFlow {
  clientId: string;
  redirectUri: string;
  verifier: string;
}

export async function newHostFlow(world: TwoVoWorld): Promise<HostFlow> {
  return { clientId: await registerHost(world), redirectUri: HOST_REDIRECT, verifier: randomToken() };
}

/** `GET /api/auth/authorize` for `flow`, with `extra` parameters (an empty value removes one). */
export async function authorize(
  world: TwoVoWorld,
  flow: HostFlow,
  extra: Record<string, string> = {},
): Promise<Response> {
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: flow.clientId,
    redirect_uri: flow.redirectUri,
    code_challenge: await pkceChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: 'client-state',
    ...extra,
  };
  for (const [key, value] of Object.entries(params)) if (value === '') delete params[key];
  return world.app.fetch(`/api/auth/authorize?${new URLSearchParams(params)}`);
}

/** Starts an MCP host's flow that asks the person for a VO; returns the flow id. */
export async function startVoChoice(world: TwoVoWorld, flow: HostFlow): Promise<string> {
  const res = await authorize(world, flow, { resource: MCP_URL });
  const location = res.headers.get('location') ?? '';
  const flowId = new URL(location, ORIGIN).searchParams.get('flow');
  if (res.status !== 307 || !location.includes('/api/auth/authorize/vo') || !flowId)
    throw new Error(`authorize: ${res.status} ${location}`);
  return flowId;
}

/** The person's answer on the VO choice page. */
export function answerVoChoice(world: TwoVoWorld, flowId: string, vo: string, group: string): Promise<Response> {
  return world.app.fetch(
    `/api/auth/authorize/vo?${new URLSearchParams({ flow: flowId, vo_group: voChoiceValue(vo, group) })}`,
  );
}

/** The `state` our server sealed into an IdP authorization URL. */
export const sealedStateOf = (idpUrl: string): string => new URL(idpUrl).searchParams.get('state') ?? '';

/** The hidden field `name` of a page. */
export const hiddenField = (page: string, name: string): string =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';

/** Approves (or denies) the consent page `page`, as the person's browser posts it. */
export function answerConsent(
  world: TwoVoWorld,
  page: string,
  decision: 'approve' | 'deny' = 'approve',
): Promise<Response> {
  const init = form({ flow: hiddenField(page, 'flow'), csrf_token: hiddenField(page, 'csrf_token'), decision });
  return world.app.fetch('/api/auth/authorize/consent', {
    ...init,
    headers: { ...(init.headers as Record<string, string>), origin: ORIGIN },
  });
}

/** The host redeems its code at the token endpoint. */
export function redeemCode(world: TwoVoWorld, flow: HostFlow, code: string): Promise<Response> {
  return world.app.fetch(
    '/api/auth/token',
    form({
      grant_type: 'authorization_code',
      client_id: flow.clientId,
      redirect_uri: flow.redirectUri,
      code,
      code_verifier: flow.verifier,
    }),
  );
}

export function authorizationFlowRow(world: TwoVoWorld, uuid: string): Promise<AuthorizationFlowRow | undefined> {
  return readAuthorizationFlow(world.app.database, uuid);
}

/** The device flow of `deviceCode` (the code the client polls with). */
export function deviceFlowRow(world: TwoVoWorld, deviceCode: string): Promise<DeviceFlowRow | undefined> {
  return readDeviceFlow(world.app.database, deviceCode);
}

/** Every authorization flow stored: its id and client. */
export function allAuthorizationFlows(world: TwoVoWorld): Promise<{ uuid: string; clientId: string }[]> {
  return listAuthorizationFlows(world.app.database);
}

/**
 * Our authorization URL at lhcb's IdP, pointed at gridpp's IdP and client instead (same state,
 * challenge, callback).
 */
export function toGridppIdp(world: TwoVoWorld, lhcbIdpUrl: string): string {
  const url = new URL(lhcbIdpUrl);
  url.host = new URL(world.gridppIdp.issuer).host;
  url.searchParams.set('client_id', GRIDPP_CLIENT);
  return url.toString();
}
