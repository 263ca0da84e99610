/**
 * Dynamic client registration (RFC 7591) at the logic level: what public MCP clients send is
 * accepted (scope and unknown fields ignored), wrong metadata is refused with RFC 7591 errors,
 * and a registration expires when unused, is extended by every use and is deleted by the
 * clean-up (with an injected clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { cleanupExpiredAuthData } from '../../../../src/logic/auth/cleanup.ts';
import {
  registerClient,
  touchRegisteredClient,
  type RegistrationContext,
} from '../../../../src/logic/auth/clients/client-registration.ts';
import { DEFAULT_AUTH_FLOW_SETTINGS } from '../../../../src/logic/auth/flows/flow-context.ts';
import { OAuthError } from '../../../../src/core/errors.ts';
import { createJsonLogger } from '../../../../src/core/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { oauthClientNames } from '../../../harness/auth-rows.ts';
import { FIXTURE_TIMEOUT_MS } from '../../../harness/login.ts';

const DAY_MS = 86_400_000;
const START = new Date('2026-06-01T12:00:00Z');

let db: TestDatabase;
let clock: Date;
let ctx: RegistrationContext;
beforeAll(async () => {
  db = await createTestDatabase();
  clock = START;
  ctx = {
    database: db.database,
    settings: { ...DEFAULT_AUTH_FLOW_SETTINGS, clientRegistrationTtlDays: 30 },
    now: () => clock,
  };
}, FIXTURE_TIMEOUT_MS);
afterAll(() => db.dispose(), FIXTURE_TIMEOUT_MS);

async function refusal(metadata: unknown): Promise<OAuthError> {
  const err = await registerClient(ctx, metadata, START).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OAuthError)) throw new Error(`expected an OAuthError, got ${String(err)}`);
  return err;
}

describe('registerClient', () => {
  it('registers what Claude Code sends: a loopback redirect, scope ignored, both grants by default', async () => {
    const registered = await registerClient(
      ctx,
      {
        client_name: 'Claude Code (diracx)',
        redirect_uris: ['http://localhost:54545/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: 'openid profile email offline_access',
        software_id: 'claude-code',
      },
      START,
    );
    expect(registered).toEqual({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_id_issued_at: START.getTime() / 1000,
      client_name: 'Claude Code (diracx)',
      redirect_uris: ['http://localhost:54545/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect(registered).not.toHaveProperty('client_secret');
  });

  it('defaults everything but the redirect URIs and leaves client_name out when none is given', async () => {
    const registered = await registerClient(
      ctx,
      { redirect_uris: ['com.example.app:/cb', 'com.example.app:/cb'] },
      START,
    );
    expect(registered).not.toHaveProperty('client_name');
    expect(registered.redirect_uris).toEqual(['com.example.app:/cb']);
    expect(registered.grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  it('keeps a narrower grant list', async () => {
    const registered = await registerClient(
      ctx,
      { redirect_uris: ['https://a.example/cb'], grant_types: ['authorization_code'] },
      START,
    );
    expect(registered.grant_types).toEqual(['authorization_code']);
  });

  it.each([
    [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://a.example/cb#x'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: [] }, 'invalid_redirect_uri'],
    [{ redirect_uris: 'https://a.example/cb' }, 'invalid_redirect_uri'],
    [{}, 'invalid_redirect_uri'],
    [{ redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`) }, 'invalid_redirect_uri'],
    [
      { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'client_secret_basic' },
      'invalid_client_metadata',
    ],
    [
      { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
    ],
    [{ redirect_uris: ['https://a.example/cb'], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], grant_types: ['refresh_token'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], grant_types: [] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], client_name: 'x'.repeat(201) }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], client_name: 7 }, 'invalid_client_metadata'],
    [['https://a.example/cb'], 'invalid_client_metadata'],
    ['text', 'invalid_client_metadata'],
  ])('refuses %j with %s', async (metadata, error) => {
    const err = await refusal(metadata);
    expect(err.error).toBe(error);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.description).toBeTruthy();
  });
});

describe('registration expiry (injected clock)', () => {
  it('is not resolved past its lifetime, is extended by every use, and is deleted by the clean-up', async () => {
    const used = await registerClient(ctx, { client_name: 'used', redirect_uris: ['https://a.example/cb'] }, START);
    const unused = await registerClient(ctx, { client_name: 'unused', redirect_uris: ['https://a.example/cb'] }, START);

    clock = new Date(START.getTime() + 20 * DAY_MS);
    const touched = await touchRegisteredClient(ctx, used.client_id);
    expect(touched).toMatchObject({
      clientName: 'used',
      lastUsedAt: clock,
      expiresAt: new Date(clock.getTime() + 30 * DAY_MS),
    });

    clock = new Date(START.getTime() + 31 * DAY_MS);
    expect(await touchRegisteredClient(ctx, unused.client_id)).toBeUndefined();
    expect(await touchRegisteredClient(ctx, used.client_id)).toMatchObject({ clientId: used.client_id });

    const result = await cleanupExpiredAuthData({
      database: db.database,
      settings: DEFAULT_AUTH_FLOW_SETTINGS,
      now: () => clock,
      log: createJsonLogger('error'),
    });
    // Every client registered at START by the other tests expired too; only `used` was kept alive.
    expect(result.registeredClients).toBeGreaterThanOrEqual(1);
    expect(await oauthClientNames(db.database)).toEqual(['used']);
    clock = START;
  });

  it('does not look up ids that we cannot have issued', async () => {
    expect(await touchRegisteredClient(ctx, 'myDIRACClientID')).toBeUndefined();
    expect(await touchRegisteredClient(ctx, "x' or 1=1 --")).toBeUndefined();
  });
});
