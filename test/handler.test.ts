/**
 * Cross-cutting behaviour of the fetch handler: request ids, JSON 404s, the access log (one
 * line per request, never a token or query string), CORS and DiracX's client version check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from './harness/app.ts';

describe('createHandler', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.dispose());

  it('puts a generated request id on every response', async () => {
    const a = await app.fetch('/api/health/live');
    const b = await app.fetch('/nowhere');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('honours a sane incoming request id', async () => {
    const res = await app.fetch('/api/health/live', { headers: { 'x-request-id': 'proxy-1234.abc' } });
    expect(res.headers.get('x-request-id')).toBe('proxy-1234.abc');
  });

  it('replaces an incoming request id that could inject into logs', async () => {
    const res = await app.fetch('/api/health/live', { headers: { 'x-request-id': 'bad id {"level":"error"}' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown paths with a JSON 404 in DiracX shape', async () => {
    for (const path of ['/nowhere', '/api/nowhere', '/api/jobs/none']) {
      const res = await app.fetch(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({ detail: 'Not Found' });
    }
  });

  it('writes one access-log line per request with method, path, status, duration and request id', async () => {
    const before = app.logs.length;
    await app.fetch('/api/health/live?code=secret-code', {
      headers: { authorization: 'Bearer secret-token', 'x-request-id': 'log-test-1' },
    });
    const lines = app.logs.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/api/health/live', status: 200, request_id: 'log-test-1' });
    expect(typeof lines[0]?.duration_ms).toBe('number');
    const raw = JSON.stringify(app.logs.slice(before));
    expect(raw).not.toContain('secret-token');
    expect(raw).not.toContain('secret-code');
  });

  it('lets allowed browser origins read responses, exposing Content-Range', async () => {
    const res = await app.fetch('/api/health/live', { headers: { origin: 'http://localhost:8000' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8000');
    expect(res.headers.get('access-control-expose-headers')).toContain('Content-Range');
  });

  it('gives other origins no CORS grant', async () => {
    const res = await app.fetch('/api/health/live', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('DiracX-Client-Version check', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ options: { minClientVersion: '0.1.0' } });
  });
  afterAll(() => app.dispose());

  it('passes requests without the header (browsers, Swagger)', async () => {
    expect((await app.fetch('/api/health/live')).status).toBe(200);
  });

  it('passes a client at or above the minimum', async () => {
    for (const version of ['0.1.0', '0.1.1', '1.0.0a1']) {
      const res = await app.fetch('/api/health/live', { headers: { 'DiracX-Client-Version': version } });
      expect(res.status).toBe(200);
    }
  });

  it('refuses an older client with 400 and DiracX message naming the minimum', async () => {
    const res = await app.fetch('/api/health/live', { headers: { 'DiracX-Client-Version': '0.1.dev123' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      detail: 'Client version 0.1.dev123 is not compatible with the server. Upgrade to a version >= 0.1.0.',
    });
  });

  it('refuses an unparsable version with 400 naming it', async () => {
    const res = await app.fetch('/api/health/live', { headers: { 'DiracX-Client-Version': 'invalid.version' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: "Invalid version string: 'invalid.version'" });
  });

  it('still puts a request id on a refused request', async () => {
    const res = await app.fetch('/api/health/live', { headers: { 'DiracX-Client-Version': 'nope' } });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});
