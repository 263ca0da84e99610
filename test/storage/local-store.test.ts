/**
 * The local object store over a real directory: what `presignUpload` signs is what
 * `receiveUpload` accepts (exact size and SHA-256), signed downloads return the bytes, and
 * tampered, expired or unsigned requests are refused before anything is read or written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobDirectory } from '../../src/storage/fs-directory.ts';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { isSafeKey, LOCAL_DOWNLOAD_PATH, LOCAL_UPLOAD_PATH, LocalObjectStore } from '../../src/storage/local-store.ts';
import { toHex } from '../../src/storage/object-store.ts';

const ORIGIN = { origin: 'http://sandbox.test' };
let root: string;
let clock = new Date('2026-03-01T12:00:00Z');
let store: LocalObjectStore;
let directory: FsBlobDirectory;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-store-test-'));
  directory = new FsBlobDirectory(root);
  store = new LocalObjectStore({
    directory,
    signingKey: await importSigningSecret(await directory.signingSecret()),
    maxSizeBytes: 1024,
    now: () => clock,
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function sandbox(size = 64): Promise<{ data: Uint8Array<ArrayBuffer>; checksum: string; key: string }> {
  const data = crypto.getRandomValues(new Uint8Array(size));
  const checksum = toHex(await crypto.subtle.digest('SHA-256', data));
  return { data, checksum, key: `lhcb/lhcb_user/chaen/sha256:${checksum}.tar.zst` };
}

async function signedUpload(size = 64) {
  const sb = await sandbox(size);
  const upload = await store.presignUpload(
    sb.key,
    { checksum: sb.checksum, size: sb.data.length, expiresInSeconds: 300 },
    ORIGIN,
  );
  return { ...sb, upload };
}

describe('LocalObjectStore uploads', () => {
  it('signs an upload to this server with S3-like fields, and stores exactly the signed bytes', async () => {
    const { data, key, upload } = await signedUpload();
    expect(upload.url).toBe(`http://sandbox.test${LOCAL_UPLOAD_PATH}`);
    expect(upload.fields).toMatchObject({ key, 'x-amz-checksum-algorithm': 'sha256', 'x-diracx-size': '64' });
    expect(await store.exists(key)).toBe(false);
    await store.receiveUpload(upload.fields, new Blob([data]));
    expect(await store.exists(key)).toBe(true);
    expect(new Uint8Array(await (await directory.read(key))!.arrayBuffer())).toEqual(data);
  });

  it('refuses a file of another size than signed (a larger one as too large)', async () => {
    const { data, upload } = await signedUpload();
    await expect(store.receiveUpload(upload.fields, new Blob([data, new Uint8Array([1])]))).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    await expect(store.receiveUpload(upload.fields, new Blob([data.slice(1)]))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('refuses a file of the signed size with another checksum', async () => {
    const { data, key, upload } = await signedUpload();
    const other = data.slice();
    other[0] = (other[0]! + 1) % 256;
    await expect(store.receiveUpload(upload.fields, new Blob([other]))).rejects.toThrow('does not match the checksum');
    expect(await store.exists(key)).toBe(false);
  });

  it('refuses tampered fields', async () => {
    const { data, upload } = await signedUpload();
    const tampered = [
      { ...upload.fields, key: 'lhcb/lhcb_user/albdr/x.tar.zst' },
      { ...upload.fields, 'x-diracx-size': '65' },
      { ...upload.fields, 'x-diracx-expires': String(Number(upload.fields['x-diracx-expires']) + 3600) },
      { ...upload.fields, 'x-diracx-signature': '00'.repeat(32) },
      { ...upload.fields, 'x-diracx-signature': 'not hex' },
    ];
    for (const fields of tampered) {
      await expect(store.receiveUpload(fields, new Blob([data]))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const { 'x-diracx-signature': _dropped, ...unsigned } = upload.fields;
    await expect(store.receiveUpload(unsigned, new Blob([data]))).rejects.toThrow('Missing field x-diracx-signature');
  });

  it('refuses an upload after the URL expired', async () => {
    const { data, upload } = await signedUpload();
    const signedAt = clock;
    clock = new Date(signedAt.getTime() + 301_000);
    try {
      await expect(store.receiveUpload(upload.fields, new Blob([data]))).rejects.toThrow('The upload URL has expired');
    } finally {
      clock = signedAt;
    }
  });

  it('refuses the signature of another secret', async () => {
    const { data, upload } = await signedUpload();
    const stranger = new LocalObjectStore({
      directory,
      signingKey: await importSigningSecret(crypto.getRandomValues(new Uint8Array(32))),
      maxSizeBytes: 1024,
      now: () => clock,
    });
    await expect(stranger.receiveUpload(upload.fields, new Blob([data]))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('LocalObjectStore downloads', () => {
  it('serves the bytes at a signed URL until it expires', async () => {
    const { data, key, upload } = await signedUpload();
    await store.receiveUpload(upload.fields, new Blob([data]));
    const url = new URL(await store.presignDownload(key, 60, ORIGIN));
    expect(url.pathname).toBe(LOCAL_DOWNLOAD_PATH);
    const params = Object.fromEntries(url.searchParams);
    expect(new Uint8Array(await (await store.openDownload(params)).arrayBuffer())).toEqual(data);
    await expect(store.openDownload({ ...params, key: 'lhcb/lhcb_user/albdr/other' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const signedAt = clock;
    clock = new Date(signedAt.getTime() + 61_000);
    try {
      await expect(store.openDownload(params)).rejects.toThrow('The download URL has expired');
    } finally {
      clock = signedAt;
    }
  });

  it('answers not found for a signed URL of a deleted object', async () => {
    const { data, key, upload } = await signedUpload();
    await store.receiveUpload(upload.fields, new Blob([data]));
    const params = Object.fromEntries(new URL(await store.presignDownload(key, 60, ORIGIN)).searchParams);
    expect(await store.deleteMany([key, 'lhcb/never/stored/key'])).toEqual({ failed: [] });
    await expect(store.openDownload(params)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('uses the configured public URL instead of the request origin', async () => {
    const pinned = new LocalObjectStore({
      directory,
      signingKey: await importSigningSecret(await directory.signingSecret()),
      maxSizeBytes: 1024,
      publicUrl: 'https://diracx.example/',
    });
    expect(await pinned.presignDownload('a/b/c/d', 60, ORIGIN)).toStartWith(
      `https://diracx.example${LOCAL_DOWNLOAD_PATH}?`,
    );
  });
});

describe('the store directory', () => {
  it('accepts only relative keys without dot segments or dotfiles', () => {
    expect(isSafeKey('lhcb/lhcb_user/chaen/sha256:ab.tar.zst')).toBe(true);
    for (const key of [
      '../etc/passwd',
      'a/../b',
      '/abs/key',
      'a//b',
      '.url-signing-secret',
      'a/.hidden',
      'a\\b',
      'a\0b',
    ]) {
      expect({ key, safe: isSafeKey(key) }).toEqual({ key, safe: false });
    }
  });

  it('keeps one signing secret, readable only by the server user', async () => {
    const first = await directory.signingSecret();
    expect(first.length).toBe(32);
    expect(await new FsBlobDirectory(root).signingSecret()).toEqual(first);
    expect((await stat(join(root, '.url-signing-secret'))).mode & 0o777).toBe(0o600);
  });

  it('leaves no temporary file behind after writes', async () => {
    const { data, key, upload } = await signedUpload();
    await store.receiveUpload(upload.fields, new Blob([data]));
    const dir = join(root, key.split('/').slice(0, 3).join('/'));
    expect((await readdir(dir)).filter((name) => name.startsWith('.upload-'))).toEqual([]);
  });
});

describe('LocalObjectStore put and open (the server packing and reading sandboxes itself)', () => {
  it('stores bytes under the checksum they must have, and streams them back', async () => {
    const sb = await sandbox(300);
    await store.put(sb.key, sb.data, { checksum: sb.checksum, size: sb.data.length });
    const stream = await store.open(sb.key);
    expect(new Uint8Array(await new Response(stream).arrayBuffer())).toEqual(sb.data);
  });

  it('refuses bytes of another checksum or size, storing nothing', async () => {
    const sb = await sandbox(300);
    const other = await sandbox(300);
    await expect(store.put(sb.key, other.data, { checksum: sb.checksum, size: 300 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(store.put(sb.key, sb.data, { checksum: sb.checksum, size: 299 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    expect(await store.exists(sb.key)).toBe(false);
    expect(await store.open(sb.key)).toBeUndefined();
  });

  it('opens nothing outside the store', async () => {
    expect(await store.open('../escape')).toBeUndefined();
    await expect(store.put('../escape', new Uint8Array(1), { checksum: '00'.repeat(32), size: 1 })).rejects.toThrow();
  });
});
