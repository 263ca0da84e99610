/**
 * End to end, in a real browser: the official MCP SDK client (v1, with its OAuth client provider)
 * meets our /mcp, discovers our authorization server, registers itself (RFC 7591) and sends the
 * person to /authorize; headless Chromium (Debian's `chromium`, driven by playwright-core) picks
 * the VO, logs in at a real upstream OIDC provider (oidc-provider), and approves our consent
 * page; the client then lists and calls tools as that person. A second run denies consent and
 * the client gets no token. Without Chromium here (`apt-get install chromium`) the tests skip with
 * the reason in their name, unless DIRACX_REQUIRE_BROWSER_TESTS=1 makes that a failure (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium, type Browser } from 'playwright-core';
import { CHAEN_SUB, IDP_CLIENT_ID, loginConfig } from '../harness/login.ts';
import { startTestIdp, type TestIdp } from '../harness/oidc-provider.ts';
import { findFreePort } from '../harness/server-process.ts';
import { HostOAuthProvider } from './host-oauth-provider.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const BROWSER_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_BROWSER_TESTS === '1';
const haveChromium = await Bun.file(CHROMIUM).exists();
if (!haveChromium && !BROWSER_TESTS_REQUIRED) {
  describe('MCP host browser login in Chromium', () => {
    const skippedTitle =
      `runs in a real browser (skipped: no ${CHROMIUM}, apt-get install chromium; ` +
      `set DIRACX_REQUIRE_BROWSER_TESTS=1 to fail instead)`;
    it.skip(skippedTitle, () => {});
  });
} else {
  let idp: TestIdp;
  let server: McpTestServer;
  let browser: Browser;
  let callback: ReturnType<typeof Bun.serve>;
  /** What the browser brought back to the client's redirect URI. */
  let answers: URLSearchParams[] = [];

  beforeAll(async () => {
    const port = findFreePort();
    idp = await startTestIdp({
      users: [{ sub: CHAEN_SUB, preferredUsername: 'chaen' }],
      clients: [{ clientId: IDP_CLIENT_ID, redirectUris: [`http://127.0.0.1:${port}/api/auth/authorize/complete`] }],
    });
    server = await startMcpTestServer({ port, config: await loginConfig(idp.issuer) });
    callback = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(req) {
        answers.push(new URL(req.url).searchParams);
        return new Response('Signed in; you can close this window.');
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await callback?.stop(true);
    await server?.stop();
    await idp?.stop();
  });

  /** Connects until the SDK asks for the person; returns the authorization URL it built. */
  async function startLogin(
    provider: HostOAuthProvider,
  ): Promise<{ transport: StreamableHTTPClientTransport; url: URL }> {
    const transport = new StreamableHTTPClientTransport(server.mcpUrl, { authProvider: provider });
    await expect(new Client({ name: 'host', version: '1.0.0' }).connect(transport)).rejects.toThrow(/Unauthorized/);
    expect(provider.authorizationUrl).toBeDefined();
    return { transport, url: provider.authorizationUrl! };
  }

  /** The person in the browser: VO choice, IdP login and consent; resolves with what reached the client. */
  async function personSignsIn(url: URL, decision: 'approve' | 'deny'): Promise<URLSearchParams> {
    answers = [];
    const page = await browser.newPage();
    try {
      await page.goto(url.toString());
      await page.getByLabel('lhcb_user').first().check();
      await page.getByRole('button', { name: 'Continue to log in' }).click();
      await page.locator('input[name="sub"]').fill(CHAEN_SUB);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      const consent = await page.content();
      for (const shown of ['Claude Code (test)', '127.0.0.1', 'chaen', 'lhcb']) expect(consent).toContain(shown);
      await page.getByRole('button', { name: decision === 'approve' ? 'Approve' : 'Deny' }).click();
      await page.waitForURL((u) => u.port === String(callback.port));
      return answers[0]!;
    } finally {
      await page.close();
    }
  }

  describe('MCP host browser login in Chromium', () => {
    it('approves consent, and the SDK client lists and calls tools as that person', async () => {
      const provider = new HostOAuthProvider(`http://127.0.0.1:${callback.port}/callback`, 'Claude Code (test)');
      const { transport, url } = await startLogin(provider);
      expect(url.searchParams.get('resource')).toBe(server.mcpUrl.href);
      const back = await personSignsIn(url, 'approve');
      expect(back.get('state')).toBe('host-state');
      await transport.finishAuth(back.get('code')!);
      const client = new Client({ name: 'host', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(server.mcpUrl, { authProvider: provider }));
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain('search_jobs');
        const me = await client.callTool({ name: 'whoami', arguments: {} });
        expect(me.structuredContent).toMatchObject({ preferred_username: 'chaen', vo: 'lhcb', group: 'lhcb_user' });
      } finally {
        await client.close();
      }
    }, 60_000);

    it('denies consent: the client gets access_denied and no token', async () => {
      const provider = new HostOAuthProvider(`http://127.0.0.1:${callback.port}/callback`, 'Claude Code (test)');
      const { url } = await startLogin(provider);
      const back = await personSignsIn(url, 'deny');
      expect([back.get('error'), back.get('code')]).toEqual(['access_denied', null]);
      expect(provider.tokens()).toBeUndefined();
      await expect(
        new Client({ name: 'host', version: '1.0.0' }).connect(
          new StreamableHTTPClientTransport(server.mcpUrl, { authProvider: provider }),
        ),
      ).rejects.toThrow(/Unauthorized/);
    }, 60_000);
  });
}
