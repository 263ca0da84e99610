/**
 * @module logic/sandboxes/upload
 * Registering and fetching sandboxes (DiracX's `initiate_sandbox_upload` and
 * `get_sandbox_file`): a sandbox is named by its owner and checksum; asking to upload one that
 * is already stored (assigned to a job, or found in the store) returns its PFN without an
 * upload URL; otherwise the store signs an upload pinned to the size and checksum and the
 * sandbox is registered before the client uploads. Downloads are presigned URLs handed to the
 * client, never redirects (a client would follow with its bearer token).
 */
import { ensureOwnerId, getSandbox, insertSandbox, touchSandbox } from '../../db/sandboxes.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { SandboxContext } from './context.ts';
import type { SandboxDownloadResponse, SandboxInfo, SandboxUploadResponse } from './models.ts';
import { fullPfn, pfnToKey, sandboxPfn, shortPfn } from './pfn.ts';

/** DiracX's `SandboxNotFoundError` (a `DiracError`, hence 400). */
export class SandboxNotFoundError extends InvalidInputError {
  constructor(pfn: string, seName: string) {
    super(`Sandbox with ${pfn} and ${seName} not found`);
  }
}

/**
 * The PFN of the sandbox described by `info`, with an upload URL and form fields unless the
 * store already holds it.
 * @throws InvalidInputError when the sandbox is larger than the store accepts.
 */
export async function initiateSandboxUpload(ctx: SandboxContext, info: SandboxInfo): Promise<SandboxUploadResponse> {
  const { settings, store, user } = ctx;
  const pfn = sandboxPfn(settings.bucketName, user, info);
  if (info.size > settings.maxSizeBytes) {
    throw new InvalidInputError(`Sandbox too large, maximum allowed is ${settings.maxSizeBytes} bytes`);
  }
  const key = pfnToKey(pfn);
  // Rows are written before the upload happens, so a row alone proves nothing; an assigned
  // sandbox was uploaded (DiracX's shortcut), anything else is asked of the store.
  const existing = await getSandbox(ctx.database.session, settings.seName, pfn);
  if (existing && (existing.assigned || (await store.exists(key)))) {
    const now = ctx.now();
    await ctx.database.transaction((tx) => touchSandbox(tx, settings.seName, pfn, user.vo, now));
    return { pfn: fullPfn(settings.seName, pfn), url: null, fields: {} };
  }
  const upload = await store.presignUpload(
    key,
    { checksum: info.checksum.toLowerCase(), size: info.size, expiresInSeconds: settings.urlValiditySeconds },
    { origin: ctx.origin },
  );
  const now = ctx.now();
  await ctx.database.transaction(async (tx) => {
    const ownerId = await ensureOwnerId(tx, {
      owner: user.preferredUsername,
      ownerGroup: user.diracGroup,
      vo: user.vo,
    });
    await insertSandbox(tx, { ownerId, seName: settings.seName, pfn, bytes: info.size, now });
  });
  return { pfn: fullPfn(settings.seName, pfn), url: upload.url, fields: upload.fields };
}

/**
 * A presigned download URL for the sandbox (full or short PFN) of the caller's VO; records the
 * access.
 * @throws SandboxNotFoundError when the caller's VO has no such sandbox.
 */
export async function getSandboxDownload(ctx: SandboxContext, pfn: string): Promise<SandboxDownloadResponse> {
  const { settings } = ctx;
  const short = shortPfn(pfn);
  const now = ctx.now();
  // Looked up in the caller's VO only: another VO's sandbox is answered as a missing one.
  const found = await ctx.database.transaction((tx) => touchSandbox(tx, settings.seName, short, ctx.user.vo, now));
  if (!found) throw new SandboxNotFoundError(short, settings.seName);
  const url = await ctx.store.presignDownload(pfnToKey(short), settings.urlValiditySeconds, { origin: ctx.origin });
  return { url, expires_in: settings.urlValiditySeconds };
}
