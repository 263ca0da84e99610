/**
 * @module logic/sandboxes/inline
 * Files handed over inline (by an MCP client, which cannot upload) made into a sandbox as
 * DiracX's `create_sandbox` makes one: a tar archive compressed with zstd (`tar.zst`), named by
 * its SHA-256 under the caller's PFN prefix, and stored through the sandbox store. The same
 * files give the same archive (`archive/tar-write`: fixed times, no owners), so sending them
 * again reuses the stored sandbox as the REST flow does (`initiateSandboxUpload`'s shortcut).
 * Names are relative paths inside the archive: no absolute paths, no `.`/`..`, no backslashes
 * or control characters, no duplicates, at most 100 bytes (the tar name field).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { InvalidInputError, PayloadTooLargeError, UnavailableError } from '../../core/errors.ts';
import { ensureOwnerId, getSandbox, insertSandbox, touchSandbox } from '../../db/sandboxes.ts';
import { toHex } from '../../storage/object-store.ts';
import { packTar, type TarFile } from './archive/tar-write.ts';
import type { SandboxContext } from './context.ts';
import { fullPfn, pfnToKey, sandboxPfn } from './pfn.ts';

/** Most files in one call. */
export const MAX_INLINE_FILES = 100;
const MAX_NAME_BYTES = 100;

/** One file as a client sends it: text, or base64 for binaries. */
export interface InlineFile {
  readonly name: string;
  readonly content?: string | null | undefined;
  readonly content_base64?: string | null | undefined;
  readonly executable?: boolean | null | undefined;
}

export interface StoredSandbox {
  /** `SB:<se>|/S3/...`, for a JDL's InputSandbox. */
  pfn: string;
  checksum: string;
  size: number;
  format: 'tar.zst';
  files: { name: string; size: number }[];
  /** The same archive was already stored: nothing was uploaded. */
  reused: boolean;
}

const encoder = new TextEncoder();

/** Why `name` cannot name a file in a sandbox, or undefined. */
function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (encoder.encode(name).length > MAX_NAME_BYTES) return `is longer than ${MAX_NAME_BYTES} bytes`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return 'contains a backslash or a control character';
  if (name.startsWith('/')) return 'is an absolute path';
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..'))
    return 'has an empty, "." or ".." path segment';
  return undefined;
}

function decode(file: InlineFile): Uint8Array {
  const hasText = file.content !== undefined && file.content !== null;
  const hasBase64 = file.content_base64 !== undefined && file.content_base64 !== null;
  if (hasText === hasBase64)
    throw new InvalidInputError(`file "${file.name}": give exactly one of content (text) or content_base64`);
  if (hasText) return encoder.encode(file.content as string);
  const b64 = (file.content_base64 as string).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1)
    throw new InvalidInputError(`file "${file.name}": content_base64 is not valid base64`);
  const binary = atob(b64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * The files as tar members, checked: names, duplicates (a file that is also a directory of
 * another counts as one), count, and their total decoded size against `maxBytes`.
 * @throws InvalidInputError naming the first bad file; PayloadTooLargeError past `maxBytes`.
 */
export function checkInlineFiles(files: readonly InlineFile[], maxBytes: number): TarFile[] {
  if (files.length === 0) throw new InvalidInputError('No files given');
  if (files.length > MAX_INLINE_FILES) throw new InvalidInputError(`At most ${MAX_INLINE_FILES} files at once`);
  const seen = new Set<string>();
  const dirs = new Set<string>();
  let total = 0;
  const members: TarFile[] = [];
  for (const file of files) {
    const problem = nameProblem(file.name);
    if (problem) throw new InvalidInputError(`file name "${file.name}" ${problem}`);
    if (seen.has(file.name) || dirs.has(file.name))
      throw new InvalidInputError(`file name "${file.name}" is given twice`);
    const parts = file.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (seen.has(dir)) throw new InvalidInputError(`file name "${file.name}" is inside the file "${dir}"`);
      dirs.add(dir);
    }
    seen.add(file.name);
    const data = decode(file);
    total += data.length;
    if (total > maxBytes)
      throw new PayloadTooLargeError(`The files are larger than the ${maxBytes} bytes this server accepts inline`);
    members.push({ name: file.name, data, executable: file.executable === true });
  }
  return members;
}

/** `data` through the runtime's zstd compressor. */
async function zstdCompress(data: Uint8Array): Promise<Uint8Array> {
  let compressor: CompressionStream;
  try {
    compressor = new CompressionStream('zstd' as CompressionFormat);
  } catch {
    throw new UnavailableError('This server cannot write zstd archives');
  }
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(compressor);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Packs the (checked) files into a `tar.zst` sandbox of the caller and stores it, unless the
 * caller already has that sandbox stored. @throws InvalidInputError past the store's size limit.
 */
export async function storeInlineSandbox(ctx: SandboxContext, members: readonly TarFile[]): Promise<StoredSandbox> {
  const { settings, store, user } = ctx;
  const archive = await zstdCompress(packTar(members));
  if (archive.length > settings.maxSizeBytes)
    throw new InvalidInputError(`Sandbox too large, maximum allowed is ${settings.maxSizeBytes} bytes`);
  const checksum = toHex(sha256(archive));
  const pfn = sandboxPfn(settings.bucketName, user, { checksum_algorithm: 'sha256', checksum, format: 'tar.zst' });
  const key = pfnToKey(pfn);
  const described = {
    pfn: fullPfn(settings.seName, pfn),
    checksum,
    size: archive.length,
    format: 'tar.zst' as const,
    files: members.map((m) => ({ name: m.name, size: m.data.length })),
  };
  const existing = await getSandbox(ctx.database.session, settings.seName, pfn);
  if (existing && (existing.assigned || (await store.exists(key)))) {
    const now = ctx.now();
    await ctx.database.transaction((tx) => touchSandbox(tx, settings.seName, pfn, user.vo, now));
    return { ...described, reused: true };
  }
  // Registered first, as the REST flow does: an upload that fails leaves a row the cleaner removes.
  const now = ctx.now();
  await ctx.database.transaction(async (tx) => {
    const ownerId = await ensureOwnerId(tx, {
      owner: user.preferredUsername,
      ownerGroup: user.diracGroup,
      vo: user.vo,
    });
    await insertSandbox(tx, { ownerId, seName: settings.seName, pfn, bytes: archive.length, now });
  });
  await store.put(key, archive, { checksum, size: archive.length });
  return { ...described, reused: false };
}
