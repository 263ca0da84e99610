/**
 * @module storage/fs-directory
 * The local store's bytes on disk (process side: `src/server.ts` and the clean-up CLI build it;
 * the request handler only sees the `BlobDirectory` interface). Writes go to a temporary file
 * in the target directory and are renamed into place, so a reader never sees half an object
 * and several server processes can share the directory. Also keeps the store's URL signing
 * secret next to the objects, generated on first use, so every process sharing the directory
 * signs alike.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { BlobDirectory } from './local-store.ts';

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

  async write(key: string, data: Uint8Array): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.upload-${crypto.randomUUID()}`);
    try {
      await writeFile(temporary, data);
      await rename(temporary, path);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
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
