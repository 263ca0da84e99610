/**
 * Attack: any token holder reads `GET /api/config/` to enumerate the other VOs of the
 * installation: their users, identity-provider subject ids, groups, operations settings and
 * service clients, or uses another VO's ETag to learn whether its part changed. Each caller is
 * served their own VO's part only (a document DiracX's `Config` model still accepts), never
 * `ServiceClients`, under an ETag of that document: another VO's ETag never matches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { parseConfig } from '../../src/config/parse.ts';
import { ConfigStore, createConfigSnapshot } from '../../src/config/store.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import {
  createServiceClientFixture,
  JWT_CLIENT,
  SECRET_CLIENT,
  type ServiceClientFixture,
} from '../harness/service-clients.ts';

const LHCB = ['lhcb', 'lhcb_user', 'chaen'] as const;
const GRIDPP = ['gridpp', 'gridpp_user', 'alice'] as const;
/** What of gridpp's part must never reach lhcb, and the other way round. */
const GRIDPP_SECRETS = [
  'gridpp',
  'alice',
  '784f55a0-1e9a-4376-9f02-720b1fcf6984',
  'gridpp_admin',
  'gridpp-agent',
  'diracx-dev-gridpp',
];
const LHCB_SECRETS = [
  'lhcb',
  'chaen',
  'b824d4dc-1f9d-4ee8-8df5-c0ae55d46041',
  'lhcb_admin',
  'lhcb-monitor',
  'diracx-dev-lhcb',
];

let app: TestApp;
let fixture: ServiceClientFixture;

/** The fixture's configuration (a service client in lhcb) with one in gridpp too, and `edit` applied. */
async function snapshotWith(edit: (raw: { Registry: Record<string, Record<string, unknown>> }) => void = () => {}) {
  const raw = structuredClone(fixture.raw) as { Registry: Record<string, Record<string, unknown>> };
  raw.Registry.gridpp!.ServiceClients = {
    'gridpp-agent': {
      Subject: '784f55a0-1e9a-4376-9f02-720b1fcf6984',
      Group: 'gridpp_user',
      ClientSecretHash: 'pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    },
  };
  edit(raw);
  const text = JSON.stringify(raw);
  return createConfigSnapshot(raw, text, new Date('2026-11-20T10:00:00Z'));
}

async function getConfig(who: readonly [string, string, string], headers: Record<string, string> = {}) {
  const token = await app.tokens.tokenFor(...who);
  const res = await app.fetch('/api/config/', { headers: { authorization: `Bearer ${token}`, ...headers } });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag') ?? '',
    text,
    body: text ? (JSON.parse(text) as Record<string, Record<string, unknown>>) : undefined,
  };
}

beforeAll(async () => {
  fixture = await createServiceClientFixture();
  app = await createTestApp({ config: new ConfigStore(await snapshotWith()) });
});
afterAll(() => app.dispose());

describe('GET /api/config/', () => {
  it("serves a user their own VO's registry and operations only, without service clients", async () => {
    // The configuration served from has service clients in both VOs, so their absence is the filter's doing.
    const { Registry } = app.config.current().config;
    expect(Object.keys(Registry.lhcb!.ServiceClients).sort()).toEqual([JWT_CLIENT, SECRET_CLIENT].sort());
    expect(Object.keys(Registry.gridpp!.ServiceClients)).toEqual(['gridpp-agent']);
    for (const [who, vo, secrets] of [
      [LHCB, 'lhcb', GRIDPP_SECRETS],
      [GRIDPP, 'gridpp', LHCB_SECRETS],
    ] as const) {
      const { status, body, text } = await getConfig(who);
      expect(status).toBe(200);
      expect(Object.keys(body!.Registry!)).toEqual([vo]);
      expect(Object.keys(body!.Operations!)).toEqual([vo]);
      for (const secret of secrets)
        expect({ vo, leaks: secret, found: text.includes(secret) }).toEqual({ vo, leaks: secret, found: false });
      expect(text).not.toContain('ServiceClients');
      expect(text).not.toContain('pbkdf2');
    }
  });

  it("keeps the caller's VO whole, and a document DiracX's Config model accepts", async () => {
    const { body } = await getConfig(LHCB);
    const lhcb = body!.Registry!.lhcb as {
      Users: Record<string, unknown>;
      Groups: Record<string, unknown>;
      DefaultGroup: string;
    };
    expect(Object.keys(lhcb.Users).length).toBe(4);
    expect(Object.keys(lhcb.Groups).sort()).toEqual(['lhcb_admin', 'lhcb_pilot', 'lhcb_prmgr', 'lhcb_user']);
    expect(lhcb.DefaultGroup).toBe('lhcb_user');
    // Our zod model is DiracX's `Config`: the served document validates as a configuration.
    const reparsed = parseConfig(body);
    expect(Object.keys(reparsed.Registry)).toEqual(['lhcb']);
  });

  it("gives each VO's document its own ETag: another VO's never matches", async () => {
    const lhcb = await getConfig(LHCB);
    const gridpp = await getConfig(GRIDPP);
    expect(lhcb.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(gridpp.etag).not.toBe(lhcb.etag);
    expect((await getConfig(LHCB, { 'if-none-match': gridpp.etag })).status).toBe(200);
    expect((await getConfig(GRIDPP, { 'if-none-match': lhcb.etag })).status).toBe(200);
    const own = await getConfig(LHCB, { 'if-none-match': lhcb.etag });
    expect([own.status, own.text, own.etag]).toEqual([304, '', lhcb.etag]);
  });

  it("does not tell one VO that another VO's part changed", async () => {
    const before = { lhcb: (await getConfig(LHCB)).etag, gridpp: (await getConfig(GRIDPP)).etag };
    app.config.replace(
      await snapshotWith((raw) => {
        const users = raw.Registry.gridpp!.Users as Record<string, unknown>;
        users['0b6f2c1e-2f9e-4a4e-9d0c-2a8f1d9e7c11'] = { PreferedUsername: 'carol' };
      }),
    );
    const after = { lhcb: (await getConfig(LHCB)).etag, gridpp: (await getConfig(GRIDPP)).etag };
    expect(after.lhcb).toBe(before.lhcb);
    expect(after.gridpp).not.toBe(before.gridpp);
    expect((await getConfig(LHCB, { 'if-none-match': before.lhcb })).status).toBe(304);
  });
});
