/**
 * @module storage/sigv4
 * AWS Signature Version 4 for S3, with Web Crypto only: query-string presigned URLs (GET, HEAD,
 * DELETE, PUT bucket) and browser-style POST policies (what botocore's `generate_presigned_post`
 * produces, which Bun's S3 client cannot). Pure functions of their inputs and the given time;
 * checked against botocore's output in `test/storage/sigv4.test.ts`. References: AWS "Signature
 * Version 4 signing process", "Authenticating requests: query parameters" and "Browser-based
 * uploads using POST (AWS Signature Version 4)".
 */
import { sha256Hex } from '../logic/sha256.ts';
import { toHex } from './object-store.ts';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials' token (`aws_session_token`), signed along when present. */
  sessionToken?: string | undefined;
}

export interface SigningScope {
  credentials: S3Credentials;
  region: string;
  now: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const encoder = new TextEncoder();

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, data: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data));
}

/** `20260102T030405Z`. */
export function amzDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The derived signing key: HMAC chain over date, region, service and `aws4_request`. */
export async function signingKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service = 's3',
): Promise<ArrayBuffer> {
  const kDate = await hmac(encoder.encode(`AWS4${secretAccessKey}`), date);
  const kRegion = await hmac(kDate, region);
  const kService = await hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** AWS's URI encoding: every byte but the unreserved characters, `/` kept only in paths. */
export function uriEncode(text: string, keepSlash: boolean): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

function credentialScope(scope: SigningScope): { date: string; stamp: string; credential: string } {
  const stamp = amzDate(scope.now);
  const date = stamp.slice(0, 8);
  return { date, stamp, credential: `${scope.credentials.accessKeyId}/${date}/${scope.region}/s3/aws4_request` };
}

export interface PresignRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  /** The full URL without query; its path is signed as written (already URI-encoded). */
  url: URL;
  expiresInSeconds: number;
}

/** A query-string presigned URL for `req`, signing only the `host` header (payload unsigned). */
export async function presignUrl(scope: SigningScope, req: PresignRequest): Promise<string> {
  const { date, stamp, credential } = credentialScope(scope);
  const params: [string, string][] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', credential],
    ['X-Amz-Date', stamp],
    ['X-Amz-Expires', String(req.expiresInSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (scope.credentials.sessionToken) params.push(['X-Amz-Security-Token', scope.credentials.sessionToken]);
  const query = params
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    req.method,
    req.url.pathname,
    query,
    `host:${req.url.host}\n`,
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = [
    ALGORITHM,
    stamp,
    `${date}/${scope.region}/s3/aws4_request`,
    await sha256Hex(canonicalRequest),
  ].join('\n');
  const signature = toHex(
    await hmac(await signingKey(scope.credentials.secretAccessKey, date, scope.region), stringToSign),
  );
  return `${req.url.origin}${req.url.pathname}?${query}&X-Amz-Signature=${signature}`;
}

/** A POST policy condition: an exact field match or `["content-length-range", min, max]`. */
export type PolicyCondition = Record<string, string> | ['content-length-range', number, number];

export interface PostPolicyRequest {
  bucket: string;
  key: string;
  /** Extra form fields, each also added as an exact-match condition. */
  fields: Record<string, string>;
  /** Further conditions (e.g. the content-length range). */
  conditions: PolicyCondition[];
  expiresInSeconds: number;
}

/** The signature of an already base64-encoded policy document. */
export async function signPolicy(scope: SigningScope, policyBase64: string): Promise<string> {
  const { date } = credentialScope(scope);
  return toHex(await hmac(await signingKey(scope.credentials.secretAccessKey, date, scope.region), policyBase64));
}

/**
 * The form fields of a browser-style POST upload: the caller's fields, `key`, the signing
 * fields, the base64 policy and its signature (botocore's field order).
 */
export async function signPostPolicy(scope: SigningScope, req: PostPolicyRequest): Promise<Record<string, string>> {
  const { stamp, credential } = credentialScope(scope);
  const signing: Record<string, string> = {
    'x-amz-algorithm': ALGORITHM,
    'x-amz-credential': credential,
    'x-amz-date': stamp,
  };
  if (scope.credentials.sessionToken) signing['x-amz-security-token'] = scope.credentials.sessionToken;
  const expiration = new Date(scope.now.getTime() + req.expiresInSeconds * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const conditions: PolicyCondition[] = [
    ...req.conditions,
    ...Object.entries(req.fields).map(([k, v]) => ({ [k]: v })),
    { bucket: req.bucket },
    { key: req.key },
    ...Object.entries(signing).map(([k, v]) => ({ [k]: v })),
  ];
  // Base64 of the UTF-8 bytes (keys hold user names, which need not be ASCII).
  const policy = btoa(String.fromCharCode(...encoder.encode(JSON.stringify({ expiration, conditions }))));
  return { ...req.fields, key: req.key, ...signing, policy, 'x-amz-signature': await signPolicy(scope, policy) };
}
