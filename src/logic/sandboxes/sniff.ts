/**
 * @module logic/sandboxes/sniff
 * Text or binary, from a file's first bytes: text is UTF-8 without NUL bytes (a character cut
 * at the end of the sample is fine unless the sample is the whole file); anything else is
 * described by its signature, never shown.
 */

const SIGNATURES: readonly { magic: readonly number[]; what: string }[] = [
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'PNG image' },
  { magic: [0xff, 0xd8, 0xff], what: 'JPEG image' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'GIF image' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'PDF document' },
  { magic: [0x1f, 0x8b], what: 'gzip-compressed data' },
  { magic: [0x42, 0x5a, 0x68], what: 'bzip2-compressed data' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed data' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a], what: 'xz-compressed data' },
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'ZIP archive' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: 'ELF executable or library' },
  { magic: [0x72, 0x6f, 0x6f, 0x74], what: 'ROOT file' },
  { magic: [0x89, 0x48, 0x44, 0x46], what: 'HDF5 file' },
  { magic: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'SQLite database' },
];

/** Whether `head` (the file's first bytes; `whole` when it is the entire file) is text. */
export function isText(head: Uint8Array, whole: boolean): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !whole });
    return true;
  } catch {
    return false;
  }
}

/** What a binary file is, from its first bytes. */
export function describeBinary(head: Uint8Array): string {
  const known = SIGNATURES.find((s) => s.magic.every((b, i) => head[i] === b));
  return known ? known.what : 'binary data';
}
