/**
 * @module logic/auth/clients/redirect-uris
 * Which redirect URIs a public (native or desktop) client may register, and when a redirect
 * URI in an authorization request matches a registered one.
 *
 * Accepted (RFC 8252 for native apps, plus web callbacks such as claude.ai's):
 * - `https:` with any host;
 * - `http:` only on a loopback host written as `127.0.0.1`, `[::1]` or `localhost`, any port
 *   (RFC 8252 §7.3); the host must be written literally (no `0x7f.1`, no `LOCALHOST.`), so
 *   the string we match on is the one the browser goes to;
 * - private-use schemes of native apps (RFC 8252 §7.1), e.g.
 *   `cursor://anysphere.cursor-retrieval/oauth/user-mcp/callback` or `com.example.app:/cb`,
 *   except schemes a browser treats specially (`javascript:`, `data:`, `file:`, ...).
 * Refused everywhere: fragments (RFC 6749 §3.1.2), userinfo, whitespace and control
 * characters, backslashes, more than `MAX_REDIRECT_URI_LENGTH` characters.
 *
 * Matching is exact string comparison, except that a loopback `http` URI matches whatever
 * port the request names (RFC 8252 §7.3: the port is picked when the client starts); host,
 * path and query must still be identical.
 */

/**
 * Longest redirect URI accepted: `AuthorizationFlows.RedirectURI` is `varchar(255)`, so a
 * longer one could be registered but never used.
 */
export const MAX_REDIRECT_URI_LENGTH = 255;

/** Schemes that are never a native app's callback (script execution, local files, browser internals). */
const FORBIDDEN_SCHEMES: ReadonlySet<string> = new Set([
  'javascript',
  'data',
  'file',
  'vbscript',
  'blob',
  'about',
  'ftp',
  'filesystem',
  'view-source',
  'ws',
  'wss',
]);

/** RFC 3986 scheme, followed by its colon. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** Loopback `http` URIs as written: host literally one of three forms, optional port, rest. */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::(\d{1,5}))?([/?][^#]*)?$/;

export interface LoopbackUri {
  host: '127.0.0.1' | '[::1]' | 'localhost';
  /** The port as written; undefined when none is. */
  port: string | undefined;
  /** Path and query, `/` when the URI has no path. */
  rest: string;
}

/** The parts of a loopback `http` redirect URI (RFC 8252 §7.3), or undefined for any other URI. */
export function parseLoopbackUri(uri: string): LoopbackUri | undefined {
  const m = LOOPBACK.exec(uri);
  if (!m) return undefined;
  const port = m[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  const rest = m[3] ?? '/';
  return { host: m[1] as LoopbackUri['host'], port, rest: rest.startsWith('?') ? `/${rest}` : rest };
}

/**
 * Why `uri` cannot be registered as a redirect URI of a public client, or undefined when it
 * can. The reason is meant for the client (`error_description`).
 */
export function redirectUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return 'redirect URIs must be strings';
  if (uri.length === 0) return 'a redirect URI is empty';
  if (uri.length > MAX_REDIRECT_URI_LENGTH)
    return `a redirect URI is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  // URL parsing silently drops tabs and newlines; refuse them (and any whitespace) up front.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return `${uri} contains whitespace or control characters`;
  // Browsers read a backslash as a slash in http(s) URIs; no legitimate callback has one.
  if (uri.includes('\\')) return `${uri} contains a backslash`;
  if (uri.includes('#')) return `${uri} has a fragment`;
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined || !URL.canParse(uri)) return `${uri} is not an absolute URI`;
  if (FORBIDDEN_SCHEMES.has(scheme)) return `${uri} uses the ${scheme}: scheme`;
  const url = new URL(uri);
  if (url.username !== '' || url.password !== '') return `${uri} contains user information`;
  if (scheme === 'https') {
    if (!uri.startsWith('https://') || url.hostname === '') return `${uri} is not a valid https URI`;
    return undefined;
  }
  if (scheme === 'http') {
    if (!parseLoopbackUri(uri))
      return `${uri}: http is only allowed on 127.0.0.1, [::1] or localhost (port 1 to 65535)`;
    return undefined;
  }
  // A private-use scheme: it must name something after the colon.
  if (uri.length === scheme.length + 1 || /^[A-Za-z][A-Za-z0-9+.-]*:\/*$/.test(uri)) return `${uri} names no callback`;
  return undefined;
}

/**
 * Whether the redirect URI of an authorization request (`requested`) matches one the client
 * registered: the same string, or, for loopback `http` URIs, the same host, path and query
 * on any port (RFC 8252 §7.3).
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const a = parseLoopbackUri(registered);
  if (!a) return false;
  const b = parseLoopbackUri(requested);
  return b !== undefined && a.host === b.host && a.rest === b.rest;
}
