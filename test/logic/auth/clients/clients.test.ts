/**
 * `resolveClient`: DiracX's own client with its configured redirects, a registered client
 * (touched on every resolution, gone once expired), a client ID metadata document (through an
 * injected fetch: no TLS in tests), and nothing for unknown ids; `isRedirectAllowed` applies
 * the loopback port rule to every kind.
 */
import { importCsrfKey } from '../../../../src/routes/auth/pages/csrf.ts';
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { registerClient } from '../../../../src/logic/auth/clients/client-registration.ts';
import {
  isRedirectAllowed,
  resolveClient,
  type ClientResolutionContext,
} from '../../../../src/logic/auth/clients/clients.ts';
import { createAuthFlowServices, DEFAULT_AUTH_FLOW_SETTINGS } from '../../../../src/logic/auth/flows/flow-context.ts';
import type { FetchLike } from '../../../../src/logic/auth/flows/idp-client.ts';
import { generateStateKey } from '../../../../src/logic/auth/flows/state.ts';
import { OAuthError } from '../../../../src/core/errors.ts';
import { createJsonLogger } from '../../../../src/core/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { FIXTURE_TIMEOUT_MS } from '../../../harness/login.ts';

const DAY_MS = 86_400_000;
const START = Date.parse('2026-06-01T12:00:00Z');
const CIMD_URL = 'https://client.example/oauth/client.json';

let db: TestDatabase;
let now = START;
let fetches = 0;
let ctx: ClientResolutionContext;

/** Injected fetch: serves one metadata document (there is no TLS in tests). */
const injectedFetch: FetchLike = async (input) => {
  fetches++;
  const url = String(input);
  if (url !== CIMD_URL && url !== 'https://client.example/bad.json') return new Response('not found', { status: 404 });
  return new Response(
    JSON.stringify({
      client_id: CIMD_URL,
      client_name: 'Document client',
      redirect_uris: ['https://client.example/cb', 'http://127.0.0.1/cb'],
    }),
    { headers: { 'content-type': 'application/json' } },
  );
};

beforeAll(async () => {
  db = await createTestDatabase();
  const services = createAuthFlowServices({
    settings: {
      ...DEFAULT_AUTH_FLOW_SETTINGS,
      diracClientId: 'myDIRACClientID',
      allowedRedirects: ['https://web.example/cb'],
      clientRegistrationTtlDays: 30,
    },
    stateKey: await generateStateKey(),
    csrfKey: await importCsrfKey(crypto.getRandomValues(new Uint8Array(32))),
    log: createJsonLogger('error'),
    now: () => new Date(now),
    fetch: injectedFetch,
  });
  ctx = { ...services, database: db.database };
}, FIXTURE_TIMEOUT_MS);
afterAll(() => db.dispose(), FIXTURE_TIMEOUT_MS);

describe('resolveClient', () => {
  it("resolves DiracX's own client with the configured redirects", async () => {
    expect(await resolveClient(ctx, 'myDIRACClientID')).toEqual({
      clientId: 'myDIRACClientID',
      clientName: undefined,
      redirectUris: ['https://web.example/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      kind: 'dirac',
    });
  });

  it('resolves a registered client, extending its registration, until it expires unused', async () => {
    const registered = await registerClient(
      ctx,
      { client_name: 'Cursor', redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/user-mcp/callback'] },
      new Date(now),
    );
    now = START + 29 * DAY_MS;
    expect(await resolveClient(ctx, registered.client_id)).toEqual({
      clientId: registered.client_id,
      clientName: 'Cursor',
      redirectUris: ['cursor://anysphere.cursor-retrieval/oauth/user-mcp/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      kind: 'registered',
    });
    now = START + 58 * DAY_MS; // 29 days after the last use
    expect((await resolveClient(ctx, registered.client_id))?.kind).toBe('registered');
    now = START + 89 * DAY_MS; // 31 days after the last use
    expect(await resolveClient(ctx, registered.client_id)).toBeUndefined();
    now = START;
  });

  it('injected fetch: resolves a client ID metadata document, fetching it once', async () => {
    const before = fetches;
    const first = await resolveClient(ctx, CIMD_URL);
    expect(first).toEqual({
      clientId: CIMD_URL,
      clientName: 'Document client',
      redirectUris: ['https://client.example/cb', 'http://127.0.0.1/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      kind: 'metadata-document',
    });
    expect(await resolveClient(ctx, CIMD_URL)).toEqual(first!);
    expect(fetches - before).toBe(1);
  });

  it('injected fetch: throws invalid_client naming the problem for an unusable document or URL', async () => {
    for (const [clientId, problem] of [
      ['https://client.example/bad.json', 'client_id is not the URL'],
      ['https://client.example/missing.json', 'HTTP 404'],
      ['http://client.example/oauth/client.json', 'must use https'],
    ] as const) {
      const err = await resolveClient(ctx, clientId).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OAuthError);
      expect(err).toMatchObject({ error: 'invalid_client' });
      expect((err as OAuthError).description).toContain(problem);
    }
  });

  it('returns undefined for unknown ids', async () => {
    expect(await resolveClient(ctx, 'someone-else')).toBeUndefined();
    expect(await resolveClient(ctx, crypto.randomUUID())).toBeUndefined();
    expect(await resolveClient(ctx, '')).toBeUndefined();
  });
});

describe('isRedirectAllowed', () => {
  it('allows registered URIs exactly, and loopback ones on any port', () => {
    const client = { redirectUris: ['https://client.example/cb', 'http://127.0.0.1/cb'] };
    expect(isRedirectAllowed(client, 'https://client.example/cb')).toBe(true);
    expect(isRedirectAllowed(client, 'http://127.0.0.1:49152/cb')).toBe(true);
    expect(isRedirectAllowed(client, 'http://127.0.0.1:49152/other')).toBe(false);
    expect(isRedirectAllowed(client, 'https://client.example/cb?x=1')).toBe(false);
  });
});
