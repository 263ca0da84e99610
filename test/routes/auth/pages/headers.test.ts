/**
 * The security headers of the login pages, exactly: the CSP with the response's nonce and the
 * form targets, the anti-framing, caching, sniffing, referrer, opener and permission headers.
 */
import { describe, expect, it } from 'bun:test';
import {
  contentSecurityPolicy,
  formActionSource,
  htmlResponse,
  newNonce,
  securityHeaders,
} from '../../../../src/routes/auth/pages/headers.ts';
import { page, html } from '../../../../src/routes/auth/pages/html.ts';

const NONCE = 'n0nce-n0nce_n0nce-n0nc';

describe('newNonce', () => {
  it('is 16 random bytes in base64url, fresh each time', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newNonce()).not.toBe(a);
    expect(newNonce((n) => new Uint8Array(n).fill(255))).toBe('_____________________w');
  });
});

describe('contentSecurityPolicy', () => {
  it('is strict, with the nonce on styles only', () => {
    expect(contentSecurityPolicy(NONCE)).toBe(
      `default-src 'none'; style-src 'nonce-${NONCE}'; img-src 'self' ` +
        `data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
  });

  it('adds form targets as origins or schemes, once each', () => {
    expect(
      contentSecurityPolicy(NONCE, [
        'https://claude.ai/api/mcp/auth_callback',
        'https://claude.ai/other?x=1',
        'http://127.0.0.1:33418/callback',
        'cursor://anysphere.cursor-retrieval/oauth/user-cursor/callback',
        'Claude:',
      ]),
    ).toContain("form-action 'self' https://claude.ai http://127.0.0.1:33418 cursor: claude:;");
  });

  it('refuses a nonce or a target that could change the policy', () => {
    expect(() => contentSecurityPolicy("x'; script-src *")).toThrow(TypeError);
    expect(() => contentSecurityPolicy('short')).toThrow(TypeError);
    expect(() => contentSecurityPolicy(NONCE, ['https://a.example; script-src *'])).toThrow(TypeError);
    expect(() => contentSecurityPolicy(NONCE, ["'unsafe-inline'"])).toThrow(TypeError);
  });
});

describe('formActionSource', () => {
  it('refuses schemes no form may reach and non-URLs', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:',
      'data:text/html,x',
      'blob:https://a.example/x',
      'file:///etc',
      'not a url',
      '',
    ]) {
      expect(() => formActionSource(bad)).toThrow(TypeError);
    }
  });

  it('keeps a port and an IPv6 loopback', () => {
    expect(formActionSource('http://[::1]:8080/cb')).toBe('http://[::1]:8080');
    expect(formActionSource('https://example.org:443/cb')).toBe('https://example.org');
  });
});

describe('securityHeaders', () => {
  it('is exactly the page header set', () => {
    expect(securityHeaders(NONCE, ['https://idp.example.org/authorize'])).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        `default-src 'none'; style-src 'nonce-${NONCE}'; img-src 'self' data:; ` +
        "form-action 'self' https://idp.example.org; frame-ancestors 'none'; base-uri 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    });
  });
});

describe('htmlResponse', () => {
  it('answers the page with its status and headers, the style nonce matching the CSP', async () => {
    const nonce = newNonce();
    const doc = page({ title: 't', body: html`<p>x</p>`, nonce });
    const response = htmlResponse(doc, nonce, 403, ['https://claude.ai/cb']);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`style-src 'nonce-${nonce}';`);
    expect(csp).toContain("form-action 'self' https://claude.ai;");
    const body = await response.text();
    expect(body).toBe(doc);
    expect(body).toContain(`<style nonce="${nonce}">`);
  });

  it('defaults to 200', () => {
    expect(htmlResponse('', NONCE).status).toBe(200);
  });
});
