/**
 * Attack: probe `POST /api/auth/token` (client_credentials, client_secret_post and _basic) with
 * guessed client ids and learn which exist from how much work a refusal takes. Proved
 * structurally, not by timing: every refusal answers the same bytes and runs exactly one
 * PBKDF2 derivation with the same parameters, whether the client id exists (wrong secret),
 * does not, or exists without a secret (a private_key_jwt client), and nothing is issued.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, spyOn } from 'bun:test';
import { ConfigStore, createConfigSnapshot } from '../../src/config/store.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import {
  createServiceClientFixture,
  JWT_CLIENT,
  SECRET_CLIENT,
  type ServiceClientFixture,
} from '../harness/service-clients.ts';

let app: TestApp;
let fixture: ServiceClientFixture;
beforeAll(async () => {
  fixture = await createServiceClientFixture();
  const snapshot = await createConfigSnapshot(fixture.raw, JSON.stringify(fixture.raw), new Date());
  app = await createTestApp({ config: new ConfigStore(snapshot), flows: { settings: { tokenRateLimitPerMinute: 0 } } });
});
afterAll(() => app.dispose());

/** Every PBKDF2 derivation the process runs while the spy is installed, by its parameters. */
let derive: ReturnType<typeof spyOn<SubtleCrypto, 'deriveBits'>> | undefined;
afterEach(() => derive?.mockRestore());

interface Refusal {
  status: number;
  body: string;
  headers: [string, string][];
  /** The parameters of each PBKDF2 derivation the request ran. */
  derivations: string[];
}

/** Headers that differ per request whatever the request (ids, dates). */
const PER_REQUEST = new Set(['x-request-id', 'date']);

async function refusalOf(form: Record<string, string>, basic?: [string, string]): Promise<Refusal> {
  derive = spyOn(crypto.subtle, 'deriveBits');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${btoa(`${basic[0]}:${basic[1]}`)}`;
  const res = await app.fetch('/api/auth/token', {
    method: 'POST',
    headers,
    body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
  });
  const derivations = derive.mock.calls
    .map(([params]) => params as Pbkdf2Params)
    .filter((params) => params.name === 'PBKDF2')
    .map(
      (params) =>
        `${params.name}/${String(params.hash)}/${params.iterations}/${(params.salt as Uint8Array).byteLength}`,
    );
  derive.mockRestore();
  derive = undefined;
  return {
    status: res.status,
    body: await res.text(),
    headers: [...res.headers].filter(([name]) => !PER_REQUEST.has(name)).sort(),
    derivations,
  };
}

describe('client authentication at the token endpoint', () => {
  it('refuses an unknown client id with the answer and PBKDF2 work of a known one with a wrong secret', async () => {
    const known = await refusalOf({ client_id: SECRET_CLIENT, client_secret: 'wrong-secret' });
    expect(known.status).toBe(401);
    expect(JSON.parse(known.body)).toMatchObject({ error: 'invalid_client' });
    // The known client's hash is made with 1000 iterations (test/harness/service-clients.ts).
    expect(known.derivations).toEqual(['PBKDF2/SHA-256/1000/16']);

    const cases: [string, Record<string, string>, [string, string]?][] = [
      ['an unknown client id', { client_id: 'no-such-client', client_secret: 'wrong-secret' }],
      ['an unknown client id in HTTP Basic', {}, ['no-such-client', 'wrong-secret']],
      ['a known client id in HTTP Basic', {}, [SECRET_CLIENT, 'wrong-secret']],
      ['a client without a secret (private_key_jwt only)', { client_id: JWT_CLIENT, client_secret: 'wrong-secret' }],
    ];
    for (const [what, form, basic] of cases) {
      expect({ what, ...(await refusalOf(form, basic)) }).toEqual({ what, ...known });
    }
  });

  it('refuses a known and an unknown client id without a secret alike, with the same work', async () => {
    const known = await refusalOf({ client_id: SECRET_CLIENT });
    const unknown = await refusalOf({ client_id: 'no-such-client' });
    expect(known.status).toBe(401);
    expect(unknown).toEqual(known);
  });

  it('still issues a token for the right secret, after one derivation', async () => {
    derive = spyOn(crypto.subtle, 'deriveBits');
    const res = await app.fetch('/api/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SECRET_CLIENT,
        client_secret: fixture.secret,
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(derive.mock.calls.filter(([params]) => (params as Pbkdf2Params).name === 'PBKDF2')).toHaveLength(1);
  });
});
