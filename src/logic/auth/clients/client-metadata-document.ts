/**
 * @module logic/auth/clients/client-metadata-document
 * OAuth client ID metadata documents (CIMD, draft-ietf-oauth-client-id-metadata-document; the
 * MCP authorization spec's preferred registration): a client whose `client_id` is an https
 * URL publishes its metadata at that URL, and we fetch it instead of keeping a registration.
 *
 * The URL must be `https:` with a host name and a path, no fragment, no user information, no
 * `.`/`..` segments, at most `MAX_CLIENT_ID_URL_LENGTH` characters. Server-side request
 * forgery: an IP literal is refused before any fetch (`the URL's host is not a public address`
 * when it is loopback, private, link-local or another special-purpose address, see
 * `net/public-address.ts`; a public one because documents are named by DNS names), and so are
 * `localhost` names. Names are resolved by the injected fetch: the server process injects one
 * that refuses a name with any non-public address and connects to the address it checked
 * (`src/process/public-fetch.ts`). That refusal reaches the client as `it could not be
 * fetched`, like a name that does not resolve, so that the answer does not tell outsiders
 * which names our resolver knows; the log says which address and range. The fetch follows no
 * redirect, gives up after 5 s, reads at most 64 KiB and wants `application/json`. The
 * document must be a JSON object whose `client_id` is exactly the URL, with valid
 * `redirect_uris` (the rules of `redirect-uris.ts`, at most 20), an optional `client_name`, no
 * `client_secret`, `token_endpoint_auth_method` `none` or absent (public clients only), and
 * `grant_types`, when listed, including authorization_code (others than ours are ignored).
 *
 * Valid documents are cached per URL in memory (at most 1000, the least recently used go
 * first) for the response's `Cache-Control: max-age`, clamped to [60 s, 1 day], 5 minutes
 * when absent (`no-store`/`no-cache` count as 0, hence 60 s). Failures are not cached.
 * Concurrent resolutions of one URL share one fetch. Every refusal is an OAuth
 * `invalid_client` error whose description says what was wrong.
 */
import { OAuthError } from '../../../core/errors.ts';
import { type LimitedText, readLimitedText } from '../../limited-body.ts';
import type { Logger, LogFields } from '../../../core/logger.ts';
import { findSpecialRange, isIpLiteralHost, NonPublicAddressError } from '../../net/public-address.ts';
import {
  authMethodProblem,
  checkClientName,
  checkRedirectUris,
  CLIENT_GRANT_TYPES,
  type ClientGrantType,
} from './client-registration.ts';
import type { FetchLike } from '../flows/idp-client.ts';

/** `AuthorizationFlows.ClientID` is `varchar(255)`. */
export const MAX_CLIENT_ID_URL_LENGTH = 255;
/** Most redirect URIs a metadata document may list. */
export const MAX_DOCUMENT_REDIRECT_URIS = 20;

export interface ClientMetadataDocument {
  /** The URL, which is the client id. */
  clientId: string;
  clientName: string | undefined;
  redirectUris: readonly string[];
  /** The document's `grant_types` within ours; both when it names none. */
  grantTypes: readonly ClientGrantType[];
}

export interface ClientMetadataResolverOptions {
  fetch: FetchLike;
  now: () => Date;
  log: Logger;
  /** For the whole fetch, body included (default 5 s). */
  timeoutMs?: number;
  /** Largest document read (default 64 KiB). */
  maxBytes?: number;
  /** Most documents cached (default 1000). */
  maxEntries?: number;
}

const DEFAULT_TTL_MS = 5 * 60_000;
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 86_400_000;

/** Whether `clientId` is meant as a metadata document URL (and so resolved by fetching it). */
export function looksLikeMetadataDocumentUrl(clientId: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(clientId);
}

const NOT_PUBLIC = "the URL's host is not a public address";

