/**
 * @module storage/fs-directory
 * The local store's bytes on disk (process side: `src/server.ts` and the clean-up CLI build it;
 * the request handler only sees the `BlobDirectory` interface). Writes stream, chunk by chunk,
 * into a temporary file in the target directory, renamed into place on commit, so a reader
 * never sees half an object, memory holds one chunk at a time, and several server processes
 * can share the directory. Also keeps the store's URL signing
 * secret next to the objects, generated on first use, so every process sharing the directory
 * signs alike.
 */
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { BlobDirectory, BlobWriter } from './local-store.ts';

/** Secret file name: a dotfile, which no object key can name (`isSafeKey`). */
const SECRET_FILE = '.url-signing-secret';

export class FsBlobDirectory implements BlobDirectory {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file of `key`, refusing anything that would leave the root. */
  #path(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`object key escapes the store directory: ${key}`);
    return path;
  }

  async create(key: string): Promise<BlobWriter> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.upload-${crypto.randomUUID()}`);
    const handle = await open(temporary, 'wx', 0o600);
    let closed = false;
    const close = async (): Promise<void> => {
      if (!closed) await handle.close();
      closed = true;
    };
    return {
      async write(chunk) {
        for (let offset = 0; offset < chunk.byteLength; ) offset += (await handle.write(chunk, offset)).bytesWritten;
      },
      async commit() {
        try {
          await close();
          await rename(temporary, path);
        } catch (err) {
          await rm(temporary, { force: true });
          throw err;
        }
      },
      async abort() {
        await close().catch(() => undefined);
        await rm(temporary, { force: true });
      },
    };
  }

  /** Stores `data` at `key` atomically (the clean-up CLI's tests seed the store with it). */
  async write(key: string, data: Uint8Array): Promise<void> {
    const writer = await this.create(key);
    try {
      await writer.write(data);
    } catch (err) {
      await writer.abort();
      throw err;
    }
    await writer.commit();
  }

  async read(key: string): Promise<Blob | undefined> {
    const file = Bun.file(this.#path(key));
    return (await file.exists()) ? file : undefined;
  }

  exists(key: string): Promise<boolean> {
    return Bun.file(this.#path(key)).exists();
  }

  async remove(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  /** The URL signing secret stored with the objects; created (32 random bytes) when absent. */
  async signingSecret(): Promise<Uint8Array<ArrayBuffer>> {
    const path = join(this.root, SECRET_FILE);
    await mkdir(this.root, { recursive: true });
    const existing = await readFile(path).catch(() => undefined);
    if (existing && existing.length >= 32) return new Uint8Array(existing);
    const secret = crypto.getRandomValues(new Uint8Array(32));
    // `wx`: when two processes race, one creates the file and the other reads it back.
    await writeFile(path, secret, { flag: 'wx', mode: 0o600 }).catch(() => undefined);
    return new Uint8Array(await readFile(path));
  }
}
