/**
 * @module logic/sandboxes/archive/decompress
 * A sandbox archive's tar stream, whatever it was compressed with, told by its first bytes as
 * Python's `tarfile.open(mode="r")` and DiracX's client do: zstd (`tar.zst`, what DiracX's
 * client uploads), bzip2 (`tar.bz2`, what DIRAC's job wrapper uploads), gzip, or none. zstd and
 * gzip use the runtime's `DecompressionStream`, bzip2 `bunzip2.ts`. Everything streams.
 */
import { InvalidInputError, UnavailableError } from '../../../core/errors.ts';
import { bunzip2Stream } from './bunzip2.ts';

export type Compression = 'zstd' | 'bzip2' | 'gzip' | 'none';

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** The compression of a stream starting with `head` (at least 4 bytes unless the stream is shorter). */
export function compressionOf(head: Uint8Array): Compression {
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(head, [0x42, 0x5a, 0x68])) return 'bzip2'; // "BZh"
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  return 'none';
}

/** `stream` with `head`, already read from it, put back in front. */
function prepend(head: Uint8Array, reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  let first: Uint8Array | undefined = head;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        controller.enqueue(first);
        first = undefined;
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** A `DecompressionStream` for `format`; UnavailableError when this runtime has none. */
function platformDecompressor(format: 'zstd' | 'gzip'): TransformStream<Uint8Array, Uint8Array> {
  try {
    return new DecompressionStream(format as CompressionFormat) as unknown as TransformStream<Uint8Array, Uint8Array>;
  } catch {
    throw new UnavailableError(`This server cannot decompress ${format} archives`);
  }
}

/** Turns the platform decompressor's errors (corrupt data) into a clear refusal. */
function corruptionAsInvalid(stream: ReadableStream<Uint8Array>, format: string): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        if (err instanceof InvalidInputError) throw err;
        throw new InvalidInputError(`The sandbox archive is not valid ${format} data`);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The uncompressed tar stream of `archive`, and what it was compressed with. */
export async function tarStreamOf(
  archive: ReadableStream<Uint8Array>,
): Promise<{ compression: Compression; tar: ReadableStream<Uint8Array> }> {
  const reader = archive.getReader();
  let head = new Uint8Array(0);
  while (head.length < 4) {
    const { done, value } = await reader.read();
    if (done) break;
    const joined = new Uint8Array(head.length + value.length);
    joined.set(head);
    joined.set(value, head.length);
    head = joined;
  }
  const compression = compressionOf(head);
  const raw = prepend(head, reader);
  switch (compression) {
    case 'none':
      return { compression, tar: raw };
    case 'bzip2':
      return { compression, tar: raw.pipeThrough(bunzip2Stream()) };
    case 'zstd':
    case 'gzip':
      return { compression, tar: corruptionAsInvalid(raw.pipeThrough(platformDecompressor(compression)), compression) };
  }
}
