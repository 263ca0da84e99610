/**
 * @module logic/sandboxes/archive/tar-write
 * Writes a POSIX ustar archive of regular files, as Python's `tarfile` does for DiracX's
 * `create_sandbox` (512-byte headers, content padded to 512, two zero blocks, the whole padded
 * to a 10 240-byte record). Names must fit the 100-byte name field (checked by the caller).
 * Headers carry a fixed time and no owner, so the same files always make the same bytes, and so
 * the same checksum: the same sandbox, uploaded once.
 */

const BLOCK = 512;
const RECORD = 20 * BLOCK;
const encoder = new TextEncoder();

export interface TarFile {
  /** Relative path, at most 100 bytes of UTF-8. */
  readonly name: string;
  readonly data: Uint8Array;
  /** Mode 0755 instead of 0644. */
  readonly executable?: boolean;
}

function put(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new RangeError(`tar header field too long: ${text}`);
  header.set(bytes, offset);
}

/** `value` in octal, zero-padded to `length - 1` digits and NUL-terminated. */
const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;

function headerOf(file: TarFile, mtime: number): Uint8Array {
  const header = new Uint8Array(BLOCK);
  put(header, 0, 100, file.name);
  put(header, 100, 8, octal(file.executable ? 0o755 : 0o644, 8));
  put(header, 108, 8, octal(0, 8));
  put(header, 116, 8, octal(0, 8));
  put(header, 124, 12, octal(file.data.length, 12));
  put(header, 136, 12, octal(mtime, 12));
  put(header, 148, 8, '        ');
  put(header, 156, 1, '0');
  put(header, 257, 6, 'ustar\0');
  put(header, 263, 2, '00');
  let sum = 0;
  for (const b of header) sum += b;
  put(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** The archive of `files`, in order, each with modification time `mtime` (seconds). */
export function packTar(files: readonly TarFile[], mtime = 0): Uint8Array {
  let size = 2 * BLOCK;
  for (const file of files) size += BLOCK + Math.ceil(file.data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(Math.ceil(size / RECORD) * RECORD);
  let at = 0;
  for (const file of files) {
    out.set(headerOf(file, mtime), at);
    out.set(file.data, at + BLOCK);
    at += BLOCK + Math.ceil(file.data.length / BLOCK) * BLOCK;
  }
  return out;
}
