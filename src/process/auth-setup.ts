/**
 * @module process/auth-setup
 * Builds the token machinery of a server process from its settings: an issuing process loads
 * (or generates) its keystore and watches the keystore file for rotations; a verifier-only
 * process (`DIRACX_SERVICE_AUTH_JWKS_URL`) reads the issuer's JWKS over HTTP instead.
 */
import { sha256Hex } from '../logic/sha256.ts';
import { authFlowSettings } from '../auth-flow-settings.ts';
import { createAuthFlowServices, type AuthFlowServices } from '../logic/auth/flows/flow-context.ts';
import type { FetchLike } from '../logic/auth/flows/idp-client.ts';
import { LocalKeyRing, type KeyRing } from '../logic/auth/tokens/key-ring.ts';
import { importStateKey, stateKeyBytes } from '../logic/auth/flows/state.ts';
import { importCsrfKey } from '../routes/auth/pages/csrf.ts';
import { errorFields, type Logger } from '../core/logger.ts';
import type { AuthDeps } from '../routes/deps.ts';
import { handlerAuth, remoteKeyRingFromSettings } from '../handler-settings.ts';
import type { Settings } from '../settings.ts';
import { loadKeystore, keystoreFromText } from './keystore-source.ts';
import { createPublicOnlyFetch } from './public-fetch.ts';
import { watchFileContent, type FileWatcher } from './watch-file.ts';

export interface AuthSetup {
  auth: AuthDeps;
  /** Re-reads the keystore file now (SIGHUP); no-op without one. */
  reload(): Promise<void>;
  stop(): void;
}

/** The flow services; without a configured state key, a random one (flows then stay on this process). */
async function setUpFlows(settings: Settings, log: Logger, idpFetch?: FetchLike): Promise<AuthFlowServices> {
  const configured = settings.DIRACX_SERVICE_AUTH_STATE_KEY;
  if (!configured) {
    log.warn(
      'generated a development auth state key; set DIRACX_SERVICE_AUTH_STATE_KEY ' +
        'so that logins survive restarts and work across processes',
    );
  }
  const secret = configured ? stateKeyBytes(configured) : crypto.getRandomValues(new Uint8Array(32));
  const [stateKey, csrfKey] = await Promise.all([importStateKey(secret), importCsrfKey(secret)]);
  // Metadata documents are fetched from URLs any caller names: public addresses only (SSRF).
  const clientMetadataFetch = createPublicOnlyFetch();
  return createAuthFlowServices({
    settings: authFlowSettings(settings),
    stateKey,
    csrfKey,
    log,
    clientMetadataFetch,
    fetch: idpFetch,
  });
}

/** The issuer when none is configured: this server on localhost (development). */
export function defaultIssuer(settings: Settings): string {
  return `http://localhost:${settings.PORT}`;
}

/** Our issuer: the configured one, or the default. */
export function issuerOf(settings: Settings): string {
  return settings.DIRACX_SERVICE_AUTH_TOKEN_ISSUER ?? defaultIssuer(settings);
}

/** `idpFetch`: how the login flows reach identity providers (the global fetch by default). */
export async function setUpAuth(
  settings: Settings,
  inMemory: boolean,
  log: Logger,
  idpFetch?: FetchLike,
): Promise<AuthSetup> {
  const issuer = issuerOf(settings);
  let keyRing: KeyRing;
  let watcher: FileWatcher | undefined;
  const remote = remoteKeyRingFromSettings(settings);
  if (remote) {
    keyRing = remote;
  } else {
    const location = await loadKeystore(
      settings.DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE,
      settings.DIRACX_DATA_DIR,
      inMemory,
    );
    const ring = new LocalKeyRing(location.keystore);
    keyRing = ring;
    if (location.generated) log.warn('generated a development token keystore', { path: location.path ?? 'memory' });
    const path = location.path;
    if (path) {
      watcher = watchFileContent(path, {
        intervalSeconds: settings.DIRACX_CONFIG_RELOAD_SECONDS,
        initialHash: await sha256Hex(await Bun.file(path).text()),
        onChange: async (text) => {
          ring.replace(keystoreFromText(text, path));
          log.info('token keystore reloaded', { path, kids: ring.keystore().keys.map((k) => k.kid) });
          return true;
        },
        onError: (err) =>
          log.error('token keystore reload failed; keeping the previous one', { path, ...errorFields(err) }),
      });
    }
  }
  return {
    auth: handlerAuth(settings, issuer, keyRing, await setUpFlows(settings, log, idpFetch), log),
    reload: async () => {
      await watcher?.check();
    },
    stop: () => watcher?.stop(),
  };
}
