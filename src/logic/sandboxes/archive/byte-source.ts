/**
 * @module logic/sandboxes/archive/byte-source
 * Exact-length reads over a byte stream, holding at most what one read asks for plus one chunk,
 * and refusing to go past `limit` bytes (a decompression bomb costs no more than that).
 */
import { PayloadTooLargeError } from '../../../core/errors.ts';

export class ByteSource {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #pending: Uint8Array = new Uint8Array(0);
  #done = false;
  /** Bytes handed out or skipped so far. */
  position = 0;

  readonly #limit: number;

  constructor(stream: ReadableStream<Uint8Array>, limit = Number.POSITIVE_INFINITY) {
    this.#reader = stream.getReader();
    this.#limit = limit;
  }

  async #fill(): Promise<boolean> {
    if (this.#pending.length > 0) return true;
    if (this.#done) return false;
    for (;;) {
      const { done, value } = await this.#reader.read();
      if (done) {
        this.#done = true;
        return false;
      }
      if (value.length > 0) {
        this.#pending = value;
        return true;
      }
    }
  }

  /** The next chunk of at most `max` bytes, or undefined at the end. */
  async next(max: number): Promise<Uint8Array | undefined> {
    if (max <= 0 || !(await this.#fill())) return undefined;
    const chunk = this.#pending.subarray(0, max);
    this.#pending = this.#pending.subarray(chunk.length);
    this.position += chunk.length;
    if (this.position > this.#limit)
      throw new PayloadTooLargeError(`The archive holds more than the ${this.#limit} bytes this server reads of one`);
    return chunk;
  }

  /** Exactly `n` bytes, or fewer when the stream ends first. */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = await this.next(n - filled);
      if (!chunk) return out.subarray(0, filled);
      out.set(chunk, filled);
      filled += chunk.length;
    }
    return out;
  }

  /** Skips `n` bytes; returns how many there were. */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      const chunk = await this.next(n - skipped);
      if (!chunk) break;
      skipped += chunk.length;
    }
    return skipped;
  }

  /** Stops reading the stream (what is left is never read). */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}
