/**
 * The consent page and the error page: who asks (escaped, unverified flagged), where the
 * browser goes (host prominent), as whom, what the tools can do (destructive ones listed under
 * a warning), one POST form to the action with the CSRF token and approve/deny buttons.
 */
import { describe, expect, it } from 'bun:test';
import {
  CSRF_FIELD,
  DECISION_FIELD,
  readConsentDecision,
  renderConsentPage,
  type ConsentPageOptions,
} from '../../../../src/routes/auth/pages/consent.ts';
import { redirectHost } from '../../../../src/routes/auth/pages/client.ts';
import { errorPageResponse, renderErrorPage } from '../../../../src/routes/auth/pages/error.ts';
import { byTag, danglingDescriptions, HOSTILE, parse, unlabelledControls } from './inspect.ts';

const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';

function options(overrides: Partial<ConsentPageOptions> = {}): ConsentPageOptions {
  return {
    clientName: 'Claude',
    redirectUri: 'https://claude.ai/api/mcp/auth_callback',
    unverifiedClient: false,
    username: 'chaen',
    vo: 'lhcb',
    group: 'lhcb_user',
    properties: ['NormalUser', 'PrivateLimitedDelegation'],
    tools: [
      { name: 'search_jobs', title: 'Search jobs', destructive: false },
      { name: 'get_job', title: 'Get a job', destructive: false, readOnly: true },
      { name: 'submit_job', title: 'Submit a job', destructive: false, readOnly: false },
      { name: 'kill_jobs', title: 'Kill jobs', destructive: true },
      { name: 'delete_jobs', title: 'Delete jobs', destructive: true },
    ],
    csrfToken: '1893456600.abc_DEF-123',
    action: '/api/auth/authorize/consent',
    hidden: { flow: 'f-1' },
    nonce: NONCE,
    ...overrides,
  };
}

describe('renderConsentPage', () => {
  it('says who asks, where the browser goes, and as whom', async () => {
    const parsed = await parse(renderConsentPage(options()));
    expect(byTag(parsed, 'h1')).toHaveLength(1);
    expect(parsed.text).toContain('Allow “Claude” to use the grid as you?');
    expect(parsed.text).not.toContain('not verified');
    expect(parsed.text).toContain('Where your browser goes next\nclaude.ai\n');
    expect(parsed.text).toContain('Full address: https://claude.ai/api/mcp/auth_callback');
    expect(parsed.elements.some((e) => e.attrs.class === 'host')).toBe(true);
    for (const fact of ['User', 'chaen', 'VO', 'lhcb', 'Group', 'lhcb_user', 'NormalUser, PrivateLimitedDelegation']) {
      expect(parsed.text).toContain(fact);
    }
  });

  it('flags an unverified client name', async () => {
    const parsed = await parse(renderConsentPage(options({ unverifiedClient: true })));
    expect(parsed.text).toContain('“Claude” name not verified');
    expect(parsed.text).toContain('nobody has checked it');
  });

  it('says when the browser stays on this computer', async () => {
    const loopback = await parse(renderConsentPage(options({ redirectUri: 'http://127.0.0.1:33418/callback' })));
    expect(loopback.text).toContain('127.0.0.1:33418 (a program running on this computer)');
    const custom = await parse(
      renderConsentPage(options({ redirectUri: 'cursor://anysphere.cursor-retrieval/oauth/cb' })),
    );
    expect(custom.text).toContain('cursor://anysphere.cursor-retrieval (an application on this computer)');
  });

  it('lists read-only tools briefly, changes, and destructive tools explicitly under a warning', async () => {
    const parsed = await parse(renderConsentPage(options()));
    expect(parsed.text).toContain("Read your jobs and the grid's state: Search jobs, Get a job.");
    expect(parsed.text).toContain('Make changes as you:');
    expect(parsed.text).toContain('Submit a job submit_job');
    expect(parsed.text).toContain('Act on your jobs in ways that cannot be undone:');
    expect(parsed.text).toContain('Kill jobs kill_jobs');
    expect(parsed.text).toContain('Delete jobs delete_jobs');
    const custom = await parse(
      renderConsentPage(options({ destructiveSummary: 'It can kill, delete and reschedule your jobs:' })),
    );
    expect(custom.text).toContain('It can kill, delete and reschedule your jobs:');
    const none = await parse(renderConsentPage(options({ tools: [] })));
    expect(none.text).toContain('It will use no tools.');
    expect(none.elements.some((e) => e.attrs.class === 'warn')).toBe(false);
  });

  it('is one POST form to the action with the hidden fields, the CSRF token and approve/deny', async () => {
    const parsed = await parse(renderConsentPage(options()));
    expect(byTag(parsed, 'form').map((f) => f.attrs)).toEqual([
      { method: 'post', action: '/api/auth/authorize/consent' },
    ]);
    expect(byTag(parsed, 'input').map((i) => i.attrs)).toEqual([
      { type: 'hidden', name: 'flow', value: 'f-1' },
      { type: 'hidden', name: CSRF_FIELD, value: '1893456600.abc_DEF-123' },
    ]);
    expect(byTag(parsed, 'button').map((b) => [b.attrs.type, b.attrs.name, b.attrs.value])).toEqual([
      ['submit', DECISION_FIELD, 'deny'],
      ['submit', DECISION_FIELD, 'approve'],
    ]);
    expect(unlabelledControls(parsed)).toEqual([]);
    expect(danglingDescriptions(parsed)).toEqual([]);
  });

  it('escapes every attacker-controlled value', async () => {
    for (const evil of HOSTILE) {
      const doc = renderConsentPage(
        options({
          clientName: evil,
          redirectUri: `https://x.example/${evil}`,
          username: evil,
          vo: evil,
          group: evil,
          properties: [evil],
          tools: [
            { name: evil, title: evil, destructive: true },
            { name: evil, title: evil, destructive: false },
          ],
          csrfToken: evil,
          hidden: { [evil]: evil },
          destructiveSummary: evil,
        }),
      );
      expect(doc).not.toMatch(/<script|<img|<svg/i);
      const parsed = await parse(doc);
      expect(byTag(parsed, 'script')).toEqual([]);
      expect(parsed.elements.filter((e) => Object.keys(e.attrs).some((a) => a.startsWith('on')))).toEqual([]);
      expect(parsed.text).toContain(`Allow “${evil}” to use the grid`);
      expect(byTag(parsed, 'input').map((i) => i.attrs.value)).toEqual([evil, evil]);
    }
  });

  it('refuses unsafe actions and reserved hidden names', () => {
    expect(() => renderConsentPage(options({ action: 'javascript:alert(1)' }))).toThrow(TypeError);
    expect(() => renderConsentPage(options({ action: '//evil.example/consent' }))).toThrow(TypeError);
    expect(() => renderConsentPage(options({ action: '/consent?flow=1' }))).not.toThrow();
    expect(() => renderConsentPage(options({ hidden: { [CSRF_FIELD]: 'x' } }))).toThrow(TypeError);
    expect(() => renderConsentPage(options({ hidden: { [DECISION_FIELD]: 'approve' } }))).toThrow(TypeError);
  });
});

