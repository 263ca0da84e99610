/**
 * `GET /api/config/` through the real handler: the configuration by alias (the caller's VO's
 * part), and the ETag / Last-Modified conditional-request matrix of DiracX's
 * `test_config_manager.py`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { servedView } from '../../src/config/served.ts';
import {
  ConfigStore,
  createConfigSnapshot,
  createRevisionSnapshot,
  type ConfigSnapshot,
} from '../../src/config/store.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

const MODIFIED = new Date('2026-11-20T10:00:00Z');
const MODIFIED_HTTP = 'Fri, 20 Nov 2026 10:00:00 GMT';

async function snapshotOf(text: string, modified = MODIFIED): Promise<ConfigSnapshot> {
  return createConfigSnapshot(Bun.YAML.parse(text), text, modified);
}

describe('GET /api/config/', () => {
  let app: TestApp;
  let snapshot: ConfigSnapshot;
  /** The ETag of lhcb's view of `snapshot`, what chaen is served. */
  let etag = '';
  let token = '';
  /** GET /api/config/ as chaen, with extra request headers. */
  const getConfig = (headers: Record<string, string> = {}): Promise<Response> =>
    app.fetch('/api/config/', { headers: { authorization: `Bearer ${token}`, ...headers } });
  beforeAll(async () => {
    snapshot = await snapshotOf(await Bun.file(DEFAULT_CONFIG_PATH).text());
    etag = (await servedView(snapshot, 'lhcb')).etag;
    app = await createTestApp({ config: new ConfigStore(snapshot) });
    token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen');
  });
  afterAll(() => app.dispose());

  it("serves the caller's VO's part of the configuration by alias with ETag and Last-Modified", async () => {
    const res = await getConfig();
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('last-modified')).toBe(MODIFIED_HTTP);
    const body = (await res.json()) as {
      Registry: Record<string, { DefaultGroup: string }>;
      Operations: Record<string, unknown>;
    };
    expect(body.Registry.lhcb?.DefaultGroup).toBe('lhcb_user');
    expect(Object.keys(body.Registry)).toEqual(['lhcb']);
    expect(Object.keys(body.Operations)).toEqual(['lhcb']);
  });

  it('uses a content hash as ETag, so the same file gives the same ETag', async () => {
    const again = await snapshotOf(await Bun.file(DEFAULT_CONFIG_PATH).text(), new Date());
    expect((await servedView(again, 'lhcb')).etag).toBe(etag);
    expect(etag).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers 304 with an empty body and the validators when If-None-Match is the ETag', async () => {
    const res = await getConfig({ 'if-none-match': etag });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('last-modified')).toBe(MODIFIED_HTTP);
  });

  it('accepts the quoted ETag form that RFC 9110 clients send', async () => {
    const res = await getConfig({ 'if-none-match': `"${etag}"` });
    expect(res.status).toBe(304);
  });

  it('answers 200 when If-None-Match names another ETag', async () => {
    const res = await getConfig({ 'if-none-match': 'stale-etag' });
    expect(res.status).toBe(200);
  });

  it('answers 304 when If-Modified-Since is strictly newer than Last-Modified', async () => {
    const res = await getConfig({ 'if-modified-since': 'Fri, 20 Nov 2026 10:00:01 GMT' });
    expect(res.status).toBe(304);
  });

  it('answers 200 when If-Modified-Since equals Last-Modified (DiracX only skips strictly newer)', async () => {
    const res = await getConfig({ 'if-modified-since': MODIFIED_HTTP });
    expect(res.status).toBe(200);
  });

  it('answers 200 when If-Modified-Since is older', async () => {
    const res = await getConfig({ 'if-modified-since': 'Thu, 19 Nov 2026 10:00:00 GMT' });
    expect(res.status).toBe(200);
  });

  it('ignores an unparsable If-Modified-Since', async () => {
    const res = await getConfig({ 'if-modified-since': 'yesterday' });
    expect(res.status).toBe(200);
  });

  it('answers 304 when If-None-Match is stale but If-Modified-Since newer, as DiracX falls through to it', async () => {
    // DiracX checks If-None-Match first, then falls through to If-Modified-Since.
    const res = await getConfig({ 'if-none-match': 'stale', 'if-modified-since': 'Sat, 21 Nov 2026 10:00:00 GMT' });
    expect(res.status).toBe(304);
  });

  it('refuses a request without a token with 401, DiracX detail and WWW-Authenticate', async () => {
    const res = await app.fetch('/api/config/');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ detail: 'Authorization header is missing' });
  });

  it('refuses an invalid token with 401 Invalid JWT', async () => {
    const res = await app.fetch('/api/config/', { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Invalid JWT' });
  });

  it('redirects the slash-less path to the canonical one with 307, as FastAPI does', async () => {
    const res = await app.fetch('/api/config');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('http://test/api/config/');
  });

  it('serves a new ETag after the configuration is replaced', async () => {
    const text = (await Bun.file(DEFAULT_CONFIG_PATH).text()).replace(
      'DefaultGroup: lhcb_user',
      'DefaultGroup: lhcb_prmgr',
    );
    const next = await snapshotOf(text, new Date('2026-11-21T10:00:00Z'));
    app.config.replace(next);
    const res = await getConfig({ 'if-none-match': etag });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe((await servedView(next, 'lhcb')).etag);
    expect(res.headers.get('etag')).not.toBe(etag);
    expect(res.headers.get('last-modified')).toBe('Sat, 21 Nov 2026 10:00:00 GMT');
    app.config.replace(snapshot);
  });

  it("serves a git repository's commit sha as the ETag of every VO's view, as DiracX", async () => {
    const sha = 'a'.repeat(40);
    const fromGit = createRevisionSnapshot(
      Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()),
      sha,
      new Date('2026-11-22T10:00:00.900Z'),
    );
    app.config.replace(fromGit);
    try {
      const res = await getConfig();
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(sha);
      expect(res.headers.get('last-modified')).toBe('Sun, 22 Nov 2026 10:00:00 GMT');
      expect(Object.keys(((await res.json()) as { Registry: object }).Registry)).toEqual(['lhcb']);
      const gridpp = await app.tokens.tokenFor('gridpp', 'gridpp_user', 'alice');
      const other = await app.fetch('/api/config/', { headers: { authorization: `Bearer ${gridpp}` } });
      expect(other.headers.get('etag')).toBe(sha);
      expect(Object.keys(((await other.json()) as { Registry: object }).Registry)).toEqual(['gridpp']);
      expect((await getConfig({ 'if-none-match': sha })).status).toBe(304);
      expect((await getConfig({ 'if-none-match': etag })).status).toBe(200);
    } finally {
      app.config.replace(snapshot);
    }
  });
});
