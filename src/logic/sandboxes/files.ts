/**
 * @module logic/sandboxes/files
 * What is inside a stored sandbox, read from the store as a stream (`archive/`): the list of its
 * members, and one member's text by byte range or tail, capped, with where the slice lies in the
 * file; a binary member is described (size, kind), never returned. Reading stops as soon as the
 * slice is read, so a file near the start of a large archive costs little. The sandbox is looked
 * up in the caller's VO (another VO's is "not found", as for a download) and its access time is
 * recorded, as a download's is. Access is checked by the caller (the sandbox policy).
 */
import { NotFoundError, InvalidInputError } from '../../core/errors.ts';
import { touchSandbox } from '../../db/sandboxes.ts';
import { tarStreamOf, type Compression } from './archive/decompress.ts';
import { tarMembers, type TarEntry, type TarEntryType } from './archive/tar-read.ts';
import type { SandboxContext } from './context.ts';
import { pfnToKey, shortPfn } from './pfn.ts';
import { SandboxNotFoundError } from './upload.ts';
import { describeBinary, isText } from './sniff.ts';

/** How much of a file's start is looked at to tell text from binary. */
const SNIFF_BYTES = 8 * 1024;
/**
 * Most uncompressed bytes read of one archive: the store takes sandboxes of up to 100 MiB, which
 * compressed logs can expand tenfold; a decompression bomb stops here instead of costing hours.
 */
export const MAX_ARCHIVE_READ_BYTES = 2 * 1024 ** 3;

export interface SandboxListing {
  compression: Compression;
  files: { name: string; size: number; type: TarEntryType; link_name?: string }[];
  /** More members follow than `maxEntries`. */
  truncated: boolean;
}

export type ReadRange =
  | { readonly kind: 'range'; readonly offset: number; readonly maxBytes: number }
  | { readonly kind: 'tail'; readonly maxBytes: number; readonly lines?: number | undefined };

export type SandboxFileRead =
  | {
      kind: 'text';
      size: number;
      /** First byte returned, and the byte after the last. */
      start: number;
      end: number;
      content: string;
    }
  | { kind: 'binary'; size: number; description: string }
  | { kind: 'link'; size: 0; description: string };

/** Opens the caller's VO's sandbox `pfn` as a tar stream; records the access. */
async function openSandbox(ctx: SandboxContext, pfn: string) {
  const short = shortPfn(pfn);
  const now = ctx.now();
  const { settings } = ctx;
  const found = await ctx.database.transaction((tx) => touchSandbox(tx, settings.seName, short, ctx.user.vo, now));
  if (!found) throw new SandboxNotFoundError(short, settings.seName);
  const stream = await ctx.store.open(pfnToKey(short));
  if (!stream) throw new NotFoundError(`Sandbox ${short} is registered but not in the store (never uploaded?)`);
  return tarStreamOf(stream);
}

const listed = (e: TarEntry): SandboxListing['files'][number] => ({
  name: e.name,
  size: e.size,
  type: e.type,
  ...(e.linkName === undefined ? {} : { link_name: e.linkName }),
});

/** The members of the sandbox, at most `maxEntries` of them. */
export async function listSandboxFiles(ctx: SandboxContext, pfn: string, maxEntries: number): Promise<SandboxListing> {
  const { compression, tar } = await openSandbox(ctx, pfn);
  const files: SandboxListing['files'] = [];
  for await (const member of tarMembers(tar, MAX_ARCHIVE_READ_BYTES)) {
    if (files.length === maxEntries) return { compression, files, truncated: true };
    files.push(listed(member.entry));
  }
  return { compression, files, truncated: false };
}

/** The bytes [start, end) of the file, and its first `SNIFF_BYTES`. */
interface Slice {
  head: Uint8Array;
  body: Uint8Array;
}

