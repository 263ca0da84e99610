/**
 * The sandbox settings (DiracX's DIRACX_SANDBOX_STORE_* names, plus ours for the local store)
 * and the store a process builds from them: the local store by default, in the configured
 * directory with a persistent secret; the S3 store when S3 client kwargs are given, which
 * refuses a missing bucket unless auto-creation is on. Wrong values name the variable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../../src/core/logger.ts';
import { parseSettings } from '../../src/settings.ts';
import { createSandboxDeps } from '../../src/storage/from-settings.ts';
import { LocalObjectStore } from '../../src/storage/local-store.ts';
import { toHex } from '../../src/storage/object-store.ts';
import { S3ObjectStore } from '../../src/storage/s3-store.ts';
import {
  MOTO_INSTALL,
  motoAvailability,
  S3_TESTS_REQUIRED,
  startMoto,
  uniqueBucketName,
  type MotoServer,
} from '../harness/s3.ts';

const log = createJsonLogger('error', () => {});
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sandbox-settings-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('sandbox settings', () => {
  it('default to DiracX values and the local store', () => {
    const s = parseSettings({});
    expect(s.DIRACX_SANDBOX_STORE_BUCKET_NAME).toBe('sandboxes');
    expect(s.DIRACX_SANDBOX_STORE_SE_NAME).toBe('SandboxSE');
    expect(s.DIRACX_SANDBOX_STORE_URL_VALIDITY_SECONDS).toBe(300);
    expect(s.DIRACX_SANDBOX_STORE_MAX_SIZE_BYTES).toBe(104857600);
    expect(s.DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET).toBe(false);
    expect(s.DIRACX_SANDBOX_STORE_CLEAN_AFTER_DAYS).toBe(15);
    expect(s.DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS).toBeUndefined();
  });

  it('read DiracX S3 client kwargs and pydantic-style booleans', () => {
    const s = parseSettings({
      DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS:
        '{"endpoint_url": "http://s3.test:9000", "aws_access_key_id": "a", "aws_secret_access_key": "b"}',
      DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET: 'True',
    });
    expect(s.DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS).toEqual({
      endpoint_url: 'http://s3.test:9000',
      aws_access_key_id: 'a',
      aws_secret_access_key: 'b',
      region_name: 'us-east-1',
    });
    expect(s.DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET).toBe(true);
  });

  it('name the variable of a wrong value and never echo the S3 secret', () => {
    expect(() => parseSettings({ DIRACX_SANDBOX_STORE_BUCKET_NAME: 'Bad_Bucket' })).toThrow(
      'DIRACX_SANDBOX_STORE_BUCKET_NAME="Bad_Bucket" is invalid',
    );
    expect(() => parseSettings({ DIRACX_SANDBOX_STORE_SE_NAME: 'Sandbox1' })).toThrow('DIRACX_SANDBOX_STORE_SE_NAME');
    expect(() => parseSettings({ DIRACX_SANDBOX_STORE_MAX_SIZE_BYTES: '0' })).toThrow(
      'DIRACX_SANDBOX_STORE_MAX_SIZE_BYTES',
    );
    const secret = '{"aws_access_key_id": "a", "aws_secret_access_key": "TOPSECRET", "endpoint_url": "ftp://x"}';
    let message = '';
    try {
      parseSettings({ DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS: secret });
    } catch (err) {
      message = String(err);
    }
    expect(message).toContain('DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS=<redacted>');
    expect(message).not.toContain('TOPSECRET');
    expect(() => parseSettings({ DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS: 'not json' })).toThrow(
      'expected a JSON object',
    );
  });
});

describe('createSandboxDeps', () => {
  it('builds the local store in the configured directory, signing with a secret kept there', async () => {
    const dir = join(root, 'store');
    const settings = parseSettings({
      DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: dir,
      DIRACX_SANDBOX_STORE_URL_VALIDITY_SECONDS: '60',
    });
    const first = await createSandboxDeps(settings, log);
    expect(first.store).toBeInstanceOf(LocalObjectStore);
    expect(first.settings).toEqual({
      bucketName: 'sandboxes',
      seName: 'SandboxSE',
      urlValiditySeconds: 60,
      maxSizeBytes: 104857600,
    });
    // A second process on the same directory accepts the first one's URLs.
    const second = await createSandboxDeps(settings, log);
    const url = new URL(await first.store.presignDownload('a/b/c/d', 60, { origin: 'http://x' }));
    await expect(second.store.transfers!.openDownload(Object.fromEntries(url.searchParams))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('keeps sandboxes in memory with an in-memory data directory', async () => {
    const { store } = await createSandboxDeps(parseSettings({ DIRACX_DATA_DIR: 'memory://' }), log);
    const data = new Uint8Array([1, 2, 3]);
    const checksum = toHex(await crypto.subtle.digest('SHA-256', data));
    const upload = await store.presignUpload(
      'a/b/c/d',
      { checksum, size: 3, expiresInSeconds: 60 },
      { origin: 'http://x' },
    );
    await store.transfers!.receiveUpload(upload.fields, new Blob([data]));
    const url = new URL(await store.presignDownload('a/b/c/d', 60, { origin: 'http://x' }));
    expect(
      new Uint8Array(await (await store.transfers!.openDownload(Object.fromEntries(url.searchParams))).arrayBuffer()),
    ).toEqual(data);
  });

  it('uses the configured local secret', async () => {
    const settings = parseSettings({
      DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: join(root, 'other'),
      DIRACX_SANDBOX_STORE_LOCAL_SECRET: 'A'.repeat(43),
    });
    const a = await createSandboxDeps(settings, log);
    const b = await createSandboxDeps({ ...settings, DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY: join(root, 'third') }, log);
    const url = new URL(await a.store.presignDownload('a/b/c/d', 60, { origin: 'http://x' }));
    await expect(b.store.transfers!.openDownload(Object.fromEntries(url.searchParams))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  const moto = motoAvailability();
  if (!moto.available && !S3_TESTS_REQUIRED) {
    it.skip(`builds the S3 store (skipped: ${moto.reason}; set DIRACX_REQUIRE_S3_TESTS=1 to fail instead)`, () => {});
  } else {
    it('builds the S3 store, refusing a missing bucket unless auto-creation is on', async () => {
      if (!moto.available)
        throw new Error(`DIRACX_REQUIRE_S3_TESTS=1 but moto cannot run: ${moto.reason} (${MOTO_INSTALL})`);
      let server: MotoServer | undefined;
      try {
        server = await startMoto(moto.python);
        const bucket = uniqueBucketName();
        const env = {
          DIRACX_SANDBOX_STORE_BUCKET_NAME: bucket,
          DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS: JSON.stringify({
            endpoint_url: server.endpoint,
            aws_access_key_id: 'a',
            aws_secret_access_key: 'b',
          }),
        };
        await expect(createSandboxDeps(parseSettings(env), log)).rejects.toThrow(
          `Bucket ${bucket} does not exist and auto_create_bucket is disabled`,
        );
        const deps = await createSandboxDeps(
          parseSettings({ ...env, DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET: 'true' }),
          log,
        );
        expect(deps.store).toBeInstanceOf(S3ObjectStore);
        expect(await deps.store.exists('no/such/key/here')).toBe(false);
      } finally {
        await server?.stop();
      }
    });
  }
});
