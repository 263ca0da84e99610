/**
 * Client ID metadata documents, fetched through an injected fetch (there is no TLS in tests:
 * every "https" document here is served by a function, never over the network): a valid
 * document is resolved and cached (per Cache-Control, bounded), and documents or URLs that
 * are unusable are refused with `invalid_client` saying why; failures are not cached.
 */
import { describe, expect, it } from 'bun:test';
import {
  ClientMetadataResolver,
  clientIdUrlProblem,
} from '../../../../src/logic/auth/clients/client-metadata-document.ts';
import type { FetchLike } from '../../../../src/logic/auth/flows/idp-client.ts';
import { OAuthError } from '../../../../src/core/errors.ts';
import { createJsonLogger } from '../../../../src/core/logger.ts';

const URL_A = 'https://client.example/oauth/metadata.json';

const documentFor = (url: string, extra: Record<string, unknown> = {}) => ({
  client_id: url,
  client_name: 'Example MCP client',
  redirect_uris: ['http://127.0.0.1/callback', 'https://client.example/cb'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

const json = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** An injected fetch answering from `serve`, recording each call. */
function injectedFetch(serve: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch: FetchLike = async (input, init) => {
    calls.push({ url: String(input), init });
    return serve(String(input), init);
  };
  return { fetch, calls };
}

function resolver(
  fetch: FetchLike,
  options: { now?: () => Date; timeoutMs?: number; maxBytes?: number; maxEntries?: number } = {},
) {
  return new ClientMetadataResolver({
    fetch,
    now: options.now ?? (() => new Date()),
    log: createJsonLogger('error'),
    ...options,
  });
}

async function refusalOf(promise: Promise<unknown>): Promise<OAuthError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OAuthError)) throw new Error(`expected an OAuthError, got ${String(err)}`);
  expect(err.error).toBe('invalid_client');
  expect(err.code).toBe('INVALID_INPUT');
  return err;
}

