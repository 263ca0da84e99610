/**
 * Attack: POST large bodies to the local store's public upload endpoint with a forged, tampered
 * or expired signature (or no declared length), to make the server read and buffer them. The
 * signed fields come first in the form: the server reads them, refuses with 403 (411 for a body
 * without Content-Length) and never asks the body for a chunk past the first, which holds the
 * fields; nothing is stored and no temporary file is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createUploadWorld, postUpload, recordedBody, uploadChunks, type UploadWorld } from './local-upload.ts';

let world: UploadWorld;
beforeAll(async () => {
  world = await createUploadWorld();
});
afterAll(() => world.dispose());

const SIZE = 4 * 1024 * 1024;

async function attempt(
  fields: Record<string, string>,
  data: Uint8Array,
  declareLength = true,
): Promise<{ res: Response; pulled: number; chunks: number }> {
  const { chunks, contentType, length } = uploadChunks(fields, data);
  const body = recordedBody(chunks);
  const res = await postUpload(world.app, body.stream, contentType, declareLength ? length : undefined);
  return { res, pulled: body.pulled, chunks: body.chunks };
}

describe('an upload with a bad signature', () => {
  it('is refused with 403 after reading only the chunk holding the fields (tampered signature)', async () => {
    const sb = await world.register(SIZE);
    const forged = { ...sb.fields, 'x-diracx-signature': 'ab'.repeat(32) };
    const { res, pulled, chunks } = await attempt(forged, sb.data);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'Invalid upload signature' });
    expect(chunks).toBeGreaterThan(60);
    expect(pulled).toBe(1);
    expect(await world.store.exists(sb.key)).toBe(false);
    expect(await world.partialUploads()).toEqual([]);
  });

  it('is refused with 403 without reading the file when the signed size is changed', async () => {
    const sb = await world.register(SIZE);
    const { res, pulled } = await attempt({ ...sb.fields, 'x-diracx-size': String(100 * 1024 * 1024) }, sb.data);
    expect(res.status).toBe(403);
    expect(pulled).toBe(1);
    expect(await world.store.exists(sb.key)).toBe(false);
  });

  it('is refused with 403 without reading the file once the URL has expired', async () => {
    const sb = await world.register(SIZE);
    world.clock.offsetMs = 3600_000;
    try {
      const { res, pulled } = await attempt(sb.fields, sb.data);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ detail: 'The upload URL has expired' });
      expect(pulled).toBe(1);
    } finally {
      world.clock.offsetMs = 0;
    }
    expect(await world.store.exists(sb.key)).toBe(false);
    expect(await world.partialUploads()).toEqual([]);
  });

  it('is stored when the same fields are right: the refusals above were the signature', async () => {
    const sb = await world.register(SIZE);
    const { res, pulled, chunks } = await attempt(sb.fields, sb.data);
    expect(res.status).toBe(204);
    expect(pulled).toBe(chunks);
    expect(await world.store.exists(sb.key)).toBe(true);
  });
});

describe('an upload without Content-Length', () => {
  it('is refused with 411 before any of its body is read (not buffered by the body limit)', async () => {
    const sb = await world.register(SIZE);
    const { res, pulled } = await attempt(sb.fields, sb.data, false);
    expect(res.status).toBe(411);
    expect(pulled).toBe(0);
    expect(await world.store.exists(sb.key)).toBe(false);
  });
});
