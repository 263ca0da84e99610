/**
 * @module process/dev-idp-setup
 * Whether a server process runs the development identity provider, and how its login flows reach
 * it. `DIRACX_DEV_IDP=auto` (the default) turns it on with the shipped development configuration
 * only, `true` with any configuration, `false` never. When on, the issuer (our public URL) must be
 * a loopback URL: anywhere else the process refuses to start with one line saying why.
 *
 * Our login flows reach the provider as they reach any IdP, over `fetch`; the fetch given to them
 * answers loopback URLs under `/dev-idp/` with this process's own handler instead of a socket, so
 * the configuration's `http://localhost:8000/dev-idp/<vo>` works whatever port the server listens on.
 */
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/file-source.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../core/logger.ts';
import { DEV_IDP_PATH, DevIdentityProvider, devIdpVos } from '../logic/auth/dev-idp/provider.ts';
import type { FetchLike } from '../logic/auth/flows/idp-client.ts';
import { isLoopbackUrl } from '../logic/net/loopback.ts';
import type { Settings } from '../settings.ts';

export type DevIdpDecision = { on: false } | { on: true; reason: string } | { refused: string };

/** Whether `configPath` (or none) is the configuration shipped with the server. */
export function isShippedConfig(configPath: string | undefined): boolean {
  return configPath === undefined || resolve(configPath) === resolve(DEFAULT_CONFIG_PATH);
}

/** Whether the provider runs, from `DIRACX_DEV_IDP`, the configuration in use and our issuer. */
export function decideDevIdp(
  mode: Settings['DIRACX_DEV_IDP'],
  configPath: string | undefined,
  issuer: string,
): DevIdpDecision {
  if (mode === false || (mode === 'auto' && !isShippedConfig(configPath))) return { on: false };
  const reason = mode === true ? 'DIRACX_DEV_IDP=true' : 'the shipped development configuration';
  if (isLoopbackUrl(issuer)) return { on: true, reason };
  return {
    refused:
      `the development identity provider (on with ${reason}) lets anyone log in as any user, so it runs ` +
      `only with an issuer on a loopback address, and DIRACX_SERVICE_AUTH_TOKEN_ISSUER is ${issuer}: ` +
      `set DIRACX_CONFIG to a configuration with real identity providers${mode === true ? ',' : ''} or ` +
      'DIRACX_DEV_IDP=false',
  };
}

/** True for a URL the provider answers: a loopback http(s) URL under `/dev-idp/`. */
export function isDevIdpUrl(url: URL): boolean {
  return isLoopbackUrl(url.href) && url.pathname.startsWith(`${DEV_IDP_PATH}/`);
}

/**
 * The fetch of the login flows: the provider's URLs go to `handle` (this process's handler, bound
 * once it exists), every other URL to `fallback`.
 */
export function devIdpFetch(handle: () => (req: Request) => Promise<Response>, fallback: FetchLike): FetchLike {
  return (input, init) => {
    const url = new URL(String(input));
    return isDevIdpUrl(url) ? handle()(new Request(url, init)) : fallback(input, init);
  };
}

/** The provider of a process where `decideDevIdp` said on; logs what it serves. */
export async function startDevIdp(
  decision: { reason: string },
  issuer: string,
  config: Config,
  log: Logger,
): Promise<DevIdentityProvider> {
  const provider = await DevIdentityProvider.create({ baseUrl: issuer });
  const vos = devIdpVos(config);
  log.warn('development identity provider on: anyone on this computer can log in as any user of its VOs', {
    because: decision.reason,
    vos,
    login: vos.map((vo) => `${provider.endpointBase(vo)}/authorize`),
  });
  return provider;
}
