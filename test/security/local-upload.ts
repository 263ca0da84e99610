/**
 * The local sandbox store's upload endpoint under attack: the real handler over a store in a
 * temporary directory, sandboxes registered as a user would (`POST /api/jobs/sandbox`), and
 * upload bodies built as streams whose every pull is recorded and can be held back, so a test
 * sees how much of a body the server read and what is on disk while the body is in flight.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobDirectory } from '../../src/storage/fs-directory.ts';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LOCAL_UPLOAD_PATH, LocalObjectStore } from '../../src/storage/local-store.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { call } from '../routes/jobs/harness.ts';
import { makeSandbox, STORE_SETTINGS, type Sandbox } from '../routes/sandboxes/app.ts';

export interface UploadWorld {
  app: TestApp;
  store: LocalObjectStore;
  /** The store directory. */
  root: string;
  /** The store's clock offset (signatures and their expiry). */
  clock: { offsetMs: number };
  /** A fresh sandbox of `size` random bytes registered by chaen: its bytes and the signed form fields. */
  register(size: number): Promise<Sandbox & { fields: Record<string, string>; key: string }>;
  /** Sizes of the temporary files of uploads in flight, anywhere in the store. */
  partialUploads(): Promise<number[]>;
  dispose(): Promise<void>;
}

export async function createUploadWorld(options: { maxConcurrentUploads?: number } = {}): Promise<UploadWorld> {
  const root = await mkdtemp(join(tmpdir(), 'upload-attack-'));
  const directory = new FsBlobDirectory(root);
  const clock = { offsetMs: 0 };
  const store = new LocalObjectStore({
    directory,
    signingKey: await importSigningSecret(await directory.signingSecret()),
    maxSizeBytes: STORE_SETTINGS.maxSizeBytes,
    maxConcurrentUploads: options.maxConcurrentUploads,
    now: () => new Date(Date.now() + clock.offsetMs),
  });
  const app = await createTestApp({ sandboxes: { store, settings: STORE_SETTINGS } });
  return {
    app,
    store,
    root,
    clock,
    async register(size) {
      const sandbox = await makeSandbox(size);
      const res = await call(app, 'owner', 'POST', '/api/jobs/sandbox', sandbox.info);
      if (res.status !== 200) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
      const { url, fields } = res.body as { url: string; fields: Record<string, string> };
      if (new URL(url).pathname !== LOCAL_UPLOAD_PATH) throw new Error(`not a local-store URL: ${url}`);
      return { ...sandbox, fields, key: fields.key! };
    },
    async partialUploads() {
      const names = await readdir(root, { recursive: true });
      const partial = names.filter((n) => n.split('/').at(-1)!.startsWith('.upload-'));
      return Promise.all(partial.map(async (n) => (await stat(join(root, n)).catch(() => ({ size: -1 }))).size));
    },
    async dispose() {
      await app.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

const BOUNDARY = 'diracx-attack-boundary';
const encoder = new TextEncoder();

/** The multipart form DiracX's client posts: the fields, then the file, then the closing delimiter. */
export function formParts(fields: Record<string, string>): { head: Uint8Array; tail: Uint8Array; contentType: string } {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const head =
    `${parts.join('')}--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; ` +
    `filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    head: encoder.encode(head),
    tail: encoder.encode(`\r\n--${BOUNDARY}--\r\n`),
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
  };
}

/** A request body whose chunks are handed out one pull at a time, recording the pulls. */
export interface RecordedBody {
  stream: ReadableStream<Uint8Array>;
  /** Chunks handed to the server so far. */
  readonly pulled: number;
  readonly chunks: number;
  /** Holds back chunk `index` (and the rest) until `release()`; resolves `held` when the server asks for it. */
  holdAt(index: number): void;
  readonly held: Promise<void>;
  release(): void;
}

export function recordedBody(chunks: readonly Uint8Array[]): RecordedBody {
  let pulled = 0;
  let holdIndex = Number.POSITIVE_INFINITY;
  let onHeld = (): void => {};
  const held = new Promise<void>((resolve) => {
    onHeld = resolve;
  });
  let release = (): void => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pulled === holdIndex) {
          onHeld();
          await released;
        }
        const chunk = chunks[pulled];
        if (chunk === undefined) return controller.close();
        pulled++;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    get pulled() {
      return pulled;
    },
    chunks: chunks.length,
    holdAt(index) {
      holdIndex = index;
    },
    held,
    release: () => release(),
  };
}

/**
 * The upload as chunks: the form head (fields and the file part's headers), the file in `chunkSize`
 * pieces, the tail.
 */
export function uploadChunks(
  fields: Record<string, string>,
  data: Uint8Array,
  chunkSize = 64 * 1024,
): { chunks: Uint8Array[]; contentType: string; length: number } {
  const { head, tail, contentType } = formParts(fields);
  const chunks = [head];
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(data.subarray(at, at + chunkSize));
  chunks.push(tail);
  return { chunks, contentType, length: chunks.reduce((n, c) => n + c.length, 0) };
}

/** POSTs `body` to the upload endpoint through the handler, declaring `length` unless it is undefined. */
export function postUpload(
  app: TestApp,
  body: ReadableStream<Uint8Array>,
  contentType: string,
  length: number | undefined,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (length !== undefined) headers['content-length'] = String(length);
  return app.handler(
    new Request(`http://test${LOCAL_UPLOAD_PATH}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit),
  );
}
