/**
 * @module logic/sandboxes/archive/tar-read
 * Reads a tar stream entry by entry (POSIX ustar, pax extended headers and GNU long names, as
 * Python's `tarfile` and GNU tar write them), handing out each entry's content as it streams:
 * an entry whose content is not read is skipped, so memory holds one chunk, never the archive.
 * Every header's checksum is verified, so something that is not a tar archive is refused.
 */
import { InvalidInputError } from '../../../core/errors.ts';
import { ByteSource } from './byte-source.ts';

const BLOCK = 512;
/** Largest pax header or GNU long name read (they are held in memory). */
const MAX_META_BYTES = 1024 * 1024;

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The member's path as stored, without a leading `./`. */
  readonly name: string;
  readonly size: number;
  readonly type: TarEntryType;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
  /** Target of a link. */
  readonly linkName?: string;
}

/** One member: its header, and its content (read it before asking for the next member, or not at all). */
export interface TarMember {
  readonly entry: TarEntry;
  content(): AsyncGenerator<Uint8Array>;
}

const notTar = (why: string): InvalidInputError =>
  new InvalidInputError(`The sandbox is not a valid tar archive (${why})`);
const utf8 = new TextDecoder();

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return utf8.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** An octal number field, or GNU's base-256 form (high bit of the first byte set). */
function numberField(header: Uint8Array, start: number, length: number): number {
  const bytes = header.subarray(start, start + length);
  if ((bytes[0] ?? 0) & 0x80) {
    let value = (bytes[0] ?? 0) & 0x7f;
    for (const b of bytes.subarray(1)) value = value * 256 + b;
    return value;
  }
  const text = field(header, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw notTar('bad number in a header');
  return Number.parseInt(text, 8);
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return numberField(header, 148, 8) === sum;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '5': 'directory',
};

/** `key=value` records of a pax header ("<length> <key>=<value>\n" each). */
function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number.parseInt(utf8.decode(data.subarray(at, space)), 10);
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) throw notTar('bad pax record');
    const record = utf8.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;
const stripDot = (name: string): string => name.replace(/^(\.\/)+/, '');

/**
 * The members of the tar stream `tar`, in order. Stops reading `tar` when the loop is left.
 * @throws PayloadTooLargeError once more than `maxBytes` of tar data were read.
 */
export async function* tarMembers(
  tar: ReadableStream<Uint8Array>,
  maxBytes = Number.POSITIVE_INFINITY,
): AsyncGenerator<TarMember> {
  const source = new ByteSource(tar, maxBytes);
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  try {
    for (;;) {
      const header = await source.read(BLOCK);
      if (header.length === 0 || header.every((b) => b === 0)) return; // end of archive
      if (header.length < BLOCK) throw notTar('truncated header');
      if (!checksumOk(header)) throw notTar('header checksum mismatch');
      const flag = String.fromCharCode(header[156] ?? 0);
      let size = numberField(header, 124, 12);
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (size > MAX_META_BYTES) throw notTar('extended header too large');
        const data = await source.read(size);
        if (data.length < size) throw notTar('truncated');
        await source.skip(padding(size));
        if (flag === 'x') pax = paxRecords(data);
        if (flag === 'L') longName = field(data, 0, data.length);
        if (flag === 'K') longLink = field(data, 0, data.length);
        continue;
      }
      const ustar = field(header, 257, 6) === 'ustar';
      const prefix = ustar ? field(header, 345, 155) : '';
      const stored = field(header, 0, 100);
      const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${stored}` : stored);
      const linkName = pax.get('linkpath') ?? longLink ?? field(header, 157, 100);
      const paxSize = pax.get('size');
      if (paxSize !== undefined && /^\d+$/.test(paxSize)) size = Number(paxSize);
      pax = new Map();
      longName = undefined;
      longLink = undefined;
      const type = TYPES[flag] ?? 'other';
      const entry: TarEntry = {
        name: stripDot(name),
        // Links and directories carry no content, whatever their size field says.
        size: type === 'file' || type === 'other' ? size : 0,
        type,
        mtime: numberField(header, 136, 12),
        ...(type === 'symlink' || type === 'hardlink' ? { linkName } : {}),
      };
      let left = entry.size;
      async function* content(): AsyncGenerator<Uint8Array> {
        while (left > 0) {
          const chunk = await source.next(left);
          if (!chunk) throw notTar('truncated');
          left -= chunk.length;
          yield chunk;
        }
      }
      yield { entry, content };
      if ((await source.skip(left)) < left) throw notTar('truncated');
      await source.skip(padding(entry.size));
    }
  } finally {
    await source.close();
  }
}
