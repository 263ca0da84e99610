/**
 * @module storage/local-store
 * The default object store when no S3 is configured: objects in a directory, and this server
 * in the role of S3. `presignUpload` returns a URL on this server and form fields carrying an
 * HMAC grant (key, exact size, SHA-256, expiry), so DiracX's client posts the same multipart
 * form it posts to S3; `receiveUpload` checks the grant before reading any byte of the file,
 * then streams the file into the directory, hashing it and refusing it as soon as it passes
 * the signed size; it becomes visible only once its size and checksum are right. At most
 * `maxConcurrentUploads` uploads stream at once (503 with `Retry-After` beyond). Downloads are
 * signed, expiring URLs on this server. The directory itself is behind `BlobDirectory` (on
 * disk: `fs-directory.ts`; in memory: `MemoryBlobDirectory` below), so this module stays
 * Web-standard.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  UnavailableError,
} from '../core/errors.ts';
import { signDownload, signUpload, verifyDownload, verifyUpload, type UploadGrant } from './local-signature.ts';
import {
  hexToBase64,
  type DeleteResult,
  type ObjectStore,
  type PresignedUpload,
  type SignedTransfers,
  type UploadSpec,
  type UrlContext,
} from './object-store.ts';

/** Where the local store's public routes live (`src/routes/jobs/sandboxes.ts`). */
export const LOCAL_UPLOAD_PATH = '/api/jobs/sandbox/local-store/upload';
export const LOCAL_DOWNLOAD_PATH = '/api/jobs/sandbox/local-store/download';

/** An object being written: invisible until `commit`, gone after `abort`. */
export interface BlobWriter {
  /** Appends `chunk` (on disk: written before this resolves, so memory holds one chunk). */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the object visible at its key atomically (readers see the old or the whole new one). */
  commit(): Promise<void>;
  /** Discards what was written. */
  abort(): Promise<void>;
}

/** Bytes by key: a directory on disk in production. Keys are checked by the store first. */
export interface BlobDirectory {
  /** Starts writing the object at `key` (on disk: a temporary file next to it). */
  create(key: string): Promise<BlobWriter>;
  read(key: string): Promise<Blob | undefined>;
  exists(key: string): Promise<boolean>;
  /** Removes `key`; a missing key is not an error. */
  remove(key: string): Promise<void>;
}

export interface LocalStoreOptions {
  directory: BlobDirectory;
  /** HMAC key from `importSigningSecret`. */
  signingKey: CryptoKey;
  /** Largest object accepted. */
  maxSizeBytes: number;
  /** Uploads streaming at once; more are refused with 503 and `Retry-After` (default 8). */
  maxConcurrentUploads?: number | undefined;
  /** Public base URL of this server; the request's public base URL when unset. */
  publicUrl?: string | undefined;
  now?: () => Date;
}

/** Multipart boundaries, headers and the form fields around the file. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 8;
/** When a refused upload may try again: long enough for a sandbox of a few MB to go through. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/** Keys are `<vo>/<group>/<user>/<alg>:<checksum>.<format>`: relative, no dot segments, no dotfiles. */
export function isSafeKey(key: string): boolean {
  return (
    key.length <= 1024 &&
    key.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !/[\\\0]/.test(part))
  );
}

function requireField(fields: Readonly<Record<string, string>>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === '') throw new ForbiddenError(`Missing field ${name}`);
  return value;
}

function integerField(fields: Readonly<Record<string, string>>, name: string): number {
  const value = requireField(fields, name);
  if (!/^\d{1,15}$/.test(value)) throw new ForbiddenError(`Invalid field ${name}`);
  return Number(value);
}

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

export class LocalObjectStore implements ObjectStore, SignedTransfers {
  readonly kind = 'local';
  readonly maxUploadBodyBytes: number;
  readonly #opts: LocalStoreOptions;
  readonly #now: () => Date;
  readonly #maxUploads: number;
  #uploading = 0;

