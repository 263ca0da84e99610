/**
 * The public URL behind a reverse proxy: the parsing and trust rules of `X-Forwarded-Proto`,
 * `-Host` and `-Prefix`, and, through the real handler, that discovery documents, redirects,
 * verification URIs and the MCP Host allow-list name the public URL when the peer is a trusted
 * proxy, and ignore those headers from any other peer (discovery documents then name the
 * configured issuer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mcpOptions } from '../../src/mcp/options.ts';
import {
  isTrustedProxy,
  parseForwardedHost,
  parseForwardedPrefix,
  parseForwardedProto,
  publicRequest,
} from '../../src/routes/forwarded.ts';
import { unbufferedEventStream } from '../../src/routes/middleware/event-stream.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { TEST_ISSUER } from '../harness/auth.ts';

const TRUSTED = ['127.0.0.1', '::1'];

describe('parseForwardedProto', () => {
  it('accepts http and https, case-insensitively, and the last of a list', () => {
    expect(parseForwardedProto('https')).toBe('https');
    expect(parseForwardedProto('HTTP')).toBe('http');
    expect(parseForwardedProto(' https ')).toBe('https');
    expect(parseForwardedProto('http, https')).toBe('https');
  });
  it('refuses anything else', () => {
    for (const bad of [null, '', 'ftp', 'https:', 'https://x', 'javascript', 'https http', 'http,']) {
      expect(parseForwardedProto(bad)).toBeUndefined();
    }
  });
});

describe('parseForwardedHost', () => {
  it('accepts DNS names, IPv4 and bracketed IPv6 addresses, with an optional port, lower-cased', () => {
    expect(parseForwardedHost('diracx.example.org')).toBe('diracx.example.org');
    expect(parseForwardedHost('DiracX.Example.ORG:8443')).toBe('diracx.example.org:8443');
    expect(parseForwardedHost('localhost')).toBe('localhost');
    expect(parseForwardedHost('192.0.2.7:80')).toBe('192.0.2.7:80');
    expect(parseForwardedHost('[2001:db8::1]:443')).toBe('[2001:db8::1]:443');
    expect(parseForwardedHost('[::1]')).toBe('[::1]');
    expect(parseForwardedHost('evil.example, diracx.example.org')).toBe('diracx.example.org');
    // 253 characters
    expect(parseForwardedHost(`${'abcdefghi.'.repeat(25)}org:65535`)).toBe(`${'abcdefghi.'.repeat(25)}org:65535`);
  });
  it('refuses user info, paths, bad ports, bad labels and bad IPv6', () => {
    for (const bad of [
      null,
      '',
      'user@diracx.example.org',
      'diracx.example.org/path',
      'diracx.example.org:0',
      'diracx.example.org:65536',
      'diracx.example.org:123456',
      'diracx.example.org:',
      '-diracx.example.org',
      'diracx-.example.org',
      'diracx..example.org',
      'dirac_x.example.org',
      'diracx.example.org.',
      'diracx example.org',
      '[2001:db8::zz]',
      '[2001:db8:::1:2:3:4:5:6:7]',
      '2001:db8::1',
      'diracx.example.org\r\nx: y',
      `${'a'.repeat(64)}.example.org`,
      `${'abcdefghi.'.repeat(25)}orgx`, // 254 characters
      `${'abcdefghi.'.repeat(25)}orgx:443`,
    ]) {
      expect(parseForwardedHost(bad)).toBeUndefined();
    }
  });
});

describe('parseForwardedPrefix', () => {
  it('accepts clean absolute paths and drops one trailing slash', () => {
    expect(parseForwardedPrefix('/diracx')).toBe('/diracx');
    expect(parseForwardedPrefix('/diracx/')).toBe('/diracx');
    expect(parseForwardedPrefix('/grid/lhcb-prod_1.2~x')).toBe('/grid/lhcb-prod_1.2~x');
    expect(parseForwardedPrefix('/')).toBe('');
  });
  it('refuses relative paths, dot segments, empty segments, encodings, queries and long values', () => {
    for (const bad of [
      null,
      '',
      'diracx',
      '/diracx/..',
      '/../etc',
      '/./diracx',
      '/a//b',
      '//evil.example',
      '/diracx%2F..',
      '/diracx?x=1',
      '/diracx#x',
      '/dirac x',
      '/diracx\\..',
      `/${'a'.repeat(300)}`,
    ]) {
      expect(parseForwardedPrefix(bad)).toBeUndefined();
    }
  });
});

describe('isTrustedProxy and publicRequest', () => {
  const forwarded = (headers: Record<string, string>): Request =>
    new Request('http://10.0.0.5:8001/api/jobs/search?page=2', {
      method: 'POST',
      headers: { host: '10.0.0.5:8001', ...headers },
      body: '{"a":1}',
    });

  it('trusts exactly the listed peers', () => {
    expect(isTrustedProxy('127.0.0.1', TRUSTED)).toBe(true);
    expect(isTrustedProxy('::1', TRUSTED)).toBe(true);
    expect(isTrustedProxy('127.0.0.2', TRUSTED)).toBe(false);
    expect(isTrustedProxy(undefined, TRUSTED)).toBe(false);
    expect(isTrustedProxy('127.0.0.1', [])).toBe(false);
  });

  it('rewrites scheme, host and Host header from a trusted peer, keeps path, query, method and body', async () => {
    const req = forwarded({
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'DiracX.Example.org:443',
      'x-forwarded-prefix': '/diracx/',
    });
    const { request, prefix, ignored } = publicRequest(req, '127.0.0.1', TRUSTED);
    expect(request.url).toBe('https://diracx.example.org/api/jobs/search?page=2');
    expect(request.headers.get('host')).toBe('diracx.example.org');
    expect(prefix).toBe('/diracx');
    expect(ignored).toEqual([]);
    expect(request.method).toBe('POST');
    expect(await request.text()).toBe('{"a":1}');
  });

  it('takes each header alone: the proto keeps the host it arrived with', () => {
    const { request, prefix } = publicRequest(forwarded({ 'x-forwarded-proto': 'https' }), '127.0.0.1', TRUSTED);
    expect(request.url).toBe('https://10.0.0.5:8001/api/jobs/search?page=2');
    expect(prefix).toBe('');
  });

  it('ignores every forwarded header from a peer that is not trusted (same request object)', () => {
    const req = forwarded({
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-prefix': '/evil',
    });
    for (const peer of ['192.0.2.9', undefined]) {
      const out = publicRequest(req, peer, TRUSTED);
      expect(out.request).toBe(req);
      expect(out.prefix).toBe('');
      expect(out.ignored).toEqual([]);
    }
  });

  it('leaves a request without forwarded headers untouched', () => {
    const req = forwarded({});
    expect(publicRequest(req, '127.0.0.1', TRUSTED).request).toBe(req);
  });

  it('ignores, and names, malformed values from a trusted peer while using the valid ones', () => {
    const req = forwarded({
      'x-forwarded-proto': 'gopher',
      'x-forwarded-host': 'diracx.example.org',
      'x-forwarded-prefix': '/a/../b',
    });
    const { request, prefix, ignored } = publicRequest(req, '127.0.0.1', TRUSTED);
    expect(request.url).toBe('http://diracx.example.org/api/jobs/search?page=2');
    expect(prefix).toBe('');
    expect(ignored).toEqual(['x-forwarded-proto', 'x-forwarded-prefix']);
  });
});

describe('the handler behind a proxy', () => {
  const PUBLIC = 'https://diracx.example.org/diracx';
  const RESOURCE = `${PUBLIC}/mcp`;
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      mcp: mcpOptions({
        issuer: TEST_ISSUER,
        port: 0,
        resourceUrl: RESOURCE,
        allowedHosts: ['diracx.example.org'],
        confirmThreshold: 10,
      }),
    });
  });
  afterAll(() => app.dispose());

  /** A request as nginx sends it to one instance: the instance's own address, plus the forwarded headers. */
  const viaProxy = (path: string, peer: string, init: RequestInit = {}): Promise<Response> =>
    app.handler(
      new Request(`http://127.0.0.1:8001${path}`, {
        ...init,
        headers: {
          host: '127.0.0.1:8001',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'diracx.example.org',
          'x-forwarded-prefix': '/diracx',
          'x-forwarded-for': '198.51.100.4',
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
      { remoteAddress: peer },
    );
  const json = async (res: Response): Promise<Record<string, unknown>> => (await res.json()) as Record<string, unknown>;

  it('names public URLs in authorization-server metadata and OpenID configuration from a trusted proxy', async () => {
    const oauth = await json(await viaProxy('/.well-known/oauth-authorization-server', '127.0.0.1'));
    expect(oauth).toMatchObject({
      issuer: TEST_ISSUER,
      token_endpoint: `${PUBLIC}/api/auth/token`,
      authorization_endpoint: `${PUBLIC}/api/auth/authorize`,
      device_authorization_endpoint: `${PUBLIC}/api/auth/device`,
      registration_endpoint: `${PUBLIC}/api/auth/register`,
      jwks_uri: `${PUBLIC}/.well-known/jwks.json`,
    });
    const oidc = await json(await viaProxy('/.well-known/openid-configuration', '::1'));
    expect(oidc).toMatchObject({
      token_endpoint: `${PUBLIC}/api/auth/token`,
      userinfo_endpoint: `${PUBLIC}/api/auth/userinfo`,
      jwks_uri: `${PUBLIC}/.well-known/jwks.json`,
    });
  });

  it('names the configured issuer, not the instance URL, when the headers come from an untrusted peer', async () => {
    const oauth = await json(await viaProxy('/.well-known/oauth-authorization-server', '192.0.2.9'));
    expect(oauth.token_endpoint).toBe(`${TEST_ISSUER}/api/auth/token`);
    const oidc = await json(await viaProxy('/.well-known/openid-configuration', '192.0.2.9'));
    expect(oidc.jwks_uri).toBe(`${TEST_ISSUER}/.well-known/jwks.json`);
  });

  it('serves the protected-resource metadata of the configured public /mcp URL', async () => {
    // RFC 9728: path-inserted at the host root, with the resource's whole path (prefix included).
    const res = await viaProxy('/.well-known/oauth-protected-resource/diracx/mcp', '127.0.0.1');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ resource: RESOURCE, authorization_servers: [TEST_ISSUER] });
  });

  it('redirects to public URLs, prefix included', async () => {
    const config = await viaProxy('/api/config', '127.0.0.1');
    expect(config.status).toBe(307);
    expect(config.headers.get('location')).toBe(`${PUBLIC}/api/config/`);
    const pilots = await viaProxy('/api/pilots?x=1', '127.0.0.1', { method: 'POST' });
    expect(pilots.status).toBe(307);
    expect(pilots.headers.get('location')).toBe(`${PUBLIC}/api/pilots/?x=1`);
    const untrusted = await viaProxy('/api/config', '192.0.2.9');
    expect(untrusted.headers.get('location')).toBe('http://127.0.0.1:8001/api/config/');
  });

  it('hands out the public device verification URI', async () => {
    const res = await viaProxy('/api/auth/device?client_id=myDIRACClientID&scope=vo:lhcb', '127.0.0.1', {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.verification_uri).toBe(`${PUBLIC}/api/auth/device`);
    expect(String(body.verification_uri_complete)).toStartWith(`${PUBLIC}/api/auth/device?user_code=`);
  });

  it('names the prefix as the OpenAPI server only behind a prefixing proxy', async () => {
    expect((await json(await viaProxy('/api/openapi.json', '127.0.0.1'))).servers).toEqual([{ url: '/diracx' }]);
    expect((await json(await viaProxy('/api/openapi.json', '192.0.2.9'))).servers).toBeUndefined();
  });

  it('lets the MCP Host allow-list see the public host from a trusted proxy only', async () => {
    const call = (peer: string): Promise<Response> =>
      viaProxy('/mcp', peer, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    const trusted = await call('127.0.0.1');
    // Past the Host check: refused for the missing token, pointing at the public metadata.
    expect(trusted.status).toBe(401);
    expect(trusted.headers.get('www-authenticate')).toContain(
      'resource_metadata="https://diracx.example.org/.well-known/oauth-protected-resource/diracx/mcp"',
    );
    const untrusted = await call('192.0.2.9');
    expect(untrusted.status).toBe(403);
    expect(await json(untrusted)).toEqual({ detail: 'Host not allowed' });
  });

  it('logs malformed forwarded headers from a trusted proxy and serves the request', async () => {
    const res = await viaProxy('/.well-known/oauth-authorization-server', '127.0.0.1', {
      headers: { 'x-forwarded-host': 'bad host' },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).token_endpoint).toBe('https://127.0.0.1:8001/diracx/api/auth/token');
    expect(
      app.logs.some(
        (l) =>
          l.msg === 'ignored malformed forwarded headers from a trusted proxy' &&
          JSON.stringify(l.headers) === '["x-forwarded-host"]',
      ),
    ).toBe(true);
  });
});

describe('unbufferedEventStream', () => {
  it('tells proxies not to buffer event streams, and leaves other responses alone', () => {
    const sse = unbufferedEventStream(
      new Response('data: 1\n\n', { headers: { 'content-type': 'text/event-stream; charset=utf-8' } }),
    );
    expect(sse.headers.get('x-accel-buffering')).toBe('no');
    const json = unbufferedEventStream(Response.json({}));
    expect(json.headers.get('x-accel-buffering')).toBeNull();
  });
  it('copies a response whose headers are immutable', () => {
    const stream = new Response('data: 1\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } });
    // As a fetched response's: set throws.
    stream.headers.set = () => {
      throw new TypeError('immutable headers');
    };
    const out = unbufferedEventStream(stream);
    expect(out).not.toBe(stream);
    expect(out.headers.get('x-accel-buffering')).toBe('no');
    expect(out.headers.get('content-type')).toBe('text/event-stream');
  });
});