describe('redirectHost', () => {
  it('is the host the browser will reach, derived from the redirect URI', () => {
    expect(redirectHost('https://claude.ai/api/mcp/auth_callback')).toBe('claude.ai');
    expect(redirectHost('https://user:pw@evil.example:8443/claude.ai')).toBe('evil.example:8443');
    expect(redirectHost('http://[::1]:3000/cb')).toBe('[::1]:3000');
    expect(redirectHost('https://exаmple.com/cb')).toBe('xn--exmple-4nf.com');
    expect(redirectHost('cursor://anysphere.cursor-retrieval/oauth/cb')).toBe('cursor://anysphere.cursor-retrieval');
    expect(redirectHost('vscode:/callback')).toBe('vscode:');
    expect(() => redirectHost('not a url')).toThrow(TypeError);
  });

  it('shows on the page the host of the URI, whatever the path claims', async () => {
    const parsed = await parse(renderConsentPage(options({ redirectUri: 'https://evil.example/https://claude.ai/' })));
    expect(parsed.text).toContain('Where your browser goes next\nevil.example\n');
    expect(() => renderConsentPage(options({ redirectUri: 'nope' }))).toThrow(TypeError);
  });
});

describe('readConsentDecision', () => {
  it('reads approve and deny, nothing else', () => {
    expect(readConsentDecision('approve')).toBe('approve');
    expect(readConsentDecision('deny')).toBe('deny');
    for (const other of [undefined, null, '', 'Approve', 'yes', ['approve']])
      expect(readConsentDecision(other)).toBeUndefined();
  });
});

describe('error page', () => {
  it('renders title and message escaped, without a form or script', async () => {
    const doc = renderErrorPage({ title: 'Unknown client <x>', message: HOSTILE.join(' '), nonce: NONCE });
    expect(doc).not.toMatch(/<script|<img|<svg/i);
    const parsed = await parse(doc);
    expect(byTag(parsed, 'h1')).toHaveLength(1);
    expect(parsed.text).toContain('Unknown client <x>');
    expect(parsed.text).toContain(HOSTILE[0] ?? '');
    expect(byTag(parsed, 'form')).toEqual([]);
  });

  it('answers 400 by default with the page headers, its style nonce in the CSP', async () => {
    const response = errorPageResponse({ title: 'Bad request', message: 'The form expired.' });
    expect(response.status).toBe(400);
    expect(errorPageResponse({ title: 't', message: 'm' }, 403).status).toBe(403);
    const nonce = /<style nonce="([^"]+)">/.exec(await response.text())?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(response.headers.get('content-security-policy')).toContain(`style-src 'nonce-${nonce}';`);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