describe('client metadata documents (injected fetch, no TLS)', () => {
  it('injected fetch: resolves a valid document with a GET following no redirect, then serves it cached', async () => {
    const { fetch, calls } = injectedFetch((url) => json(documentFor(url)));
    const r = resolver(fetch);
    const doc = await r.resolve(URL_A);
    expect(doc).toEqual({
      clientId: URL_A,
      clientName: 'Example MCP client',
      redirectUris: ['http://127.0.0.1/callback', 'https://client.example/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init).toMatchObject({ method: 'GET', redirect: 'manual' });
    expect(await r.resolve(URL_A)).toEqual(doc);
    expect(calls).toHaveLength(1);
  });

  it('injected fetch: shares one fetch between concurrent resolutions', async () => {
    const { fetch, calls } = injectedFetch(async (url) => {
      await Bun.sleep(10);
      return json(documentFor(url));
    });
    const r = resolver(fetch);
    await Promise.all([r.resolve(URL_A), r.resolve(URL_A), r.resolve(URL_A)]);
    expect(calls).toHaveLength(1);
  });

  it('injected fetch: keeps a document for its max-age clamped to [60 s, 1 day], 5 minutes without one', async () => {
    let now = Date.parse('2026-06-01T00:00:00Z');
    const cacheControl: Record<string, string | undefined> = {
      'https://a.example/short': 'max-age=5',
      'https://a.example/long': 'public, max-age=604800',
      'https://a.example/none': undefined,
      'https://a.example/nostore': 'no-store',
    };
    const { fetch, calls } = injectedFetch((url) =>
      json(documentFor(url), cacheControl[url] ? { 'cache-control': cacheControl[url]! } : {}),
    );
    const r = resolver(fetch, { now: () => new Date(now) });
    const fetchesAfter = async (seconds: number, url: string): Promise<number> => {
      const start = now;
      await r.resolve(url);
      const before = calls.length;
      now = start + seconds * 1000;
      await r.resolve(url);
      now = start;
      return calls.length - before;
    };
    expect(await fetchesAfter(59, 'https://a.example/short')).toBe(0);
    expect(await fetchesAfter(299, 'https://a.example/none')).toBe(0);
    expect(await fetchesAfter(86_399, 'https://a.example/long')).toBe(0);
    expect(await fetchesAfter(59, 'https://a.example/nostore')).toBe(0);
    now += 61_000;
    const before = calls.length;
    await r.resolve('https://a.example/short');
    await r.resolve('https://a.example/nostore');
    await r.resolve('https://a.example/none');
    expect(calls.length - before).toBe(2);
    now += 86_400_000;
    await r.resolve('https://a.example/long');
    expect(calls.length - before).toBe(3);
  });

  it('injected fetch: caches a bounded number of documents, dropping the least recently used', async () => {
    const { fetch, calls } = injectedFetch((url) => json(documentFor(url)));
    const r = resolver(fetch, { maxEntries: 2 });
    await r.resolve('https://a.example/1');
    await r.resolve('https://a.example/2');
    await r.resolve('https://a.example/1');
    await r.resolve('https://a.example/3');
    expect(r.size).toBe(2);
    await r.resolve('https://a.example/1');
    expect(calls).toHaveLength(3);
    await r.resolve('https://a.example/2');
    expect(calls).toHaveLength(4);
  });

  it('injected fetch: refuses a document whose client_id is not the URL, and does not cache the failure', async () => {
    let body: unknown = documentFor('https://other.example/metadata.json');
    const { fetch, calls } = injectedFetch(() => json(body));
    const r = resolver(fetch);
    const err = await refusalOf(r.resolve(URL_A));
    expect(err.description).toBe(`Client metadata document ${URL_A}: its client_id is not the URL it was fetched from`);
    body = documentFor(URL_A);
    expect((await r.resolve(URL_A)).clientId).toBe(URL_A);
    expect(calls).toHaveLength(2);
  });

  it.each([
    [
      'a redirect',
      () => new Response(null, { status: 302, headers: { location: 'https://evil.example/doc' } }),
      'redirect',
    ],
    [
      'an opaque redirect',
      () => Object.defineProperty(new Response(null, { status: 200 }), 'type', { value: 'opaqueredirect' }),
      'redirect',
    ],
    ['a 404', () => json({}, {}, 404), 'HTTP 404'],
    [
      'HTML',
      () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } }),
      'content type is text/html',
    ],
    ['no content type', () => new Response(JSON.stringify(documentFor(URL_A))), 'content type is missing'],
    [
      'broken JSON',
      () => new Response('{"client_id":', { headers: { 'content-type': 'application/json' } }),
      'not valid JSON',
    ],
    ['a JSON array', () => json([documentFor(URL_A)]), 'not a JSON object'],
    [
      'a declared oversize',
      () => new Response('{}', { headers: { 'content-type': 'application/json', 'content-length': '1000000' } }),
      'larger than 65536 bytes',
    ],
    [
      'an oversized body',
      () => json({ ...documentFor(URL_A), padding: 'x'.repeat(70_000) }),
      'larger than 65536 bytes',
    ],
    [
      'a confidential client',
      () => json(documentFor(URL_A, { token_endpoint_auth_method: 'private_key_jwt' })),
      'token_endpoint_auth_method private_key_jwt',
    ],
    ['a client secret', () => json(documentFor(URL_A, { client_secret: 's' })), 'client_secret'],
    [
      'a javascript: redirect URI',
      () => json(documentFor(URL_A, { redirect_uris: ['javascript:alert(1)'] })),
      'javascript: scheme',
    ],
    ['no redirect URIs', () => json(documentFor(URL_A, { redirect_uris: undefined })), 'redirect_uris is required'],
    [
      'no authorization_code grant',
      () => json(documentFor(URL_A, { grant_types: ['client_credentials'] })),
      'grant_types do not include authorization_code',
    ],
    ['a bad client name', () => json(documentFor(URL_A, { client_name: 'x'.repeat(201) })), 'client_name'],
  ])('injected fetch: refuses %s', async (_, serve, reason) => {
    const { fetch } = injectedFetch(serve);
    const err = await refusalOf(resolver(fetch).resolve(URL_A));
    expect(err.description).toContain(reason);
  });

  it('injected fetch: stops reading an endless body at the size limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const { fetch } = injectedFetch(() => new Response(endless, { headers: { 'content-type': 'application/json' } }));
    const err = await refusalOf(resolver(fetch, { maxBytes: 4096 }).resolve(URL_A));
    expect(err.description).toContain('larger than 4096 bytes');
    expect(pulled).toBeLessThan(10);
  });

  it('injected fetch: gives up on a server that does not answer in time', async () => {
    const { fetch } = injectedFetch(() => new Promise<Response>(() => {}));
    const err = await refusalOf(resolver(fetch, { timeoutMs: 50 }).resolve(URL_A));
    expect(err.description).toContain('no answer within 0.05 s');
  });

  it('injected fetch: gives up on a body that stalls', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"client_id":'));
      },
    });
    const { fetch } = injectedFetch(() => new Response(stalled, { headers: { 'content-type': 'application/json' } }));
    const err = await refusalOf(resolver(fetch, { timeoutMs: 50 }).resolve(URL_A));
    expect(err.description).toContain('no answer within');
  });

  it('injected fetch: reports a network failure', async () => {
    const { fetch } = injectedFetch(() => Promise.reject(new TypeError('connection refused')));
    const err = await refusalOf(resolver(fetch).resolve(URL_A));
    expect(err.description).toContain('could not be fetched');
  });

  it('refuses URLs that cannot be client ids without fetching them', async () => {
    const { fetch, calls } = injectedFetch((url) => json(documentFor(url)));
    const r = resolver(fetch);
    for (const url of [
      'http://client.example/metadata.json',
      'https://client.example',
      'https://client.example/',
      'https://client.example/doc#x',
      'https://user:pw@client.example/doc',
      'https://127.0.0.1/doc',
      'https://[::1]/doc',
      'https://localhost/doc',
      'https://10.0.0.1/doc',
      'https://client.example/a/../doc',
      'https://client.example/a/%2e%2e/doc',
      `https://client.example/${'x'.repeat(260)}`,
    ]) {
      await refusalOf(r.resolve(url));
    }
    expect(calls).toHaveLength(0);
  });
});

