/**
 * Attack: escaping the login endpoints' rate limits by sending every attempt under a new
 * `client_id` (any string is accepted as one, and the limit was kept per client id and address,
 * so each made-up id got a fresh bucket). The token endpoint, revocation, device authorization
 * and authorization requests now also keep a budget per caller address: rotating client ids buys
 * at most `GROUP_BUDGET_FACTOR` times the limit, other addresses keep theirs, and a refused
 * attempt costs the attacker no slot of anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { GROUP_BUDGET_FACTOR } from '../../src/logic/auth/rate-limit.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

const TOKEN_LIMIT = 3;
const LOGIN_LIMIT = 2;
const ATTACKER = '192.0.2.66';
const BYSTANDER = '192.0.2.77';
/** Far more attempts than the address budget allows. */
const ATTEMPTS = 40;

let app: TestApp;
let clock = Date.parse('2026-12-01T10:00:00Z');

beforeAll(async () => {
  app = await createTestApp({
    flows: {
      settings: { tokenRateLimitPerMinute: TOKEN_LIMIT, loginRateLimitPerMinute: LOGIN_LIMIT },
      now: () => new Date(clock),
    },
  });
});
afterAll(() => app.dispose());

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** Calls `path` from `address` (the TCP peer, no proxy). */
const from = (address: string, path: string, init?: RequestInit): Promise<Response> =>
  app.handler(new Request(`http://test${path}`, init), { remoteAddress: address });

type Attempt = (clientId: string, address: string) => Promise<Response>;

const ENDPOINTS: { name: string; limit: number; attempt: Attempt }[] = [
  {
    name: 'the token endpoint (device-code polls)',
    limit: TOKEN_LIMIT,
    attempt: (clientId, address) =>
      from(
        address,
        '/api/auth/token',
        form({
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: `guess-${crypto.randomUUID()}`,
          client_id: clientId,
        }),
      ),
  },
  {
    name: 'refresh-token revocation',
    limit: TOKEN_LIMIT,
    attempt: (clientId, address) =>
      from(address, '/api/auth/revoke', form({ token: `guess-${crypto.randomUUID()}`, client_id: clientId })),
  },
  {
    name: 'device authorization',
    limit: LOGIN_LIMIT,
    attempt: (clientId, address) =>
      from(address, `/api/auth/device?client_id=${encodeURIComponent(clientId)}&scope=vo:lhcb`, { method: 'POST' }),
  },
  {
    name: 'authorization requests',
    limit: LOGIN_LIMIT,
    attempt: (clientId, address) =>
      from(
        address,
        `/api/auth/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}` +
          `&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&scope=vo:lhcb&state=s&code_challenge=${'a'.repeat(43)}` +
          '&code_challenge_method=S256',
      ),
  },
];

describe('rotating client_id per attempt', () => {
  for (const { name, limit, attempt } of ENDPOINTS) {
    it(`gets no more than the address budget at ${name}, and leaves other addresses alone`, async () => {
      clock += 120_000; // a fresh window for every endpoint
      const statuses: number[] = [];
      for (let i = 0; i < ATTEMPTS; i++)
        statuses.push((await attempt(`made-up-client-${crypto.randomUUID()}`, ATTACKER)).status);
      const served = statuses.filter((s) => s !== 429);
      expect(served.length).toBe(limit * GROUP_BUDGET_FACTOR);
      expect(statuses.slice(served.length).every((s) => s === 429)).toBe(true);
      // The refusal names when to come back.
      const refused = await attempt('yet-another-client', ATTACKER);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ detail: 'Too many requests' });
      // Another caller address has its own budget, untouched by the attack.
      expect((await attempt('made-up-client-bystander', BYSTANDER)).status).not.toBe(429);
      // After the window the attacker's address may try again.
      clock += 61_000;
      expect((await attempt(`made-up-client-${crypto.randomUUID()}`, ATTACKER)).status).not.toBe(429);
    });
  }

  it('still gives one client id its own limit within the address budget', async () => {
    clock += 120_000;
    const { attempt } = ENDPOINTS[0]!;
    const one = [];
    for (let i = 0; i < TOKEN_LIMIT + 1; i++) one.push((await attempt('limited-client', ATTACKER)).status);
    expect(one.filter((s) => s === 429)).toHaveLength(1);
    // A second, well-behaved client at the same address is not blocked by the first one's excess.
    expect((await attempt('other-client', ATTACKER)).status).not.toBe(429);
  });
});
