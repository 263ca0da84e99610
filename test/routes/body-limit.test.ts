/**
 * Request bodies are bounded everywhere: past the limit, 413 with DiracX's detail body and
 * nothing is written, whether the size is declared (Content-Length) or streamed; the local
 * store's sandbox uploads may be as large as a sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LOCAL_UPLOAD_PATH, LocalObjectStore, MemoryBlobDirectory } from '../../src/storage/local-store.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { call, PEOPLE } from './jobs/harness.ts';
import { STORE_SETTINGS } from './sandboxes/app.ts';

const LIMIT = 8 * 1024;
let app: TestApp;
beforeAll(async () => {
  const store = new LocalObjectStore({
    directory: new MemoryBlobDirectory(),
    signingKey: await importSigningSecret(crypto.getRandomValues(new Uint8Array(32))),
    maxSizeBytes: 1024 * 1024,
  });
  app = await createTestApp({
    options: { maxBodyBytes: LIMIT },
    sandboxes: { store, settings: { ...STORE_SETTINGS, maxSizeBytes: 1024 * 1024 } },
  });
});
afterAll(() => app.dispose());

const jdls = (n: number): string =>
  JSON.stringify(Array.from({ length: n }, (_, i) => `[Executable = "echo"; JobName = "limit-${i}";]`));
const authorization = async (): Promise<string> => `Bearer ${await app.tokens.tokenFor(...PEOPLE.owner)}`;
const jobCount = async (): Promise<number> => {
  const res = await call(app, 'owner', 'POST', '/api/jobs/summary', { grouping: ['Owner'] });
  return (res.body as { count: number }[]).reduce((n, r) => n + r.count, 0);
};

describe('request body limits', () => {
  it('accept a body under the limit', async () => {
    const res = await app.fetch('/api/jobs/jdl', {
      method: 'POST',
      headers: { authorization: await authorization(), 'content-type': 'application/json' },
      body: jdls(5),
    });
    expect(res.status).toBe(201);
  });

  it('refuse a declared body over the limit with 413, and submit nothing', async () => {
    const before = await jobCount();
    const body = jdls(400);
    expect(body.length).toBeGreaterThan(LIMIT);
    const res = await app.fetch('/api/jobs/jdl', {
      method: 'POST',
      headers: { authorization: await authorization(), 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ detail: 'Request body too large' });
    expect(await jobCount()).toBe(before);
  });

  it('refuse a streamed body (no Content-Length) once it passes the limit', async () => {
    const before = await jobCount();
    const bytes = new TextEncoder().encode(jdls(400));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.subarray(i, i + 1024));
        controller.close();
      },
    });
    const res = await app.fetch('/api/jobs/jdl', {
      method: 'POST',
      headers: { authorization: await authorization(), 'content-type': 'application/json' },
      body: stream,
    });
    expect(res.status).toBe(413);
    expect(await jobCount()).toBe(before);
  });

  it('let a sandbox upload to the local store be larger than the general limit', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(64 * 1024)]), 'file');
    const res = await app.fetch(`${LOCAL_UPLOAD_PATH}?key=x`, { method: 'POST', body: form });
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });
});
