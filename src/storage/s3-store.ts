/**
 * @module storage/s3-store
 * The object store on any S3-compatible server (AWS, MinIO, Ceph RGW, SeaweedFS, moto), over
 * `fetch` with SigV4 presigned URLs (path-style addressing, which all of them accept): uploads
 * are POST policies pinned to one size and SHA-256 as in DiracX's `core/s3.py`; downloads are
 * presigned GETs; existence is a presigned HEAD; deletion is one DELETE per key with retries
 * (the multi-object `?delete` call needs a Content-MD5 that Web Crypto cannot compute, and
 * not every S3 clone accepts the SHA-256 alternative). Store failures, and requests the store
 * does not answer in time, become `UnavailableError`.
 */
import { UnavailableError } from '../core/errors.ts';
import {
  hexToBase64,
  type DeleteResult,
  type ObjectStore,
  type PresignedUpload,
  type UploadSpec,
} from './object-store.ts';
import { presignUrl, signPostPolicy, uriEncode, type S3Credentials, type SigningScope } from './sigv4.ts';

export interface S3StoreOptions {
  /** `http(s)://host[:port][/prefix]`; AWS's regional endpoint when the settings give none. */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: S3Credentials;
  now?: () => Date;
  fetch?: (req: Request) => Promise<Response>;
  /** Parallel DELETE requests (DiracX's pool holds 50 connections). */
  deleteConcurrency?: number;
  /** How long one request to the store may take before it counts as unavailable (default 10 s). */
  requestTimeoutMs?: number;
}

const STORE_UNAVAILABLE = 'Sandbox store unavailable';

/**
 * The store is unavailable, and why, for the server log (`causeLogFields`: the fetch error's
 * class and code, or `HTTP_<status>` for an answer that is not a success); never for the client.
 */
function storeUnavailable(cause: unknown): UnavailableError {
  return new UnavailableError(STORE_UNAVAILABLE, undefined, { cause });
}

/** S3 answered, but not with a success. */
function answered(res: Response): Error {
  return Object.assign(new Error(`the store answered HTTP ${res.status}`), { code: `HTTP_${res.status}` });
}
/** How long the store's own internal URLs (HEAD, DELETE) are valid. */
const INTERNAL_URL_SECONDS = 60;
const DELETE_ATTEMPTS = 3;
/** A store that does not answer within this is treated as down (503), not waited for. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  readonly #opts: S3StoreOptions;
  readonly #base: string;
  readonly #now: () => Date;
  readonly #fetch: (req: Request) => Promise<Response>;

  constructor(options: S3StoreOptions) {
    if (!/^https?:\/\/[^/]+/.test(options.endpoint))
      throw new TypeError(`S3 endpoint must be an http(s) URL, got ${options.endpoint}`);
    this.#opts = options;
    this.#base = options.endpoint.replace(/\/+$/, '');
    this.#now = options.now ?? (() => new Date());
    this.#fetch = options.fetch ?? ((req) => fetch(req));
  }

  #scope(): SigningScope {
    return { credentials: this.#opts.credentials, region: this.#opts.region, now: this.#now() };
  }

  #url(key?: string): URL {
    const path = key === undefined ? '' : `/${uriEncode(key, true)}`;
    return new URL(`${this.#base}/${uriEncode(this.#opts.bucket, false)}${path}`);
  }

  async #send(method: 'HEAD' | 'PUT' | 'DELETE', url: URL, body?: string): Promise<Response> {
    const signed = await presignUrl(this.#scope(), { method, url, expiresInSeconds: INTERNAL_URL_SECONDS });
    try {
      const signal = AbortSignal.timeout(this.#opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
      const res = await this.#fetch(new Request(signed, { method, body, signal }));
      await res.body?.cancel();
      return res;
    } catch (err) {
      throw storeUnavailable(err);
    }
  }

  async presignUpload(key: string, spec: UploadSpec): Promise<PresignedUpload> {
    const fields = { 'x-amz-checksum-algorithm': 'sha256', 'x-amz-checksum-sha256': hexToBase64(spec.checksum) };
    const signed = await signPostPolicy(this.#scope(), {
      bucket: this.#opts.bucket,
      key,
      fields,
      conditions: [['content-length-range', spec.size, spec.size]],
      expiresInSeconds: spec.expiresInSeconds,
    });
    return { url: this.#url().toString(), fields: signed };
  }

  presignDownload(key: string, expiresInSeconds: number): Promise<string> {
    return presignUrl(this.#scope(), { method: 'GET', url: this.#url(key), expiresInSeconds });
  }

  /** The POST policy upload, made by this server: S3 checks the size and checksum as for a client's. */
  async put(key: string, data: Uint8Array, spec: Omit<UploadSpec, 'expiresInSeconds'>): Promise<void> {
    const upload = await this.presignUpload(key, { ...spec, expiresInSeconds: INTERNAL_URL_SECONDS });
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([data as Uint8Array<ArrayBuffer>]), 'file');
    let res: Response;
    try {
      const signal = AbortSignal.timeout(this.#opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
      res = await this.#fetch(new Request(upload.url, { method: 'POST', body: form, signal }));
      await res.body?.cancel();
    } catch (err) {
      throw storeUnavailable(err);
    }
    if (!res.ok) throw storeUnavailable(answered(res));
  }

  /** A presigned GET whose body streams to the caller; only waiting for the answer is timed. */
  async open(key: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const url = await this.presignDownload(key, INTERNAL_URL_SECONDS);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    let res: Response;
    try {
      res = await this.#fetch(new Request(url, { signal: abort.signal }));
    } catch (err) {
      throw storeUnavailable(err);
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw storeUnavailable(answered(res));
    }
    return res.body;
  }

  async exists(key: string): Promise<boolean> {
    const res = await this.#send('HEAD', this.#url(key));
    if (res.ok) return true;
    if (res.status === 404) return false;
    throw storeUnavailable(answered(res));
  }

  async #deleteOne(key: string): Promise<boolean> {
    for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt++) {
      const res = await this.#send('DELETE', this.#url(key)).catch(() => undefined);
      if (res && (res.ok || res.status === 404)) return true;
      if (attempt < DELETE_ATTEMPTS) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
    return false;
  }

  async deleteMany(keys: readonly string[]): Promise<DeleteResult> {
    const failed: string[] = [];
    const queue = [...keys];
    const worker = async (): Promise<void> => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        if (!(await this.#deleteOne(key))) failed.push(key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#opts.deleteConcurrency ?? 16, keys.length) }, worker));
    return { failed };
  }

  /**
   * Checks that the bucket exists, creating it when `autoCreate` (DiracX's
   * `SandboxStoreSettings.lifetime_function`). Called once at start.
   * @throws Error naming the bucket when it is missing and may not be created, or creation fails.
   */
  async ensureBucket(autoCreate: boolean): Promise<void> {
    const head = await this.#send('HEAD', this.#url());
    if (head.ok) return;
    if (head.status !== 404) throw new Error(`cannot check bucket ${this.#opts.bucket}: HTTP ${head.status}`);
    if (!autoCreate) throw new Error(`Bucket ${this.#opts.bucket} does not exist and auto_create_bucket is disabled`);
    // Outside us-east-1, S3 wants the region in the body.
    const body =
      this.#opts.region === 'us-east-1'
        ? undefined
        : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
          `<LocationConstraint>${this.#opts.region}</LocationConstraint></CreateBucketConfiguration>`;
    const created = await this.#send('PUT', this.#url(), body);
    if (!created.ok) throw new Error(`Failed to create bucket ${this.#opts.bucket}: HTTP ${created.status}`);
  }
}
