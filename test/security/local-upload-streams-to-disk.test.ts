/**
 * Attack: send sandbox uploads as large as allowed (or larger than signed) so that the server
 * holds each whole in memory. The file streams to disk: while the body is still arriving, a
 * temporary file in the store directory already holds what came (the object itself is not
 * visible yet); the object appears only complete and with the signed checksum. A body longer
 * than signed is cut at the signed size with 413, without reading the rest, and leaves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createUploadWorld, postUpload, recordedBody, uploadChunks, type UploadWorld } from './local-upload.ts';

let world: UploadWorld;
beforeAll(async () => {
  world = await createUploadWorld();
});
afterAll(() => world.dispose());

const CHUNK = 64 * 1024;

/** Polls `check` until it holds or a few seconds passed (a liveness wait, not a timing assertion). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await Bun.sleep(50);
  }
  return false;
}

describe('a sandbox upload to the local store', () => {
  it('is on disk, in a temporary file, before its body has ended', async () => {
    const sb = await world.register(64 * CHUNK); // 4 MiB
    const { chunks, contentType, length } = uploadChunks(sb.fields, sb.data, CHUNK);
    const body = recordedBody(chunks);
    const half = 1 + 32; // the form head, then 32 chunks of the file
    body.holdAt(half);
    const response = postUpload(world.app, body.stream, contentType, length);
    await body.held;
    // The server asked for the second half: the first half is already written to disk.
    const onDisk = await eventually(async () =>
      (await world.partialUploads()).some((size) => size >= 32 * CHUNK - CHUNK),
    );
    const visibleEarly = await world.store.exists(sb.key);
    body.release();
    const res = await response;
    expect({ onDisk, visibleEarly }).toEqual({ onDisk: true, visibleEarly: false });
    expect(res.status).toBe(204);
    const stored = await Bun.file(`${world.root}/${sb.key}`).bytes();
    expect(stored.length).toBe(sb.data.length);
    expect(Bun.hash(stored)).toBe(Bun.hash(sb.data));
    expect(await world.partialUploads()).toEqual([]);
  });

  it('is cut at the signed size with 413 when the body is longer, without reading the rest', async () => {
    const sb = await world.register(4 * CHUNK);
    const longer = new Uint8Array(64 * CHUNK);
    longer.set(sb.data);
    const { chunks, contentType, length } = uploadChunks(sb.fields, longer, CHUNK);
    const body = recordedBody(chunks);
    const res = await postUpload(world.app, body.stream, contentType, length);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      detail: `The file is larger than the ${4 * CHUNK} bytes the upload URL allows`,
    });
    expect(body.pulled).toBeLessThanOrEqual(1 + 4 + 1);
    expect(await world.store.exists(sb.key)).toBe(false);
    expect(await world.partialUploads()).toEqual([]);
  });

  it('is refused (400) and leaves nothing when the bytes do not have the signed checksum', async () => {
    const sb = await world.register(8 * CHUNK);
    const other = sb.data.slice();
    other[other.length - 1] = (other[other.length - 1]! + 1) % 256;
    const { chunks, contentType, length } = uploadChunks(sb.fields, other, CHUNK);
    const res = await postUpload(world.app, recordedBody(chunks).stream, contentType, length);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'The file does not match the checksum of the upload URL' });
    expect(await world.store.exists(sb.key)).toBe(false);
    expect(await world.partialUploads()).toEqual([]);
  });
});
