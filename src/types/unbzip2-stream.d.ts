/**
 * The two pure parts of `unbzip2-stream` that `logic/sandboxes/archive/bunzip2.ts` drives (its
 * `index.js` wraps them in a Node stream, which the request path cannot use).
 */
declare module 'unbzip2-stream/lib/bit_iterator.js' {
  /** Reads `n` bits (`null`: skip to the next byte boundary) from the buffers `next` hands out. */
  export interface BitReader {
    (n: number | null): number;
    /** Bytes started so far. */
    bytesRead: number;
  }
  export default function bitIterator(next: () => Uint8Array | undefined): BitReader;
}
declare module 'unbzip2-stream/lib/bzip2.js' {
  import type { BitReader } from 'unbzip2-stream/lib/bit_iterator.js';
  const bzip2: {
    /** Reads a stream header; returns the block size in units of 100 000 bytes (1-9). */
    header(bits: BitReader): number;
    /**
     * Decodes one block into `out`, byte by byte; returns the running stream CRC, or null after
     * the end-of-stream marker (whose CRC it has checked). Throws on corrupt data.
     */
    decompress(
      bits: BitReader,
      out: (byte: number) => void,
      buf: Int32Array,
      bufsize: number,
      streamCRC: number | null,
    ): number | null;
  };
  export default bzip2;
}