/** The refusal of a host that is an IP literal or a `localhost` name (no DNS here). */
function hostProblem(hostname: string): string | undefined {
  const bare = hostname.replace(/\.$/, '');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return NOT_PUBLIC;
  // WHATWG parsing has already turned 2130706433, 0x7f.1 and 127.1 into 127.0.0.1.
  if (!isIpLiteralHost(hostname)) return undefined;
  if (findSpecialRange(bare) !== undefined) return NOT_PUBLIC;
  return 'the URL must name its host by a public DNS name';
}

/** Why `url` cannot be a client id metadata document URL, or undefined. */
export function clientIdUrlProblem(url: string): string | undefined {
  if (url.length > MAX_CLIENT_ID_URL_LENGTH) return `the URL is longer than ${MAX_CLIENT_ID_URL_LENGTH} characters`;
  if (!url.startsWith('https://')) return 'the URL must use https';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
  if (/[\s\u0000-\u001f\u007f\\]/.test(url)) return 'the URL contains whitespace, control characters or backslashes';
  if (url.includes('#')) return 'the URL has a fragment';
  if (!URL.canParse(url)) return 'the URL cannot be parsed';
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') return 'the URL contains user information';
  const badHost = hostProblem(parsed.hostname);
  if (badHost) return badHost;
  // The path as written: URL parsing would already have removed dot segments.
  const afterScheme = url.slice('https://'.length);
  const authorityEnd = afterScheme.search(/[/?]/);
  const path = authorityEnd === -1 ? '' : (afterScheme.slice(authorityEnd).split('?')[0] ?? '');
  if (path === '' || path === '/') return 'the URL must have a path';
  const isDotSegment = (segment: string) => /^(\.|%2e){1,2}$/i.test(segment);
  if (path.split('/').some(isDotSegment)) return 'the URL has . or .. path segments';
  return undefined;
}

/** Seconds of `max-age` in a Cache-Control header, 0 for no-store/no-cache, undefined when absent. */
function maxAgeSeconds(cacheControl: string | null): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  for (const d of directives) {
    const m = /^max-age\s*=\s*"?(\d+)"?$/.exec(d);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** The document's metadata, or why it is not acceptable. */
function validateDocument(url: string, body: unknown): ClientMetadataDocument | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the document is not a JSON object';
  const doc = body as Record<string, unknown>;
  if (doc.client_id !== url) return 'its client_id is not the URL it was fetched from';
  if (doc.client_secret !== undefined) return 'it contains a client_secret';
  const authProblem = authMethodProblem(doc.token_endpoint_auth_method);
  if (authProblem) return authProblem;
  const redirects = checkRedirectUris(doc.redirect_uris, MAX_DOCUMENT_REDIRECT_URIS);
  if (!redirects.ok) return redirects.problem;
  const name = checkClientName(doc.client_name);
  if (!name.ok) return name.problem;
  const listed: unknown[] | undefined = Array.isArray(doc.grant_types) ? doc.grant_types : undefined;
  if (listed && !listed.includes('authorization_code')) return 'its grant_types do not include authorization_code';
  const named = listed ? CLIENT_GRANT_TYPES.filter((g) => listed.includes(g)) : [];
  return {
    clientId: url,
    clientName: name.name,
    redirectUris: redirects.uris,
    grantTypes: named.length > 0 ? named : [...CLIENT_GRANT_TYPES],
  };
}

/** A refusal of the document at `url`; the description says what was wrong. */
function refusal(url: string, problem: string): OAuthError {
  return new OAuthError('INVALID_INPUT', 'invalid_client', `Client metadata document ${url}: ${problem}`);
}

/** Rejects when `signal` aborts. */
function abortion(signal: AbortSignal): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new Error('aborted'));
    else signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
  p.catch(() => undefined);
  return p;
}

export class ClientMetadataResolver {
  readonly #options: Required<ClientMetadataResolverOptions>;
  readonly #cache = new Map<string, { document: ClientMetadataDocument; expiresAt: number }>();
  readonly #inFlight = new Map<string, Promise<ClientMetadataDocument>>();

