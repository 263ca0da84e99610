/**
 * @module logic/auth/flows/flow-context
 * What the login flows and the token endpoint need: their settings (DiracX's `AuthSettings`), the
 * long-lived services of a process (state key, IdP client with its caches, rate limiters, device
 * poll tracker, client metadata document cache, clock) and, per request, the database, the current
 * configuration and the token keys. Built once per process by `createAuthFlowServices`; no HTTP
 * here.
 */
import type { Config } from '../../../config/schema.ts';
import type { Database } from '../../../db/database.ts';
import type { Logger } from '../../../core/logger.ts';
import { ClientMetadataResolver } from '../clients/client-metadata-document.ts';
import { IdpClient, type FetchLike } from './idp-client.ts';
import type { StateKey } from './state.ts';
import type { KeyRing } from '../tokens/key-ring.ts';
import type { AccessTokenVerifier } from '../tokens/verify.ts';
import { CallerLimiter, DevicePollTracker } from '../rate-limit.ts';

export interface AuthFlowSettings {
  /** The one OAuth client id of DiracX's own clients (`DIRACX_SERVICE_AUTH_DIRAC_CLIENT_ID`). */
  diracClientId: string;
  /** Where the authorization-code flow may send a browser back to. */
  allowedRedirects: readonly string[];
  deviceFlowExpirationSeconds: number;
  authorizationFlowExpirationSeconds: number;
  /** Flows older than this are deleted by the clean-up. */
  completedFlowRetentionMinutes: number;
  accessTokenExpireMinutes: number;
  refreshTokenExpireMinutes: number;
  /**
   * Polling interval advertised with a device code (RFC 8628 `interval`). 2 s because DiracX's
   * CLI polls every 2 s regardless and treats any error but `authorization_pending` as fatal.
   */
  devicePollIntervalSeconds: number;
  /** Hex SHA-256 of the legacy exchange API key; the endpoint is disabled when unset. */
  legacyExchangeHashedApiKey: string | undefined;
  /** Attempts per minute per client id and caller address at the token endpoint (0: no limit). */
  tokenRateLimitPerMinute: number;
  /**
   * Flow starts per minute per client id and caller address (0: no limit): device
   * authorizations, user-code lookups and authorization requests.
   */
  loginRateLimitPerMinute: number;
  /** Dynamic client registrations per minute per caller address (0: no limit). */
  registrationRateLimitPerMinute: number;
  /**
   * A dynamically registered client unused for this many days is forgotten (every use moves
   * its expiry forward; the clean-up deletes expired registrations).
   */
  clientRegistrationTtlDays: number;
  /** Reverse proxies whose `X-Forwarded-For` names the caller (exact addresses). */
  trustedProxies: readonly string[];
}

/** DiracX's defaults; the settings schema (`src/settings.ts`) takes its defaults from these. */
export const DEFAULT_AUTH_FLOW_SETTINGS: AuthFlowSettings = {
  diracClientId: 'myDIRACClientID',
  allowedRedirects: [],
  deviceFlowExpirationSeconds: 600,
  authorizationFlowExpirationSeconds: 300,
  completedFlowRetentionMinutes: 60,
  accessTokenExpireMinutes: 20,
  refreshTokenExpireMinutes: 60,
  devicePollIntervalSeconds: 2,
  legacyExchangeHashedApiKey: undefined,
  tokenRateLimitPerMinute: 300,
  loginRateLimitPerMinute: 30,
  registrationRateLimitPerMinute: 10,
  clientRegistrationTtlDays: 30,
  trustedProxies: ['127.0.0.1', '::1'],
};

/** A device-code poll this much sooner than the interval still counts as on time (network jitter). */
const POLL_JITTER_MS = 500;

/** Long-lived services of a process. */
export interface AuthFlowServices {
  readonly settings: AuthFlowSettings;
  /** Seals the state passed through the IdP (see `state.ts`). */
  readonly stateKey: StateKey;
  /** Signs the consent form's anti-forgery tokens (HMAC; derived from the same secret as the state key). */
  readonly csrfKey: CryptoKey;
  readonly idp: IdpClient;
  readonly now: () => Date;
  readonly devicePolls: DevicePollTracker;
  readonly limits: {
    readonly token: CallerLimiter;
    readonly login: CallerLimiter;
    readonly registration: CallerLimiter;
  };
  /** Fetches and caches client ID metadata documents (an https URL as `client_id`). */
  readonly clientMetadata: ClientMetadataResolver;
}

export interface AuthFlowServicesOptions {
  settings: AuthFlowSettings;
  stateKey: StateKey;
  csrfKey: CryptoKey;
  log: Logger;
  /** Defaults to the system clock. */
  now?: () => Date;
  /**
   * HTTP towards identity providers (and client metadata documents, unless given below); defaults
   * to the global `fetch`.
   */
  fetch?: FetchLike;
  /**
   * HTTP towards client ID metadata documents, URLs any caller may name; defaults to `fetch`.
   * The server process injects one that connects to public addresses only
   * (`src/process/public-fetch.ts`); identity providers may well live on a private network.
   */
  clientMetadataFetch?: FetchLike;
}

export function createAuthFlowServices(options: AuthFlowServicesOptions): AuthFlowServices {
  const { settings } = options;
  const now = options.now ?? (() => new Date());
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    settings,
    stateKey: options.stateKey,
    csrfKey: options.csrfKey,
    idp: new IdpClient({ fetch: fetchImpl, now, log: options.log }),
    now,
    devicePolls: new DevicePollTracker(
      Math.max(0, settings.devicePollIntervalSeconds * 1000 - POLL_JITTER_MS),
      settings.deviceFlowExpirationSeconds * 1000,
    ),
    limits: {
      token: new CallerLimiter(settings.tokenRateLimitPerMinute, 60_000),
      login: new CallerLimiter(settings.loginRateLimitPerMinute, 60_000),
      registration: new CallerLimiter(settings.registrationRateLimitPerMinute, 60_000),
    },
    clientMetadata: new ClientMetadataResolver({
      fetch: options.clientMetadataFetch ?? fetchImpl,
      now,
      log: options.log,
    }),
  };
}

/** Everything a flow or grant function receives: the process services plus this request's view. */
export interface AuthFlowContext extends AuthFlowServices {
  readonly database: Database;
  readonly config: Config;
  /** Our issuer (`iss` of the access tokens we mint). */
  readonly issuer: string;
  readonly keyRing: KeyRing;
  /** Verifies an access token as the REST API does (the token exchange's subject token). */
  readonly verifyAccessToken: AccessTokenVerifier;
  /** Algorithms accepted on our own tokens (refresh tokens are checked against them). */
  readonly algorithms: readonly string[];
  /** Security properties this installation knows (scope validation). */
  readonly availableProperties: ReadonlySet<string>;
  /** Resource servers tokens may be requested for (RFC 8707): our MCP endpoint. */
  readonly resources: readonly string[];
  readonly log: Logger;
}
