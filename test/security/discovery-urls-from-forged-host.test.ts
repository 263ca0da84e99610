/**
 * Attack: a caller that is not one of our proxies sends `Host: evil.example` (and
 * `X-Forwarded-Host`, `-Proto`, `-Prefix`) to get discovery documents naming an endpoint of its
 * own (a cache in front of us would then hand the poisoned document to everyone: token
 * endpoint, authorization endpoint, JWKS). Discovery documents name only the configured public
 * URL (the issuer, the configured /mcp URL), or the public URL a trusted proxy
 * (`DIRACX_FORWARDED_ALLOW_IPS`) gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { TEST_ISSUER } from '../harness/auth.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

const DOCUMENTS = [
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-protected-resource/mcp',
  '/.well-known/oauth-protected-resource',
  '/.well-known/dirac-metadata',
];
const FORGED = {
  host: 'evil.example',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  'x-forwarded-prefix': '/evil',
};

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ flows: { settings: { trustedProxies: ['127.0.0.1'] } } });
});
afterAll(() => app.dispose());

/** Every string in `value` (deeply) that is an absolute URL. */
function urlsIn(value: unknown): string[] {
  if (typeof value === 'string') return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urlsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(urlsIn);
  return [];
}

async function documentAt(
  path: string,
  origin: string,
  headers: Record<string, string>,
  peer: string | undefined,
): Promise<unknown> {
  const res = await app.handler(new Request(`${origin}${path}`, { headers }), { remoteAddress: peer });
  expect({ path, status: res.status }).toEqual({ path, status: 200 });
  return res.json();
}

describe('discovery documents requested with a forged Host from a peer that is not our proxy', () => {
  it('name only the configured public URL', async () => {
    for (const peer of ['192.0.2.9', undefined]) {
      const seen: string[] = [];
      for (const path of DOCUMENTS) {
        const urls = urlsIn(await documentAt(path, 'http://evil.example', FORGED, peer));
        seen.push(...urls);
        for (const url of urls)
          expect({ path, url, ours: url.startsWith(`${TEST_ISSUER}/`) || url === TEST_ISSUER }).toEqual({
            path,
            url,
            ours: true,
          });
      }
      // The documents do name endpoints (so the check above checked something).
      expect(seen).toContain(`${TEST_ISSUER}/api/auth/token`);
      expect(seen).toContain(`${TEST_ISSUER}/.well-known/jwks.json`);
      expect(seen).toContain(`${TEST_ISSUER}/mcp`);
    }
  });
});

describe('discovery documents through a trusted proxy', () => {
  it('name the public URL the proxy gives', async () => {
    const viaProxy = { host: '127.0.0.1:8001', 'x-forwarded-host': 'diracx.example.org', 'x-forwarded-proto': 'https' };
    const doc = (await documentAt(
      '/.well-known/oauth-authorization-server',
      'http://127.0.0.1:8001',
      viaProxy,
      '127.0.0.1',
    )) as Record<string, unknown>;
    expect(doc.token_endpoint).toBe('https://diracx.example.org/api/auth/token');
    expect(doc.issuer).toBe(TEST_ISSUER);
  });
});