  constructor(options: LocalStoreOptions) {
    this.#opts = options;
    this.#now = options.now ?? (() => new Date());
    this.maxUploadBodyBytes = options.maxSizeBytes + FORM_OVERHEAD_BYTES;
    this.#maxUploads = options.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS;
    if (!Number.isInteger(this.#maxUploads) || this.#maxUploads < 1)
      throw new TypeError('maxConcurrentUploads must be a positive integer');
  }

  get transfers(): SignedTransfers {
    return this;
  }

  #base(where: UrlContext): string {
    return (this.#opts.publicUrl ?? where.origin).replace(/\/+$/, '');
  }

  #expiry(seconds: number): number {
    return Math.floor(this.#now().getTime() / 1000) + seconds;
  }

  async presignUpload(key: string, spec: UploadSpec, where: UrlContext): Promise<PresignedUpload> {
    const grant = {
      key,
      size: spec.size,
      checksum: hexToBase64(spec.checksum),
      expires: this.#expiry(spec.expiresInSeconds),
    };
    const fields = {
      'x-amz-checksum-algorithm': 'sha256',
      'x-amz-checksum-sha256': grant.checksum,
      key,
      'x-diracx-size': String(grant.size),
      'x-diracx-expires': String(grant.expires),
      'x-diracx-signature': await signUpload(this.#opts.signingKey, grant),
    };
    return { url: `${this.#base(where)}${LOCAL_UPLOAD_PATH}`, fields };
  }

  async presignDownload(key: string, expiresInSeconds: number, where: UrlContext): Promise<string> {
    const grant = { key, expires: this.#expiry(expiresInSeconds) };
    const query = new URLSearchParams({
      key,
      expires: String(grant.expires),
      signature: await signDownload(this.#opts.signingKey, grant),
    });
    return `${this.#base(where)}${LOCAL_DOWNLOAD_PATH}?${query.toString()}`;
  }

  exists(key: string): Promise<boolean> {
    return isSafeKey(key) ? this.#opts.directory.exists(key) : Promise.resolve(false);
  }

  async deleteMany(keys: readonly string[]): Promise<DeleteResult> {
    const failed: string[] = [];
    for (const key of keys) {
      if (!isSafeKey(key)) continue; // nothing can have been stored under it
      await this.#opts.directory.remove(key).catch(() => failed.push(key));
    }
    return { failed };
  }

  async put(key: string, data: Uint8Array, spec: Omit<UploadSpec, 'expiresInSeconds'>): Promise<void> {
    if (!isSafeKey(key)) throw new InvalidInputError('Invalid object key');
    const grant = { key, size: spec.size, checksum: hexToBase64(spec.checksum), expires: 0 };
    await this.#store(grant, new Blob([data as Uint8Array<ArrayBuffer>]).stream());
  }

  async open(key: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const blob = isSafeKey(key) ? await this.#opts.directory.read(key) : undefined;
    return blob?.stream();
  }

  async receiveUpload(
    fields: Readonly<Record<string, string>>,
    file: ReadableStream<Uint8Array> | Blob,
  ): Promise<void> {
    if (requireField(fields, 'x-amz-checksum-algorithm') !== 'sha256')
      throw new ForbiddenError('Invalid field x-amz-checksum-algorithm');
    const grant = {
      key: requireField(fields, 'key'),
      size: integerField(fields, 'x-diracx-size'),
      checksum: requireField(fields, 'x-amz-checksum-sha256'),
      expires: integerField(fields, 'x-diracx-expires'),
    };
    await verifyUpload(this.#opts.signingKey, grant, requireField(fields, 'x-diracx-signature'), this.#now());
    if (!isSafeKey(grant.key)) throw new ForbiddenError('Invalid field key');
    if (this.#uploading >= this.#maxUploads) {
      await (file instanceof Blob ? undefined : file.cancel().catch(() => undefined));
      throw new UnavailableError('Too many sandbox uploads in progress; retry later', BUSY_RETRY_AFTER_SECONDS);
    }
    this.#uploading++;
    try {
      await this.#store(grant, file instanceof Blob ? file.stream() : file);
    } finally {
      this.#uploading--;
    }
  }

  /**
   * Streams `file` into the directory under the S3 POST policy's conditions: content-length-range
   * [size, size] (refused as soon as it passes the size) and the checksum, checked at the end.
   */
  async #store(grant: UploadGrant, file: ReadableStream<Uint8Array>): Promise<void> {
    const reader = file.getReader();
    const writer = await this.#opts.directory.create(grant.key);
    const hash = sha256.create();
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > grant.size)
          throw new PayloadTooLargeError(`The file is larger than the ${grant.size} bytes the upload URL allows`);
        hash.update(value);
        await writer.write(value);
      }
      if (size !== grant.size)
        throw new InvalidInputError(`The file is ${size} bytes; the upload URL allows exactly ${grant.size}`);
      if (toBase64(hash.digest()) !== grant.checksum)
        throw new InvalidInputError('The file does not match the checksum of the upload URL');
      await writer.commit();
    } catch (err) {
      await writer.abort();
      await reader.cancel().catch(() => undefined);
      throw err;
    }
  }

  async openDownload(params: Readonly<Record<string, string>>): Promise<Blob> {
    const grant = { key: requireField(params, 'key'), expires: integerField(params, 'expires') };
    await verifyDownload(this.#opts.signingKey, grant, requireField(params, 'signature'), this.#now());
    const blob = isSafeKey(grant.key) ? await this.#opts.directory.read(grant.key) : undefined;
    if (!blob) throw new NotFoundError('Sandbox not found');
    return blob;
  }
}

/**
 * Bytes in memory: for a server whose data directory is in memory (`memory://`, development
 * and tests) and no store directory is set. Gone with the process, never shared.
 */
export class MemoryBlobDirectory implements BlobDirectory {
  readonly #objects = new Map<string, Uint8Array<ArrayBuffer>>();

  async create(key: string): Promise<BlobWriter> {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    return {
      write: async (chunk) => void chunks.push(chunk.slice()), // a copy: the caller may reuse its buffer
      commit: async () => void this.#objects.set(key, new Uint8Array(await new Blob(chunks).arrayBuffer())),
      abort: async () => void chunks.splice(0),
    };
  }

  async read(key: string): Promise<Blob | undefined> {
    const data = this.#objects.get(key);
    return data ? new Blob([data]) : undefined;
  }

  async exists(key: string): Promise<boolean> {
    return this.#objects.has(key);
  }

  async remove(key: string): Promise<void> {
    this.#objects.delete(key);
  }
}
