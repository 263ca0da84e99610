/**
 * A minimal MCP Apps host, in the browser, for the job monitor test: the v2 MCP client connects
 * to our real /mcp (same origin, the person's bearer token), calls `show_job_monitor`, reads the
 * `ui://` resource its `_meta.ui` names, and renders it in a sandboxed iframe (scripts only: an
 * opaque origin, no same-origin access) through the ext-apps `AppBridge`, which answers the
 * view's handshake and forwards its tool calls to the server through the same client. Bundled
 * for the browser by the test (`bun build`); what it learns goes to `window.hostState`.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { AppBridge, getToolUiResourceUri, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

interface HostState {
  ready: boolean;
  error?: string;
  resourceUri?: string;
  mimeType?: string;
  /** Tools the view called through the bridge, in order. */
  calls: string[];
}

declare global {
  interface Window {
    hostConfig: {
      token: string;
      args?: Record<string, unknown>;
      theme?: 'light' | 'dark';
      /** Tools the host refuses to call for the view (as a host whose user said no would). */
      refuse?: string[];
    };
    hostState: HostState;
  }
}

const state: HostState = { ready: false, calls: [] };
window.hostState = state;
const info = { name: 'diracx-ts test host', version: '1.0.0' };

async function main(): Promise<void> {
  const client = new Client(info);
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', location.origin), {
      requestInit: { headers: { authorization: `Bearer ${window.hostConfig.token}` } },
    }),
  );
  const { tools } = await client.listTools();
  const tool = tools.find((t) => t.name === 'show_job_monitor');
  const uri = tool ? getToolUiResourceUri(tool) : undefined;
  if (!uri) throw new Error('show_job_monitor names no view');
  state.resourceUri = uri;
  const result = await client.callTool({ name: 'show_job_monitor', arguments: window.hostConfig.args ?? {} });
  const resource = await client.readResource({ uri });
  const content = resource.contents[0];
  if (!content || !('text' in content)) throw new Error('the view resource has no HTML');
  state.mimeType = content.mimeType;

  const iframe = document.createElement('iframe');
  iframe.id = 'view';
  iframe.title = 'Job monitor';
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.style.width = '100%';
  iframe.style.border = '1px solid #d0d4dc';
  document.getElementById('host')?.append(iframe);
  const bridge = new AppBridge(
    client,
    info,
    { serverTools: {}, logging: {} },
    {
      hostContext: { theme: window.hostConfig.theme ?? 'light', displayMode: 'inline', platform: 'web' },
    },
  );
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.height = String(height);
  };
  bridge.oninitialized = () => {
    void bridge.sendToolResult(result as Parameters<typeof bridge.sendToolResult>[0]);
    state.ready = true;
  };
  const frame = iframe.contentWindow;
  if (!frame) throw new Error('no iframe window');
  await bridge.connect(new PostMessageTransport(frame, frame));
  const forward = bridge.oncalltool;
  bridge.oncalltool = async (params, extra) => {
    state.calls.push(params.name);
    if (window.hostConfig.refuse?.includes(params.name)) throw new Error(`The host refused to call ${params.name}`);
    if (!forward) throw new Error('the bridge forwards no tool calls');
    return forward(params, extra);
  };
  iframe.srcdoc = content.text;
}

main().catch((err: unknown) => {
  state.error = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
});
