/**
 * Attack: a `private_key_jwt` client assertion (RFC 7523) addressed to someone else's token
 * endpoint (`aud` = http://evil/api/auth/token: one the client was tricked into signing for
 * another server, the audience-injection attack) is replayed here with `Host: evil` and
 * `X-Forwarded-Host: evil`, even from a trusted proxy's address. Assertions are checked against
 * our token endpoint as derived from the configured issuer (`<issuer>/api/auth/token`) or the
 * issuer itself, never from the request's Host or forwarded headers; a refused assertion is
 * not recorded, so it consumes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { ConfigStore, createConfigSnapshot } from '../../src/config/store.ts';
import { JWT_BEARER_ASSERTION } from '../../src/logic/auth/clients/client-credentials.ts';
import { TEST_ISSUER } from '../harness/auth.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createServiceClientFixture, type ServiceClientFixture } from '../harness/service-clients.ts';

let app: TestApp;
let clients: ServiceClientFixture;
beforeAll(async () => {
  clients = await createServiceClientFixture();
  const snapshot = await createConfigSnapshot(clients.raw, JSON.stringify(clients.raw), new Date());
  app = await createTestApp({
    config: new ConfigStore(snapshot),
    flows: { settings: { trustedProxies: ['127.0.0.1'] } },
  });
});
afterAll(() => app.dispose());

/** A token request with `assertion`, to `origin` with `headers`, from the TCP peer `peer`. */
async function present(
  assertion: string,
  origin: string,
  headers: Record<string, string>,
  peer: string | undefined,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.handler(
    new Request(`${origin}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER_ASSERTION,
        client_assertion: assertion,
      }).toString(),
    }),
    { remoteAddress: peer },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const FORGED = { host: 'evil', 'x-forwarded-host': 'evil', 'x-forwarded-proto': 'http' };

describe('a client assertion addressed to another token endpoint', () => {
  it('is refused with invalid_client however the request names our host, from a trusted proxy or not', async () => {
    for (const peer of ['127.0.0.1', '192.0.2.9', undefined]) {
      const res = await present(await clients.assertion('http://evil/api/auth/token'), 'http://evil', FORGED, peer);
      expect({ peer, status: res.status, error: res.body.error }).toEqual({
        peer,
        status: 401,
        error: 'invalid_client',
      });
    }
  });

  it('consumes nothing: its jti is still free for a valid assertion', async () => {
    const jti = crypto.randomUUID();
    expect(
      (
        await present(
          await clients.assertion('http://evil/api/auth/token', { jti }),
          'http://evil',
          FORGED,
          '127.0.0.1',
        )
      ).status,
    ).toBe(401);
    expect(
      (await present(await clients.assertion(`${TEST_ISSUER}/api/auth/token`, { jti }), 'http://test', {}, undefined))
        .status,
    ).toBe(200);
  });
});

describe('a client assertion addressed to us', () => {
  it('is accepted for our token endpoint or our issuer, whatever host the request came through', async () => {
    for (const audience of [`${TEST_ISSUER}/api/auth/token`, TEST_ISSUER]) {
      for (const [origin, headers, peer] of [
        ['http://test', {}, undefined],
        ['http://127.0.0.1:8001', { 'x-forwarded-host': 'proxy.example', 'x-forwarded-proto': 'https' }, '127.0.0.1'],
      ] as const) {
        const res = await present(await clients.assertion(audience), origin, headers, peer);
        expect({ audience, origin, status: res.status }).toEqual({ audience, origin, status: 200 });
      }
    }
  });

  it('is refused for the URL a forged Host names, even one on our own path', async () => {
    const res = await present(await clients.assertion('http://test/api/auth/token'), 'http://test', {}, undefined);
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });
});
