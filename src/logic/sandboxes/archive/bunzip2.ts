/**
 * @module logic/sandboxes/archive/bunzip2
 * A streaming bzip2 decompressor (a `TransformStream`), for the `tar.bz2` sandboxes DIRAC's job
 * wrapper uploads: neither the Web platform nor Bun decompresses bzip2. The block decoder is
 * `unbzip2-stream`'s pure part (the widely used streaming bunzip2 of npm; its Node-stream
 * wrapper is not Web-standard, so it is driven here). A block is decoded once enough input is
 * buffered to hold the largest block (100 000 bytes per level, plus slack), so memory stays
 * within a few MB whatever the archive's size; output leaves in chunks of `OUT_CHUNK` bytes.
 */
import bitIterator, { type BitReader } from 'unbzip2-stream/lib/bit_iterator.js';
import bzip2 from 'unbzip2-stream/lib/bzip2.js';
import { InvalidInputError } from '../../../core/errors.ts';

const OUT_CHUNK = 64 * 1024;
/** Input beyond one block's size that must be buffered before decoding it. */
const SLACK = 25_000;

/** What a corrupt or truncated bzip2 stream is answered with. */
const corrupt = (why: string): InvalidInputError =>
  new InvalidInputError(`The sandbox archive is not valid bzip2 data (${why})`);

export function bunzip2Stream(): TransformStream<Uint8Array, Uint8Array> {
  const queue: Uint8Array[] = [];
  let received = 0;
  let bits: BitReader | undefined;
  let blockSize = 0;
  let streamCrc: number | null = null;
  let work: Int32Array | undefined;

  /** Decodes a header or one block, enqueuing its output. */
  function step(controller: TransformStreamDefaultController<Uint8Array>, reader: BitReader): void {
    if (blockSize === 0) {
      blockSize = bzip2.header(reader);
      streamCrc = 0;
      return;
    }
    const size = 100_000 * blockSize;
    if (work?.length !== size) work = new Int32Array(size);
    let out = new Uint8Array(OUT_CHUNK);
    let used = 0;
    const emit = (byte: number): void => {
      out[used++] = byte;
      if (used === OUT_CHUNK) {
        controller.enqueue(out);
        out = new Uint8Array(OUT_CHUNK);
        used = 0;
      }
    };
    streamCrc = bzip2.decompress(reader, emit, work, size, streamCrc);
    if (used > 0) controller.enqueue(out.subarray(0, used));
    if (streamCrc === null) blockSize = 0; // end of one stream; another may follow
  }

  function guarded(run: () => void): void {
    try {
      run();
    } catch (err) {
      if (err instanceof InvalidInputError) throw err;
      throw corrupt(err instanceof Error && err.name === 'Bzip2Error' ? err.message : 'truncated');
    }
  }

  return new TransformStream({
    transform(chunk, controller) {
      if (chunk.length === 0) return;
      queue.push(chunk);
      received += chunk.length;
      bits ??= bitIterator(() => queue.shift());
      const reader = bits;
      const needed = () => (blockSize === 0 ? 4 : 100_000 * blockSize + SLACK);
      guarded(() => {
        while (received - reader.bytesRead + 1 >= needed()) step(controller, reader);
      });
    },
    flush(controller) {
      const reader = bits;
      if (!reader) throw corrupt('empty');
      guarded(() => {
        while (received > reader.bytesRead) step(controller, reader);
      });
      if (blockSize !== 0) throw corrupt('truncated');
    },
  });
}
