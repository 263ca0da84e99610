/**
 * @module mcp/monitor/resource
 * The job monitor view as an MCP Apps resource (`ui://`, `text/html;profile=mcp-app`), the page
 * `show_job_monitor` names in its `_meta.ui.resourceUri`. Its metadata asks the host for no
 * network domain, resource domain, frame or permission: the page calls our tools through the
 * host and loads nothing (its own CSP says the same).
 */
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { JOB_MONITOR_URI } from '../../tools/monitor.ts';
import { MONITOR_VIEW_HTML } from './view-html.gen.ts';

const UI_META = { csp: { connectDomains: [], resourceDomains: [], frameDomains: [] }, prefersBorder: true };

export function registerMonitorView(server: McpServer): void {
  server.registerResource(
    'job-monitor',
    JOB_MONITOR_URI,
    {
      title: 'Job monitor',
      description: 'The interactive view of show_job_monitor (MCP Apps): jobs, counts, history, StdErr, actions.',
      mimeType: RESOURCE_MIME_TYPE,
      _meta: { ui: UI_META },
    },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: RESOURCE_MIME_TYPE, text: MONITOR_VIEW_HTML, _meta: { ui: UI_META } }],
    }),
  );
}
