/**
 * @module storage/object-store
 * What the sandbox logic needs from an object store, and nothing more: presigned uploads
 * restricted to one exact size and SHA-256 (an S3 POST policy, as DiracX's
 * `core/s3.py:generate_presigned_upload`), presigned downloads, existence checks and bulk
 * deletion; and, for the MCP tools that pack and read sandboxes on the server, an upload under
 * the same conditions made by the server itself and a streamed read. Two implementations:
 * `s3-store.ts` (any S3-compatible server) and `local-store.ts` (a directory; this server accepts
 * the uploads and serves the downloads at URLs it signed).
 * Implementations are built by the process (`src/server.ts`) and injected: the request path
 * only ever sees this interface, so it stays Web-standard.
 */

/** What an upload must be: exactly `size` bytes whose SHA-256 is `checksum`. */
export interface UploadSpec {
  /** Hex SHA-256 of the content (64 hex digits, any case). */
  checksum: string;
  /** Exact size in bytes. */
  size: number;
  /** How long the signature is valid. */
  expiresInSeconds: number;
}

/** Where and how to POST the file: `multipart/form-data` with `fields`, then `file` last. */
export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
}

/** Where the caller reached this server, for stores that hand out URLs of their own. */
export interface UrlContext {
  /** `https://host[:port][/prefix]`: the request's public base URL (or the configured public URL). */
  origin: string;
}

/** The outcome of a bulk deletion: keys that could not be deleted stay for the next run. */
export interface DeleteResult {
  failed: string[];
}

/**
 * The local store's own endpoints, reached by the public upload/download routes: the URL's
 * signature is the credential, so these verify it before touching anything.
 */
export interface SignedTransfers {
  /**
   * Stores an upload made with the fields of a `presignUpload` answer.
   * The signature is checked before the file is read; the file streams to the store.
   * @throws ForbiddenError for a missing, tampered or expired signature;
   *         PayloadTooLargeError as soon as the file passes the promised size;
   *         InvalidInputError when it is shorter or has another checksum;
   *         UnavailableError when too many uploads are in progress.
   */
  receiveUpload(fields: Readonly<Record<string, string>>, file: ReadableStream<Uint8Array> | Blob): Promise<void>;
  /**
   * The object a `presignDownload` URL names (its query parameters).
   * @throws ForbiddenError for a bad or expired signature; NotFoundError when the object is gone.
   */
  openDownload(params: Readonly<Record<string, string>>): Promise<Blob>;
  /** Largest upload body accepted (size limit plus multipart overhead), checked before reading it. */
  readonly maxUploadBodyBytes: number;
}

export interface ObjectStore {
  /** For logs and readiness: `s3` or `local`. */
  readonly kind: 's3' | 'local';
  /** A signed upload that only accepts `spec.size` bytes with checksum `spec.checksum` at `key`. */
  presignUpload(key: string, spec: UploadSpec, where: UrlContext): Promise<PresignedUpload>;
  /** A URL that downloads `key` without credentials until it expires. */
  presignDownload(key: string, expiresInSeconds: number, where: UrlContext): Promise<string>;
  /** Whether `key` exists (S3 `HEAD`). @throws UnavailableError when the store cannot answer. */
  exists(key: string): Promise<boolean>;
  /** Deletes the keys; a key that does not exist counts as deleted. */
  deleteMany(keys: readonly string[]): Promise<DeleteResult>;
  /**
   * Stores `data` at `key` under the conditions of a presigned upload (exactly `spec.size` bytes
   * whose SHA-256 is `spec.checksum`). @throws UnavailableError when the store cannot take it.
   */
  put(key: string, data: Uint8Array, spec: Omit<UploadSpec, 'expiresInSeconds'>): Promise<void>;
  /**
   * The object at `key` as a stream (read as it is consumed, never held whole), or undefined when
   * there is none. @throws UnavailableError when the store cannot answer.
   */
  open(key: string): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Present when this server itself receives uploads and serves downloads (the local store). */
  readonly transfers?: SignedTransfers;
}

/** Hex to standard base64, as DiracX's `b16_to_b64` (the `x-amz-checksum-sha256` field). */
export function hexToBase64(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Lower-case hex of bytes. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Array.from(view, (b) => b.toString(16).padStart(2, '0')).join('');
}
