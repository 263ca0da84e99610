/**
 * @module logic/sandboxes/pfn
 * Sandbox names, as DiracX writes them (`logic/jobs/sandboxes.py`, `SandboxMetadataDB.get_pfn`):
 * the PFN `/S3/<bucket>/<vo>/<group>/<user>/<alg>:<checksum>.<format>` is content-addressed
 * and namespaced by its owner; the full PFN `SB:<se>|<pfn>` is what clients hold; the object
 * key is the PFN without `/S3/<bucket>/`. Pure string functions.
 */

/**
 * DiracX's `SANDBOX_PFN_REGEX`, kept byte for byte (its Python source is the pattern a 422
 * names): `(:?` is an upstream typo for `(?:` (an optional literal colon, so `:SB:...` also
 * matches) and routes validate with it as it is.
 */
export const SANDBOX_PFN_REGEX = new RegExp(
  String.raw`^(:?SB:[A-Za-z]+\|)?/S3/[a-z0-9\.\-]{3,63}` +
    String.raw`(?:/[^/]+){3}/[a-z0-9]{3,10}:[0-9a-f]{64}\.[a-z0-9\.]+$`,
);
/** DiracX's limit on a PFN in a query or body. */
export const MAX_PFN_LENGTH = 256;

export interface PfnOwner {
  vo: string;
  diracGroup: string;
  preferredUsername: string;
}

export interface SandboxDescription {
  checksum_algorithm: 'sha256';
  checksum: string;
  format: string;
}

/** `/S3/<bucket>/<vo>/<group>/<user>/` — every PFN of that user starts with it. */
export function userPrefix(bucket: string, user: PfnOwner): string {
  return `/S3/${bucket}/${user.vo}/${user.diracGroup}/${user.preferredUsername}/`;
}

/**
 * The sandbox's PFN. The checksum is lower-cased: DiracX accepts upper-case hex but then builds
 * a PFN its own regex rejects, so such a sandbox could never be downloaded or assigned.
 */
export function sandboxPfn(bucket: string, user: PfnOwner, info: SandboxDescription): string {
  return `${userPrefix(bucket, user)}${info.checksum_algorithm}:${info.checksum.toLowerCase()}.${info.format}`;
}

/** `SB:<se>|<pfn>`. */
export function fullPfn(seName: string, pfn: string): string {
  return `SB:${seName}|${pfn}`;
}

/** The PFN without its `SB:<se>|` part (DiracX: `pfn.split("|", 1)[-1]`). */
export function shortPfn(pfn: string): string {
  const bar = pfn.indexOf('|');
  return bar === -1 ? pfn : pfn.slice(bar + 1);
}

/** The SE named by a full PFN (`SB:<se>|...`), or undefined for a short one. */
export function seNameOf(pfn: string): string | undefined {
  return /^:?SB:([A-Za-z]+)\|/.exec(pfn)?.[1];
}

/** The object key: the PFN minus `/S3/<bucket>/` (DiracX's `pfn_to_key`). */
export function pfnToKey(pfn: string): string {
  return pfn.split('/').slice(3).join('/');
}
