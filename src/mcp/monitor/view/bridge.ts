/**
 * @module mcp/monitor/view/bridge
 * The view's side of the MCP Apps host bridge (ext-apps spec 2026-01-26), in the browser: JSON-RPC
 * over `postMessage` with the host window only. It opens with `ui/initialize` and
 * `ui/notifications/initialized`, hands the host's tool input and result notifications to the
 * view, answers `ping` and `ui/resource-teardown`, reports the view's size, and sends
 * `tools/call` requests, which the host forwards to our MCP server: the view has no other way
 * out (its CSP forbids every connection). Small on purpose: the ext-apps `App` class would
 * bring the MCP client and zod into a view that needs a few messages.
 */

/** A tool result as MCP carries it. */
export interface ToolResult {
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** What the view reads of the host's context. */
export interface HostContext {
  theme?: 'light' | 'dark';
  styles?: { variables?: Record<string, string | undefined> };
}

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { code: number; message: string };
}

const PROTOCOL_VERSION = '2026-01-26';

export class HostBridge {
  #next = 1;
  readonly #pending = new Map<number | string, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** The result of the tool call this view shows (sent by the host once the view is ready). */
  ontoolresult: ((result: ToolResult) => void) | undefined;
  /** The host's context changed (theme, styles). */
  oncontext: ((context: HostContext) => void) | undefined;

  constructor(private readonly host: Window) {
    window.addEventListener('message', (event) => {
      if (event.source === this.host) this.#receive(event.data as Message);
    });
  }

  #post(message: Message): void {
    // The view's own origin is opaque (a sandboxed frame): the host is the only window it talks to.
    this.host.postMessage(message, '*');
  }

  #receive(message: Message): void {
    if (typeof message !== 'object' || message === null || message.jsonrpc !== '2.0') return;
    if (message.method === undefined && message.id !== undefined) {
      const waiting = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(message.error.message));
      else waiting?.resolve(message.result);
      return;
    }
    if (message.id !== undefined) {
      const known = message.method === 'ping' || message.method === 'ui/resource-teardown';
      this.#post(
        known
          ? { jsonrpc: '2.0', id: message.id, result: {} }
          : { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } },
      );
      return;
    }
    if (message.method === 'ui/notifications/tool-result') this.ontoolresult?.((message.params ?? {}) as ToolResult);
    if (message.method === 'ui/notifications/host-context-changed')
      this.oncontext?.((message.params ?? {}) as HostContext);
  }

  /** Sends a request to the host; resolves with its result, rejects with its error. */
  request(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#post({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: Record<string, unknown>): void {
    this.#post({ jsonrpc: '2.0', method, params });
  }

  /** The handshake; resolves with the host's context once the host knows the view is ready. */
  async connect(): Promise<HostContext> {
    const result = (await this.request('ui/initialize', {
      appInfo: { name: 'diracx-job-monitor', version: '1.0.0' },
      appCapabilities: {},
      protocolVersion: PROTOCOL_VERSION,
    })) as { hostContext?: HostContext };
    this.notify('ui/notifications/initialized', {});
    return result.hostContext ?? {};
  }

  /** Calls one of our tools through the host. */
  async callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    return (await this.request('tools/call', { name, arguments: args })) as ToolResult;
  }

  /** Tells the host how tall the view is, whenever that changes. */
  reportSize(element: HTMLElement): void {
    let last = 0;
    new ResizeObserver(() => {
      const height = Math.ceil(element.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      this.notify('ui/notifications/size-changed', { height });
    }).observe(element);
  }
}
