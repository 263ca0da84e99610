/**
 * Redirect URIs of public clients: https anywhere, http only on loopback (any port), native
 * app schemes, never script/data/file-like schemes, fragments or user information; matching
 * is exact except for the port of loopback http URIs (RFC 8252 §7.3).
 */
import { describe, expect, it } from 'bun:test';
import {
  MAX_REDIRECT_URI_LENGTH,
  parseLoopbackUri,
  redirectUriMatches,
  redirectUriProblem,
} from '../../../../src/logic/auth/clients/redirect-uris.ts';

describe('redirectUriProblem', () => {
  it.each([
    'https://claude.ai/api/mcp/auth_callback',
    'https://app.example/cb?tenant=1',
    'http://127.0.0.1:33418/callback',
    'http://127.0.0.1/callback',
    'http://localhost:6274/oauth/callback',
    'http://[::1]:8080/cb',
    'http://127.0.0.1:65535',
    'cursor://anysphere.cursor-retrieval/oauth/user-mcp/callback',
    'com.example.app:/cb',
    'com.example.app:/oauth2redirect?x=1',
    'vscode://vscode.github-authentication/did-authenticate',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['javascript:alert(1)', 'javascript: scheme'],
    ['JavaScript://x/%0aalert(1)', 'javascript: scheme'],
    ['data:text/html,<script>alert(1)</script>', 'data: scheme'],
    ['file:///etc/passwd', 'file: scheme'],
    ['vbscript:msgbox(1)', 'vbscript: scheme'],
    ['blob:https://a.example/uuid', 'blob: scheme'],
    ['about:blank', 'about: scheme'],
    ['ftp://a.example/cb', 'ftp: scheme'],
    ['http://evil.example/cb', 'http is only allowed on'],
    ['http://127.0.0.2/cb', 'http is only allowed on'],
    ['http://0x7f.1/cb', 'http is only allowed on'],
    ['http://localhost.evil.example/cb', 'http is only allowed on'],
    ['http://localhost:0/cb', 'http is only allowed on'],
    ['http://localhost:70000/cb', 'not an absolute URI'],
    ['https://a.example/cb#frag', 'has a fragment'],
    ['http://127.0.0.1:8080/cb#', 'has a fragment'],
    ['https://user:pw@a.example/cb', 'user information'],
    ['http://user@127.0.0.1/cb', 'user information'],
    ['cursor://me@anysphere.cursor-retrieval/cb', 'user information'],
    ['https://a.example/c b', 'whitespace'],
    ['https://a.example/\tcb', 'whitespace'],
    ['https://a.example\\@evil.example/', 'backslash'],
    ['/relative/cb', 'not an absolute URI'],
    ['', 'empty'],
    ['com.example.app:', 'names no callback'],
    ['cursor://', 'names no callback'],
    [`https://a.example/${'x'.repeat(MAX_REDIRECT_URI_LENGTH)}`, 'longer than'],
  ])('refuses %s (%s)', (uri, reason) => {
    expect(redirectUriProblem(uri)).toContain(reason);
  });

  it('refuses what is not a string', () => {
    expect(redirectUriProblem(42)).toBe('redirect URIs must be strings');
  });
});

describe('redirectUriMatches', () => {
  it('lets a loopback http URI come back on any port, with the same host, path and query', () => {
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:51234/callback')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:33418/callback', 'http://127.0.0.1:40000/callback')).toBe(true);
    expect(
      redirectUriMatches('http://localhost:6274/oauth/callback?a=1', 'http://localhost:9/oauth/callback?a=1'),
    ).toBe(true);
    expect(redirectUriMatches('http://[::1]:1/cb', 'http://[::1]:2/cb')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:1', 'http://127.0.0.1:2/')).toBe(true);
  });

  it('refuses a loopback URI with another host, path or query, or another scheme', () => {
    expect(redirectUriMatches('http://127.0.0.1:1/cb', 'http://localhost:1/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:1/cb', 'http://127.0.0.1:1/cb2')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:1/cb', 'http://127.0.0.1:1/cb?x=1')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:1/cb', 'https://127.0.0.1:1/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:1/cb', 'http://127.0.0.1:1/cb#x')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:1/cb', 'http://127.0.0.1:1@evil.example/cb')).toBe(false);
  });

  it('matches everything else only exactly', () => {
    expect(
      redirectUriMatches('https://claude.ai/api/mcp/auth_callback', 'https://claude.ai/api/mcp/auth_callback'),
    ).toBe(true);
    expect(
      redirectUriMatches('https://claude.ai/api/mcp/auth_callback', 'https://claude.ai:443/api/mcp/auth_callback'),
    ).toBe(false);
    expect(
      redirectUriMatches('https://claude.ai/api/mcp/auth_callback', 'https://claude.ai/api/mcp/auth_callback/'),
    ).toBe(false);
    expect(redirectUriMatches('https://localhost:1/cb', 'https://localhost:2/cb')).toBe(false);
    expect(redirectUriMatches('cursor://anysphere.cursor-retrieval/cb', 'cursor://anysphere.cursor-retrieval/cb')).toBe(
      true,
    );
    expect(redirectUriMatches('cursor://anysphere.cursor-retrieval/cb', 'CURSOR://anysphere.cursor-retrieval/cb')).toBe(
      false,
    );
  });
});

describe('parseLoopbackUri', () => {
  it('splits host, port and path', () => {
    expect(parseLoopbackUri('http://127.0.0.1:8080/cb?x=1')).toEqual({
      host: '127.0.0.1',
      port: '8080',
      rest: '/cb?x=1',
    });
    expect(parseLoopbackUri('http://localhost?x=1')).toEqual({ host: 'localhost', port: undefined, rest: '/?x=1' });
    expect(parseLoopbackUri('https://127.0.0.1/cb')).toBeUndefined();
  });
});
