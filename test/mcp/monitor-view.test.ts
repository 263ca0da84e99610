/**
 * The job monitor as MCP Apps serves it: `show_job_monitor` names its `ui://` view in
 * `_meta.ui.resourceUri` (and the older `ui/resourceUri` key), no other tool names one; the view
 * is listed and read as `text/html;profile=mcp-app`, asks the host for no domain; its page is
 * self-contained under a CSP that allows exactly its inline script and style (by hash) and no
 * connection or remote asset; hosts without Apps get the same data as text and structured
 * content. The generated module (`bun run monitor-view`) must match the view's sources.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createHash } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { MONITOR_VIEW_HTML } from '../../src/mcp/monitor/view-html.gen.ts';
import { buildMonitorViewHtml } from '../../src/process/monitor-view.ts';
import { submitJob } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

const URI = 'ui://diracx/job-monitor.html';
const MIME = 'text/html;profile=mcp-app';

describe('the job monitor view page', () => {
  it('is what `bun run monitor-view` builds from src/mcp/monitor/view (run it after changing the view)', async () => {
    expect(await buildMonitorViewHtml()).toBe(MONITOR_VIEW_HTML);
  });

  const only = (pattern: RegExp): string[] => [...MONITOR_VIEW_HTML.matchAll(pattern)].map((m) => m[1] ?? '');
  const hash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

  it('allows by its CSP exactly its one inline script and style, and nothing from anywhere', () => {
    const [csp] = only(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g);
    const [script, ...moreScripts] = only(/<script type="module">([\s\S]*?)<\/script>/g);
    const [style, ...moreStyles] = only(/<style>([\s\S]*?)<\/style>/g);
    expect([moreScripts, moreStyles]).toEqual([[], []]);
    const directives = Object.fromEntries(
      (csp ?? '').split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': hash(script ?? ''),
      'style-src': hash(style ?? ''),
      'img-src': "'none'",
      'connect-src': "'none'",
      'frame-src': "'none'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
    });
    expect(MONITOR_VIEW_HTML.match(/<script/g)).toHaveLength(1);
    expect(MONITOR_VIEW_HTML).not.toMatch(/<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\(/i);
    expect(script).not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|innerHTML|eval\(/);
  });
});

describe('the job monitor over MCP', () => {
  let server: McpTestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startMcpTestServer();
    await submitJob(server.app, 'owner', '[Executable = "echo"; JobName = "monitor_me";]');
    client = new Client({ name: 'no-apps-host', version: '1.0.0' });
    const token = await server.token('lhcb', 'lhcb_user', 'chaen');
    await client.connect(
      new StreamableHTTPClientTransport(server.mcpUrl, {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('names the view on show_job_monitor only', async () => {
    const { tools } = await client.listTools();
    const withUi = tools.filter((t) => t._meta?.ui !== undefined || t._meta?.['ui/resourceUri'] !== undefined);
    expect(withUi.map((t) => [t.name, t._meta])).toEqual([
      ['show_job_monitor', { ui: { resourceUri: URI }, 'ui/resourceUri': URI }],
    ]);
  });

  it('lists and serves the view as an MCP App resource asking for no domain', async () => {
    const { resources } = await client.listResources();
    expect(resources.find((r) => r.uri === URI)).toMatchObject({ name: 'job-monitor', mimeType: MIME });
    const read = await client.readResource({ uri: URI });
    expect(read.contents).toEqual([
      {
        uri: URI,
        mimeType: MIME,
        text: MONITOR_VIEW_HTML,
        _meta: { ui: { csp: { connectDomains: [], resourceDomains: [], frameDomains: [] }, prefersBorder: true } },
      },
    ]);
  });

  it('gives a host without Apps the same result as text and structured content', async () => {
    const result = await client.callTool({ name: 'show_job_monitor', arguments: { name_contains: 'monitor' } });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as { jobs: { JobName: string }[]; status_summary: unknown };
    expect(structured.jobs.map((j) => j.JobName)).toEqual(['monitor_me']);
    expect(structured.status_summary).toEqual({ Received: 1 });
    const [text] = result.content as { type: string; text: string }[];
    expect(JSON.parse(text!.text)).toEqual(structured);
  });

  it('refuses a sort column outside the table with the JSON-RPC invalid-params error', async () => {
    const error = await client.callTool({ name: 'show_job_monitor', arguments: { sort_by: 'Owner' } }).then(
      () => undefined,
      (e: unknown) => e as { code?: number; message?: string },
    );
    expect(error?.code).toBe(-32602);
    expect(error?.message).toContain('sort_by');
  });
});
