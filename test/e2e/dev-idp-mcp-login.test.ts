/**
 * README's "Try it", steps 2 and 3, in a real browser against the embedded defaults: the real
 * server process on the shipped configuration with its development identity provider (nothing
 * set but the port and, to match it, the issuer on localhost); the official MCP SDK client with
 * its OAuth client provider (as Claude Code or the MCP Inspector) meets /mcp, discovers our
 * authorization server, registers itself and sends the person to /authorize; headless Chromium
 * (Debian's `chromium`, driven by playwright-core) picks the VO, picks chaen at the development
 * provider's login page, and approves our consent page; the client then calls tools as chaen.
 * Skips, or fails under DIRACX_REQUIRE_BROWSER_TESTS=1, as `mcp-browser-login.test.ts` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium, type Browser } from 'playwright-core';
import { findFreePort, type RunningServer, startServer } from '../harness/server-process.ts';
import { HostOAuthProvider } from './host-oauth-provider.ts';

const CHROMIUM = '/usr/bin/chromium';
const BROWSER_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_BROWSER_TESTS === '1';
const haveChromium = await Bun.file(CHROMIUM).exists();
if (!haveChromium && !BROWSER_TESTS_REQUIRED) {
  describe('MCP host login at the development identity provider in Chromium', () => {
    const skippedTitle =
      `runs in a real browser (skipped: no ${CHROMIUM}, apt-get install chromium; ` +
      `set DIRACX_REQUIRE_BROWSER_TESTS=1 to fail instead)`;
    it.skip(skippedTitle, () => {});
  });
} else {
  let server: RunningServer;
  let browser: Browser;
  let callback: ReturnType<typeof Bun.serve>;
  let mcpUrl: URL;
  /** What the browser brought back to the client's redirect URI. */
  const answers: URLSearchParams[] = [];

  beforeAll(async () => {
    const port = findFreePort();
    const base = `http://localhost:${port}`;
    mcpUrl = new URL(`${base}/mcp`);
    // `bun run server` on another port: DIRACX_DEV_IDP unset (empty; the harness sets false).
    server = await startServer({ PORT: String(port), DIRACX_SERVICE_AUTH_TOKEN_ISSUER: base, DIRACX_DEV_IDP: '' });
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
  }, 60_000);

  describe('MCP host login at the development identity provider in Chromium', () => {
    it('picks lhcb, chaen at the login page, approves; the SDK client then calls tools as chaen', async () => {
      const provider = new HostOAuthProvider(`http://127.0.0.1:${callback.port}/callback`, 'Claude Code (test)');
      const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
      await expect(new Client({ name: 'host', version: '1.0.0' }).connect(transport)).rejects.toThrow(/Unauthorized/);
      const url = provider.authorizationUrl;
      if (!url) throw new Error('the SDK did not ask for the person');

      const page = await browser.newPage();
      try {
        await page.goto(url.toString());
        await page.getByLabel('lhcb_user').first().check();
        await page.getByRole('button', { name: 'Continue to log in' }).click();
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/dev-idp/lhcb/authorize');
        const login = await page.content();
        expect(login).toContain('no password');
        for (const shown of ['chaen', 'albdr', 'lhcbadmin', 'lhcbpilot']) expect(login).toContain(shown);
        await page.getByLabel(/^chaen/).check();
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('button', { name: 'Approve' }).waitFor();
        const consent = await page.content();
        for (const shown of ['Claude Code (test)', 'chaen', 'lhcb_user']) expect(consent).toContain(shown);
        await page.getByRole('button', { name: 'Approve' }).click();
        await page.waitForURL((u) => u.port === String(callback.port));
      } finally {
        await page.close();
      }
      const back = answers[0];
      expect(back?.get('state')).toBe('host-state');
      await transport.finishAuth(back?.get('code') ?? '');

      const client = new Client({ name: 'host', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
      try {
        const me = await client.callTool({ name: 'whoami', arguments: {} });
        expect(me.structuredContent).toMatchObject({ preferred_username: 'chaen', vo: 'lhcb', group: 'lhcb_user' });
        const job = await client.callTool({
          name: 'submit_job',
          arguments: { executable: 'echo', arguments: 'Hello', job_name: 'try-it' },
        });
        expect(job.isError ?? false).toBe(false);
        const found = await client.callTool({
          name: 'search_jobs',
          arguments: { parameter: 'JobName', operator: 'eq', value: 'try-it', result_fields: ['JobName', 'Owner'] },
        });
        expect(found.structuredContent).toMatchObject({ data: [{ JobName: 'try-it', Owner: 'chaen' }] });
      } finally {
        await client.close();
      }
    }, 90_000);
  });
}
