/**
 * Attack: open many slow uploads to the local store at once (each holds a file, disk bandwidth
 * and, if buffered, memory). At most DIRACX_SANDBOX_STORE_LOCAL_MAX_CONCURRENT_UPLOADS stream at
 * once; one more is refused with 503 and `Retry-After` without reading its file, and stores
 * nothing; the uploads in flight complete, and their slots serve the next uploads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createUploadWorld, postUpload, recordedBody, uploadChunks, type UploadWorld } from './local-upload.ts';

let world: UploadWorld;
beforeAll(async () => {
  world = await createUploadWorld({ maxConcurrentUploads: 2 });
});
afterAll(() => world.dispose());

const SIZE = 16 * 64 * 1024;

async function slowUpload(): Promise<{ key: string; release: () => void; response: Promise<Response> }> {
  const sb = await world.register(SIZE);
  const { chunks, contentType, length } = uploadChunks(sb.fields, sb.data);
  const body = recordedBody(chunks);
  body.holdAt(3); // the form head and two chunks of the file, then it stalls
  const response = postUpload(world.app, body.stream, contentType, length);
  await body.held;
  return { key: sb.key, release: () => body.release(), response };
}

describe('concurrent uploads to the local store', () => {
  it('are bounded: one more than the limit gets 503 with Retry-After, and the others complete', async () => {
    const slow = [await slowUpload(), await slowUpload()];

    const extra = await world.register(SIZE);
    const { chunks, contentType, length } = uploadChunks(extra.fields, extra.data);
    const body = recordedBody(chunks);
    const refused = await postUpload(world.app, body.stream, contentType, length);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toEqual({ detail: 'Too many sandbox uploads in progress; retry later' });
    expect(body.pulled).toBe(1);
    expect(await world.store.exists(extra.key)).toBe(false);

    for (const s of slow) s.release();
    expect((await Promise.all(slow.map((s) => s.response))).map((r) => r.status)).toEqual([204, 204]);
    for (const s of slow) expect(await world.store.exists(s.key)).toBe(true);

    const again = uploadChunks(extra.fields, extra.data);
    const retried = await postUpload(world.app, recordedBody(again.chunks).stream, again.contentType, again.length);
    expect(retried.status).toBe(204);
    expect(await world.store.exists(extra.key)).toBe(true);
  });

  it('frees the slot of an upload that failed', async () => {
    for (let i = 0; i < 3; i++) {
      const sb = await world.register(SIZE);
      const { chunks, contentType, length } = uploadChunks(sb.fields, new Uint8Array(SIZE));
      const res = await postUpload(world.app, recordedBody(chunks).stream, contentType, length);
      expect(res.status).toBe(400); // zeros: not the signed checksum
    }
    const sb = await world.register(SIZE);
    const { chunks, contentType, length } = uploadChunks(sb.fields, sb.data);
    expect((await postUpload(world.app, recordedBody(chunks).stream, contentType, length)).status).toBe(204);
  });
});