async function readSlice(content: AsyncGenerator<Uint8Array>, start: number, end: number, size: number) {
  const headLength = Math.min(size, SNIFF_BYTES);
  const slice: Slice = { head: new Uint8Array(headLength), body: new Uint8Array(end - start) };
  let at = 0;
  for await (const chunk of content) {
    const chunkEnd = at + chunk.length;
    if (at < headLength) slice.head.set(chunk.subarray(0, headLength - at), at);
    if (chunkEnd > start && at < end) {
      const from = Math.max(start, at);
      slice.body.set(chunk.subarray(from - at, Math.min(end, chunkEnd) - at), from - start);
    }
    at = chunkEnd;
    if (at >= end && at >= headLength) break;
  }
  return slice;
}

/** Drops a partial UTF-8 character at each end of `bytes`; how many bytes were dropped at the start. */
function wholeCharacters(bytes: Uint8Array): { text: string; skipped: number; used: number } {
  let skipped = 0;
  while (skipped < Math.min(3, bytes.length) && ((bytes[skipped] ?? 0) & 0xc0) === 0x80) skipped++;
  const text = new TextDecoder().decode(bytes.subarray(skipped), { stream: true });
  return { text, skipped, used: new TextEncoder().encode(text).length };
}

/** The last `lines` lines of `text` (a final newline does not start a line); the text's length kept. */
function lastLines(text: string, lines: number): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const parts = body.split('\n');
  if (parts.length <= lines) return text;
  return `${parts.slice(-lines).join('\n')}${text.endsWith('\n') ? '\n' : ''}`;
}

function textOf(slice: Slice, start: number, size: number, range: ReadRange): SandboxFileRead {
  const whole = wholeCharacters(slice.body);
  let text = whole.text;
  let first = start + whole.skipped;
  if (range.kind === 'tail' && range.lines !== undefined) {
    // Without the start of the file, the first line may be partial: it counts only when needed.
    const kept = lastLines(text, range.lines);
    if (kept.length < text.length || first === 0) text = kept;
    else if (text.includes('\n')) text = text.slice(text.indexOf('\n') + 1);
    first = start + whole.skipped + whole.used - new TextEncoder().encode(text).length;
  }
  return { kind: 'text', size, start: first, end: first + new TextEncoder().encode(text).length, content: text };
}

/**
 * The member `path` of the sandbox: its text within `range`, or a description when it is binary
 * or a link. @throws NotFoundError naming some members when there is no such file;
 * InvalidInputError for a directory or an offset past the end.
 */
export async function readSandboxFile(
  ctx: SandboxContext,
  pfn: string,
  path: string,
  range: ReadRange,
): Promise<SandboxFileRead> {
  const wanted = path.replace(/^(\.\/)+/, '');
  const { tar } = await openSandbox(ctx, pfn);
  const seen: string[] = [];
  for await (const member of tarMembers(tar, MAX_ARCHIVE_READ_BYTES)) {
    const { entry } = member;
    if (entry.name !== wanted && entry.name !== `${wanted}/`) {
      if (seen.length < 20) seen.push(entry.name);
      continue;
    }
    if (entry.type === 'directory') throw new InvalidInputError(`${path} is a directory`);
    if (entry.type === 'symlink' || entry.type === 'hardlink')
      return { kind: 'link', size: 0, description: `${entry.type} to ${entry.linkName ?? '?'}` };
    const size = entry.size;
    const start = range.kind === 'tail' ? Math.max(0, size - range.maxBytes) : range.offset;
    if (start > size) throw new InvalidInputError(`offset ${start} is past the end of ${path} (${size} bytes)`);
    const end = Math.min(size, start + range.maxBytes);
    const slice = await readSlice(member.content(), start, end, size);
    if (!isText(slice.head, size <= SNIFF_BYTES))
      return { kind: 'binary', size, description: describeBinary(slice.head) };
    return textOf(slice, start, size, range);
  }
  const some = seen.length > 0 ? ` It holds: ${seen.join(', ')}${seen.length === 20 ? ', ...' : ''}.` : ' It is empty.';
  throw new NotFoundError(`No file ${path} in sandbox ${shortPfn(pfn)}.${some}`);
}
