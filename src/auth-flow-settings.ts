/**
 * @module auth-flow-settings
 * The login flows' settings, from DiracX's variables (and ours for the rate limits): one mapping
 * for every entry point (the server process and the Workers entry), free of I/O so both can
 * bundle it.
 */
import type { AuthFlowSettings } from './logic/auth/flows/flow-context.ts';
import type { Settings } from './settings.ts';

export function authFlowSettings(settings: Settings): AuthFlowSettings {
  return {
    diracClientId: settings.DIRACX_SERVICE_AUTH_DIRAC_CLIENT_ID,
    allowedRedirects: settings.DIRACX_SERVICE_AUTH_ALLOWED_REDIRECTS,
    deviceFlowExpirationSeconds: settings.DIRACX_SERVICE_AUTH_DEVICE_FLOW_EXPIRATION_SECONDS,
    authorizationFlowExpirationSeconds: settings.DIRACX_SERVICE_AUTH_AUTHORIZATION_FLOW_EXPIRATION_SECONDS,
    completedFlowRetentionMinutes: settings.DIRACX_SERVICE_AUTH_COMPLETED_FLOW_RETENTION_MINUTES,
    accessTokenExpireMinutes: settings.DIRACX_SERVICE_AUTH_ACCESS_TOKEN_EXPIRE_MINUTES,
    refreshTokenExpireMinutes: settings.DIRACX_SERVICE_AUTH_REFRESH_TOKEN_EXPIRE_MINUTES,
    devicePollIntervalSeconds: 2,
    legacyExchangeHashedApiKey: settings.DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY,
    tokenRateLimitPerMinute: settings.DIRACX_SERVICE_AUTH_TOKEN_RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: settings.DIRACX_SERVICE_AUTH_LOGIN_RATE_LIMIT_PER_MINUTE,
    registrationRateLimitPerMinute: settings.DIRACX_SERVICE_AUTH_REGISTRATION_RATE_LIMIT_PER_MINUTE,
    clientRegistrationTtlDays: settings.DIRACX_SERVICE_AUTH_CLIENT_REGISTRATION_TTL_DAYS,
    trustedProxies: settings.DIRACX_FORWARDED_ALLOW_IPS,
  };
}
