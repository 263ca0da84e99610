/**
 * @module storage/from-settings
 * Builds the sandbox store of a process from its settings (process side: `src/server.ts` and
 * the clean-up CLI). With `DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS` set: the S3 store, whose
 * bucket is checked (and created when `DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET`) before the
 * server starts, as DiracX's `SandboxStoreSettings.lifetime_function` does. Otherwise: the
 * local store in `DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY` (default `<DIRACX_DATA_DIR>/sandboxes`;
 * in memory, like the database, for an in-memory data directory), signing its URLs with
 * `DIRACX_SANDBOX_STORE_LOCAL_SECRET` or a secret kept in that directory.
 */
import { join } from 'node:path';
import { IN_MEMORY } from '../db/open.ts';
import { decodeBase64Url } from '../logic/auth/encoding.ts';
import type { Logger } from '../core/logger.ts';
import type { SandboxDeps, SandboxStoreSettings } from '../logic/sandboxes/models.ts';
import type { Settings } from '../settings.ts';
import { FsBlobDirectory } from './fs-directory.ts';
import { importSigningSecret } from './local-signature.ts';
import { LocalObjectStore, MemoryBlobDirectory } from './local-store.ts';
import { S3ObjectStore } from './s3-store.ts';

/** The part of the settings the sandbox logic reads. */
export function sandboxStoreSettings(settings: Settings): SandboxStoreSettings {
  return {
    bucketName: settings.DIRACX_SANDBOX_STORE_BUCKET_NAME,
    seName: settings.DIRACX_SANDBOX_STORE_SE_NAME,
    urlValiditySeconds: settings.DIRACX_SANDBOX_STORE_URL_VALIDITY_SECONDS,
    maxSizeBytes: settings.DIRACX_SANDBOX_STORE_MAX_SIZE_BYTES,
  };
}

/**
 * The local store: on disk under the data directory (or the configured one), in memory with an
 * in-memory data directory.
 */
async function createLocalStore(
  settings: Settings,
  storeSettings: SandboxStoreSettings,
  log: Logger,
): Promise<LocalObjectStore> {
  const configured = settings.DIRACX_SANDBOX_STORE_LOCAL_SECRET;
  const path =
    settings.DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY ??
    (settings.DIRACX_DATA_DIR === IN_MEMORY ? undefined : join(settings.DIRACX_DATA_DIR, 'sandboxes'));
  const directory = path === undefined ? new MemoryBlobDirectory() : new FsBlobDirectory(path);
  const secret = configured
    ? decodeBase64Url(configured)
    : directory instanceof FsBlobDirectory
      ? await directory.signingSecret()
      : crypto.getRandomValues(new Uint8Array(32));
  if (!secret) throw new Error('DIRACX_SANDBOX_STORE_LOCAL_SECRET is not base64url');
  if (path === undefined)
    log.warn(
      'sandboxes are kept in memory (in-memory data directory); set DIRACX_SANDBOX_STORE_LOCAL_DIRECTORY to keep them',
    );
  log.info('sandbox store', { kind: 'local', path: path ?? 'memory', se: storeSettings.seName });
  return new LocalObjectStore({
    directory,
    signingKey: await importSigningSecret(new Uint8Array(secret)),
    maxSizeBytes: storeSettings.maxSizeBytes,
    maxConcurrentUploads: settings.DIRACX_SANDBOX_STORE_LOCAL_MAX_CONCURRENT_UPLOADS,
    publicUrl: settings.DIRACX_SANDBOX_STORE_LOCAL_PUBLIC_URL,
  });
}

/**
 * The store and settings to hand to `createHandler`.
 * @throws Error naming the problem (bucket missing and not to be created, store unreachable).
 */
export async function createSandboxDeps(settings: Settings, log: Logger): Promise<SandboxDeps> {
  const storeSettings = sandboxStoreSettings(settings);
  const kwargs = settings.DIRACX_SANDBOX_STORE_S3_CLIENT_KWARGS;
  if (kwargs) {
    const store = new S3ObjectStore({
      endpoint: kwargs.endpoint_url ?? `https://s3.${kwargs.region_name}.amazonaws.com`,
      bucket: storeSettings.bucketName,
      region: kwargs.region_name,
      credentials: {
        accessKeyId: kwargs.aws_access_key_id,
        secretAccessKey: kwargs.aws_secret_access_key,
        sessionToken: kwargs.aws_session_token,
      },
    });
    await store.ensureBucket(settings.DIRACX_SANDBOX_STORE_AUTO_CREATE_BUCKET);
    log.info('sandbox store', { kind: 's3', bucket: storeSettings.bucketName, se: storeSettings.seName });
    return { store, settings: storeSettings };
  }
  return { store: await createLocalStore(settings, storeSettings, log), settings: storeSettings };
}
