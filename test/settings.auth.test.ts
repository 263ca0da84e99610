/**
 * Settings of the login flows: DiracX's names and defaults, the state key as a 32-byte
 * base64url (Fernet) key never echoed, the legacy exchange key hash, and DiracX's rule that
 * completed flows are kept longer than flows may take.
 */
import { describe, expect, it } from 'bun:test';
import { authFlowSettings } from '../src/auth-flow-settings.ts';
import { parseSettings, SettingsError } from '../src/settings.ts';

function errorOf(env: Record<string, string>): SettingsError {
  try {
    parseSettings(env);
  } catch (err) {
    if (err instanceof SettingsError) return err;
    throw err;
  }
  throw new Error('expected parseSettings to throw');
}

describe('login flow settings', () => {
  it("default to DiracX's values, no state key and the legacy exchange disabled", () => {
    const s = parseSettings({});
    expect(s).toMatchObject({
      DIRACX_SERVICE_AUTH_ALLOWED_REDIRECTS: [],
      DIRACX_SERVICE_AUTH_DIRAC_CLIENT_ID: 'myDIRACClientID',
      DIRACX_SERVICE_AUTH_DEVICE_FLOW_EXPIRATION_SECONDS: 600,
      DIRACX_SERVICE_AUTH_AUTHORIZATION_FLOW_EXPIRATION_SECONDS: 300,
      DIRACX_SERVICE_AUTH_COMPLETED_FLOW_RETENTION_MINUTES: 60,
      DIRACX_FORWARDED_ALLOW_IPS: ['127.0.0.1', '::1'],
    });
    expect(s.DIRACX_SERVICE_AUTH_STATE_KEY).toBeUndefined();
    expect(s.DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY).toBeUndefined();
  });

  it('accepts a Fernet key as the state key and a JSON list of redirects', () => {
    const key = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
    const s = parseSettings({
      DIRACX_SERVICE_AUTH_STATE_KEY: key,
      DIRACX_SERVICE_AUTH_ALLOWED_REDIRECTS: '["https://web.example/cb"]',
    });
    expect(s.DIRACX_SERVICE_AUTH_STATE_KEY).toBe(key);
    expect(s.DIRACX_SERVICE_AUTH_ALLOWED_REDIRECTS).toEqual(['https://web.example/cb']);
  });

  it('refuses a state key that is not 32 bytes without echoing it', () => {
    const err = errorOf({ DIRACX_SERVICE_AUTH_STATE_KEY: 'too-short-secret' });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toStartWith('DIRACX_SERVICE_AUTH_STATE_KEY=<redacted>');
    expect(err.message).not.toContain('too-short-secret');
  });

  it('takes the legacy exchange key hash in any case of hex, and refuses anything else', () => {
    const hash = 'AB'.repeat(32);
    expect(parseSettings({ DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY: hash }).DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY).toBe(
      hash.toLowerCase(),
    );
    expect(errorOf({ DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY: 'secret' }).lines[0]).toContain('64 hex digits');
  });

  it('refuses a completed-flow retention not longer than the flows', () => {
    const err = errorOf({ DIRACX_SERVICE_AUTH_DEVICE_FLOW_EXPIRATION_SECONDS: '3600' });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toStartWith('DIRACX_SERVICE_AUTH_COMPLETED_FLOW_RETENTION_MINUTES=');
    expect(err.lines[0]).toContain('must be longer than');
  });

  it('limits client registrations to 10 per minute and keeps unused ones 30 days by default, both configurable', () => {
    expect(authFlowSettings(parseSettings({}))).toMatchObject({
      registrationRateLimitPerMinute: 10,
      clientRegistrationTtlDays: 30,
    });
    const s = parseSettings({
      DIRACX_SERVICE_AUTH_REGISTRATION_RATE_LIMIT_PER_MINUTE: '0',
      DIRACX_SERVICE_AUTH_CLIENT_REGISTRATION_TTL_DAYS: '7',
    });
    expect(authFlowSettings(s)).toMatchObject({ registrationRateLimitPerMinute: 0, clientRegistrationTtlDays: 7 });
    expect(errorOf({ DIRACX_SERVICE_AUTH_CLIENT_REGISTRATION_TTL_DAYS: '0' }).lines[0]).toContain(
      'expected an integer from 1 to 3650',
    );
  });
});
