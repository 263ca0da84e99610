/**
 * @module routes/forwarded
 * The public URL of a request that came through a reverse proxy. When the TCP peer is one of our
 * trusted proxies (`DIRACX_FORWARDED_ALLOW_IPS`, the same list that decides whose
 * `X-Forwarded-For` names the caller), its `X-Forwarded-Proto`, `X-Forwarded-Host` and
 * `X-Forwarded-Prefix` say how clients reached us: `https://diracx.example.org/diracx`. From any
 * other peer, and when a value is malformed, they are ignored.
 *
 * Applied once, at the handler's entry: the request is rewritten to the public scheme and host
 * (its `Host` header too, so the MCP endpoint's Host allow-list sees the public host), its path
 * stays the one the proxy sent (the prefix already removed, so routing is unchanged), and the
 * prefix travels beside it in the request's bindings. Whatever builds an absolute URL from the
 * request (discovery documents, redirects, verification and callback URLs, sandbox URLs) uses
 * `publicBaseUrl` and so names the public one; discovery documents use `trustedBaseUrl`, which
 * falls back to the configured issuer, not the request's Host, when no trusted proxy spoke.
 *
 * Validation is strict: proto `http` or `https`; host a DNS name, IPv4 address or bracketed IPv6
 * address with an optional port; prefix a path of plain segments (`/diracx`, `/grid/lhcb`), no
 * empty, `.` or `..` segment, no percent-encoding. A comma-separated list (proxies that append)
 * counts by its last entry: the one our peer added.
 */
import type { RequestBindings } from './env.ts';

/** What `publicBaseUrl` reads of a Hono context. */
export interface RequestPlace {
  req: { url: string };
  /** May be missing when an app is fetched without bindings (tests). */
  env: RequestBindings | undefined;
}

export const FORWARDED_PROTO = 'x-forwarded-proto';
export const FORWARDED_HOST = 'x-forwarded-host';
export const FORWARDED_PREFIX = 'x-forwarded-prefix';

const MAX_NAME_LENGTH = 253;
const MAX_PREFIX_LENGTH = 256;

const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_PATTERN = new RegExp(`^(?:${DNS_LABEL}(?:\\.${DNS_LABEL})*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?$`);
const PREFIX_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** The value our peer set: the last of a comma-separated list, trimmed; undefined when empty. */
function lastValue(header: string | null): string | undefined {
  if (header === null) return undefined;
  const last = (header.split(',').at(-1) ?? '').trim();
  return last === '' ? undefined : last;
}

/** `http` or `https` (case-insensitive), or undefined. */
export function parseForwardedProto(header: string | null): 'http' | 'https' | undefined {
  const value = lastValue(header)?.toLowerCase();
  return value === 'http' || value === 'https' ? value : undefined;
}

/**
 * A valid `host[:port]`, lower-cased (`diracx.example.org`, `diracx.test:8443`, `[2001:db8::1]:443`),
 * or undefined.
 */
