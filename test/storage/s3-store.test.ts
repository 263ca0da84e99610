/**
 * The S3 object store against a real S3-compatible server (moto, started by the test): bucket
 * check and auto-creation, the presigned POST upload exactly as DiracX's client sends it
 * (multipart: the fields, then the file), presigned download, HEAD and deletion. Skipped, with
 * the reason in the name, when moto is not installed, unless DIRACX_REQUIRE_S3_TESTS=1. A store
 * that refuses connections or answers an error is "unavailable", with the reason kept for the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { UnavailableError } from '../../src/core/errors.ts';
import { causeLogFields } from '../../src/db/driver-errors.ts';
import { S3ObjectStore } from '../../src/storage/s3-store.ts';
import { toHex } from '../../src/storage/object-store.ts';
import {
  MOTO_CREDENTIALS,
  MOTO_INSTALL,
  MOTO_REGION,
  motoAvailability,
  S3_TESTS_REQUIRED,
  startMoto,
  uniqueBucketName,
  type MotoServer,
} from '../harness/s3.ts';

const availability = motoAvailability();

if (!availability.available && !S3_TESTS_REQUIRED) {
  const skippedTitle = `S3ObjectStore (skipped: ${availability.reason}; set DIRACX_REQUIRE_S3_TESTS=1 to fail instead)`;
  describe.skip(skippedTitle, () => {
    it('uploads, downloads and deletes through a real S3 server', () => {});
  });
} else {
  describe('S3ObjectStore on moto', () => {
    let moto: MotoServer | undefined;
    const storeFor = (bucket: string): S3ObjectStore => {
      if (!moto) throw new Error('moto did not start');
      return new S3ObjectStore({ endpoint: moto.endpoint, bucket, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
    };
    let store: S3ObjectStore;

    beforeAll(async () => {
      if (!availability.available)
        throw new Error(`DIRACX_REQUIRE_S3_TESTS=1 but moto cannot run: ${availability.reason} (${MOTO_INSTALL})`);
      moto = await startMoto(availability.python);
      store = storeFor(uniqueBucketName());
      await store.ensureBucket(true);
    });
    afterAll(() => moto?.stop());

    async function upload(data: Uint8Array<ArrayBuffer>): Promise<{ key: string; status: number }> {
      const checksum = toHex(await crypto.subtle.digest('SHA-256', data));
      const key = `lhcb/lhcb_user/chaen/sha256:${checksum}.tar.zst`;
      const signed = await store.presignUpload(key, { checksum, size: data.length, expiresInSeconds: 300 });
      const form = new FormData();
      for (const [name, value] of Object.entries(signed.fields)) form.append(name, value);
      form.append('file', new Blob([data]), 'file');
      const res = await fetch(signed.url, { method: 'POST', body: form });
      return { key, status: res.status };
    }

    it('refuses to start on a missing bucket unless asked to create it', async () => {
      const bucket = uniqueBucketName('missing');
      await expect(storeFor(bucket).ensureBucket(false)).rejects.toThrow(
        `Bucket ${bucket} does not exist and auto_create_bucket is disabled`,
      );
      await storeFor(bucket).ensureBucket(true);
      await storeFor(bucket).ensureBucket(false);
    });

    it('uploads through the presigned POST and downloads the same bytes through the presigned GET', async () => {
      const data = crypto.getRandomValues(new Uint8Array(512));
      const { key, status } = await upload(data);
      expect(status).toBe(204);
      expect(await store.exists(key)).toBe(true);
      const res = await fetch(await store.presignDownload(key, 300));
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(data);
    });

    // (moto does not check a POST's checksum, so the refusal of wrong bytes is tested on the local store.)
    it('puts bytes through its own POST policy and streams them back', async () => {
      const data = crypto.getRandomValues(new Uint8Array(700));
      const checksum = toHex(await crypto.subtle.digest('SHA-256', data));
      const key = `lhcb/lhcb_user/chaen/sha256:${checksum}.tar.zst`;
      expect(await store.open(key)).toBeUndefined();
      await store.put(key, data, { checksum, size: data.length });
      expect(new Uint8Array(await new Response(await store.open(key)).arrayBuffer())).toEqual(data);
    });

    it('pins the upload policy to the exact size and checksum, as DiracX', async () => {
      const checksum = 'ab'.repeat(32);
      const signed = await store.presignUpload('k/e/y/sha256:x.tar.bz2', {
        checksum,
        size: 100,
        expiresInSeconds: 300,
      });
      const policy = JSON.parse(atob(signed.fields.policy!)) as { conditions: unknown[] };
      expect(policy.conditions).toContainEqual(['content-length-range', 100, 100]);
      expect(policy.conditions).toContainEqual({ 'x-amz-checksum-algorithm': 'sha256' });
      expect(policy.conditions).toContainEqual({
        'x-amz-checksum-sha256': 'q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=',
      });
      expect(signed.fields['x-amz-checksum-sha256']).toBe('q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=');
    });

    it('reports missing objects and deletes existing and missing keys alike', async () => {
      const { key } = await upload(crypto.getRandomValues(new Uint8Array(64)));
      expect(await store.exists('lhcb/nobody/none/sha256:00.tar.zst')).toBe(false);
      expect(await store.deleteMany([key, 'lhcb/nobody/none/sha256:00.tar.zst'])).toEqual({ failed: [] });
      expect(await store.exists(key)).toBe(false);
    });

    it('turns an unreachable store into UnavailableError', async () => {
      const dead = new S3ObjectStore({
        endpoint: 'http://127.0.0.1:9',
        bucket: 'sandboxes',
        region: MOTO_REGION,
        credentials: MOTO_CREDENTIALS,
      });
      await expect(dead.exists('a/b/c/d')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    });
  });
}

describe('S3ObjectStore when the store fails (no moto needed)', () => {
  const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const storeAt = (endpoint: string): S3ObjectStore =>
    new S3ObjectStore({ endpoint, bucket: 'sandboxes', region: 'us-east-1', credentials: CREDENTIALS });
  const failure = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => undefined,
      (err) => err,
    );

  it('answers "unavailable" and logs why: the refused connection', async () => {
    const idle = Bun.serve({ port: 0, fetch: () => new Response('') });
    const port = idle.port;
    await idle.stop(true);
    const err = await failure(storeAt(`http://127.0.0.1:${port}`).exists('a/key'));
    expect(err).toBeInstanceOf(UnavailableError);
    const logged = causeLogFields(err);
    expect(logged.cause).toMatchObject({ code: expect.any(String) });
    // The presigned URL (its signature) never reaches the log.
    expect(JSON.stringify(logged)).not.toContain('X-Amz-Signature');
  });

  it('answers "unavailable" and logs why: the status S3 answered', async () => {
    const failing = Bun.serve({ port: 0, fetch: () => new Response('<Error/>', { status: 503 }) });
    try {
      const err = await failure(storeAt(`http://127.0.0.1:${failing.port}`).exists('a/key'));
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as UnavailableError).detail).toBe('Sandbox store unavailable');
      expect(causeLogFields(err)).toEqual({ cause: { class: 'Error', code: 'HTTP_503' } });
    } finally {
      await failing.stop(true);
    }
  });
});