  constructor(options: ClientMetadataResolverOptions) {
    this.#options = { timeoutMs: 5000, maxBytes: 64 * 1024, maxEntries: 1000, ...options };
  }

  /** Documents currently cached. */
  get size(): number {
    return this.#cache.size;
  }

  /**
   * The metadata published at `url` (a client id), from the cache while it is fresh.
   * @throws OAuthError `invalid_client` (400) naming what is wrong with the URL or document.
   */
  async resolve(url: string): Promise<ClientMetadataDocument> {
    const urlProblem = clientIdUrlProblem(url);
    if (urlProblem) throw refusal(url, urlProblem);
    const now = this.#options.now().getTime();
    const cached = this.#cache.get(url);
    if (cached && cached.expiresAt > now) {
      this.#cache.delete(url);
      this.#cache.set(url, cached);
      return cached.document;
    }
    if (cached) this.#cache.delete(url);
    let pending = this.#inFlight.get(url);
    if (!pending) {
      pending = this.#fetch(url).finally(() => this.#inFlight.delete(url));
      this.#inFlight.set(url, pending);
    }
    return pending;
  }

  async #fetch(url: string): Promise<ClientMetadataDocument> {
    const { timeoutMs, maxBytes, log } = this.#options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const refuse = (problem: string, fields: LogFields = {}): OAuthError => {
      log.warn('client metadata document refused', { url, problem, ...fields });
      return refusal(url, problem);
    };
    const timedOut = () => refuse(`no answer within ${timeoutMs / 1000} s`);
    try {
      let response: Response;
      try {
        response = await Promise.race([
          this.#options.fetch(url, {
            method: 'GET',
            headers: { accept: 'application/json' },
            redirect: 'manual',
            signal: controller.signal,
          }),
          abortion(controller.signal),
        ]);
      } catch (err) {
        if (controller.signal.aborted) throw timedOut();
        // A non-public address is logged but answered as any failure (see the module comment).
        const guard =
          err instanceof NonPublicAddressError ? { host: err.host, address: err.address, range: err.range } : {};
        throw refuse('it could not be fetched', guard);
      }
      const discard = () => void response.body?.cancel().catch(() => undefined);
      if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
        discard();
        throw refuse('it answered with a redirect, which is not followed');
      }
      if (!response.ok) {
        discard();
        throw refuse(`it answered HTTP ${response.status}`);
      }
      const type = ((response.headers.get('content-type') ?? '').split(';')[0] ?? '').trim().toLowerCase();
      if (type !== 'application/json') {
        discard();
        throw refuse(`its content type is ${type || 'missing'}, not application/json`);
      }
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBytes) {
        discard();
        throw refuse(`it is larger than ${maxBytes} bytes`);
      }
      let read: LimitedText;
      try {
        read = await readLimitedText(response.body, maxBytes, controller.signal);
      } catch {
        throw controller.signal.aborted ? timedOut() : refuse('it could not be read');
      }
      if (!read.ok) throw refuse(`it is larger than ${maxBytes} bytes`);
      let body: unknown;
      try {
        body = JSON.parse(read.text);
      } catch {
        throw refuse('it is not valid JSON');
      }
      const document = validateDocument(url, body);
      if (typeof document === 'string') throw refuse(document);
      const ttlSeconds = maxAgeSeconds(response.headers.get('cache-control'));
      const ttlMs =
        ttlSeconds === undefined ? DEFAULT_TTL_MS : Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, ttlSeconds * 1000));
      this.#remember(url, document, this.#options.now().getTime() + ttlMs);
      return document;
    } finally {
      clearTimeout(timer);
    }
  }

  #remember(url: string, document: ClientMetadataDocument, expiresAt: number): void {
    this.#cache.delete(url);
    this.#cache.set(url, { document, expiresAt });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#options.maxEntries) break;
      this.#cache.delete(oldest);
    }
  }
}