export function parseForwardedHost(header: string | null): string | undefined {
  const value = lastValue(header)?.toLowerCase();
  if (value === undefined || value.length > MAX_NAME_LENGTH + 6) return undefined;
  const match = HOST_PATTERN.exec(value);
  if (!match) return undefined;
  const port = match[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  if (value.length - (port === undefined ? 0 : port.length + 1) > MAX_NAME_LENGTH) return undefined;
  // The URL parser has the last word (IPv6 syntax).
  return URL.canParse(`http://${value}`) ? value : undefined;
}

/**
 * A clean path prefix without trailing slash (`/diracx`; `''` for `/`), or undefined when the
 * value is not one (relative, `..`, `//`, percent-encoded, query, fragment, too long).
 */
export function parseForwardedPrefix(header: string | null): string | undefined {
  const value = lastValue(header);
  if (value === undefined || value.length > MAX_PREFIX_LENGTH || !value.startsWith('/')) return undefined;
  const trimmed = value.endsWith('/') ? value.slice(0, -1) : value;
  if (trimmed === '') return '';
  const segments = trimmed.slice(1).split('/');
  for (const segment of segments) {
    if (!PREFIX_SEGMENT.test(segment) || segment === '.' || segment === '..') return undefined;
  }
  return trimmed;
}

/** Whether `remoteAddress` (the TCP peer) is one of the trusted proxies. */
export function isTrustedProxy(remoteAddress: string | undefined, trustedProxies: readonly string[]): boolean {
  return remoteAddress !== undefined && trustedProxies.includes(remoteAddress);
}

export interface PublicRequest {
  /** The request as the handler routes it: public scheme and host, the path it arrived with. */
  request: Request;
  /** The public path prefix (`''` when none). */
  prefix: string;
  /** Forwarded headers a trusted proxy sent that were malformed and ignored (their names). */
  ignored: string[];
  /** Whether a trusted proxy gave (part of) the public URL: at least one valid forwarded header. */
  forwarded: boolean;
}

/**
 * The request as clients addressed it. Unchanged (the same object) when the peer is not a
 * trusted proxy or sent no forwarded header.
 */
export function publicRequest(
  req: Request,
  remoteAddress: string | undefined,
  trustedProxies: readonly string[],
): PublicRequest {
  const headers = req.headers;
  const rawProto = headers.get(FORWARDED_PROTO);
  const rawHost = headers.get(FORWARDED_HOST);
  const rawPrefix = headers.get(FORWARDED_PREFIX);
  const unchanged: PublicRequest = { request: req, prefix: '', ignored: [], forwarded: false };
  if (rawProto === null && rawHost === null && rawPrefix === null) return unchanged;
  if (!isTrustedProxy(remoteAddress, trustedProxies)) return unchanged;

  const ignored: string[] = [];
  const pick = <T>(name: string, raw: string | null, parse: (v: string | null) => T | undefined): T | undefined => {
    if (raw === null || raw.trim() === '') return undefined;
    const parsed = parse(raw);
    if (parsed === undefined) ignored.push(name);
    return parsed;
  };
  const proto = pick(FORWARDED_PROTO, rawProto, parseForwardedProto);
  const host = pick(FORWARDED_HOST, rawHost, parseForwardedHost);
  const givenPrefix = pick(FORWARDED_PREFIX, rawPrefix, parseForwardedPrefix);
  const prefix = givenPrefix ?? '';
  if (proto === undefined && host === undefined)
    return { request: req, prefix, ignored, forwarded: givenPrefix !== undefined };

  const url = new URL(req.url);
  const publicUrl = new URL(`${proto ?? url.protocol.slice(0, -1)}://${host ?? url.host}${url.pathname}${url.search}`);
  const publicHeaders = new Headers(headers);
  // Normalised (a default port dropped), so that allow-lists compare like with like.
  publicHeaders.set('host', publicUrl.host);
  const request = new Request(publicUrl, {
    method: req.method,
    headers: publicHeaders,
    body: req.body,
    redirect: req.redirect,
    signal: req.signal,
    // Needed by runtimes that stream request bodies (Node's undici); ignored elsewhere.
    duplex: 'half',
  } as RequestInit);
  return { request, prefix, ignored, forwarded: true };
}

/**
 * The base URL discovery documents name: the public URL a trusted proxy gave for this request,
 * otherwise the configured one (`configured`, the issuer). Unlike `publicBaseUrl`, never the
 * Host a direct caller chose: these documents may be cached and served to everyone.
 */
export function trustedBaseUrl(c: RequestPlace, configured: string): string {
  return c.env?.forwarded ? publicBaseUrl(c) : configured.replace(/\/+$/, '');
}

/**
 * The public base URL of this request's server: scheme, host and prefix, no trailing slash
 * (`https://diracx.example.org`, `https://example.org/diracx`). Absolute URLs are this plus an
 * application path (`/api/auth/token`).
 */
export function publicBaseUrl(c: RequestPlace): string {
  return `${new URL(c.req.url).origin}${c.env?.publicPrefix ?? ''}`;
}

/** The public URL of this request without query or fragment (prefix included). */
export function publicRequestUrl(c: RequestPlace): string {
  return `${publicBaseUrl(c)}${new URL(c.req.url).pathname}`;
}