describe('clientIdUrlProblem', () => {
  it('accepts https URLs with a host name and a path (a query too)', () => {
    expect(clientIdUrlProblem('https://claude.ai/oauth/mcp-oauth-client-metadata')).toBeUndefined();
    expect(clientIdUrlProblem('https://client.example:8443/meta?v=1')).toBeUndefined();
  });

  it('says what is wrong', () => {
    expect(clientIdUrlProblem('http://client.example/doc')).toBe('the URL must use https');
    expect(clientIdUrlProblem('https://client.example?x=1')).toBe('the URL must have a path');
    expect(clientIdUrlProblem('https://127.0.0.1/doc')).toBe("the URL's host is not a public address");
    expect(clientIdUrlProblem('https://0x7f000001/doc')).toBe("the URL's host is not a public address");
    expect(clientIdUrlProblem('https://[::ffff:10.0.0.1]/doc')).toBe("the URL's host is not a public address");
    expect(clientIdUrlProblem('https://LOCALHOST./doc')).toBe("the URL's host is not a public address");
    expect(clientIdUrlProblem('https://8.8.8.8/doc')).toBe('the URL must name its host by a public DNS name');
    expect(clientIdUrlProblem('https://[2606:4700::1]/doc')).toBe('the URL must name its host by a public DNS name');
  });
});
