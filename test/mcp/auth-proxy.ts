/**
 * A test-only authenticating proxy in front of `/mcp`, for MCP tools that cannot send a bearer
 * token (the conformance suite): Bun.serve on 127.0.0.1 that forwards every request to the MCP
 * URL with `Authorization: Bearer <token>` added, the incoming Host header left unchanged (so the
 * server's DNS-rebinding check sees what the client sent), and the response streamed back.
 */

export interface AuthProxyOptions {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:43121/mcp`. */
  target: string;
  /** The access token added to every forwarded request. */
  token: string;
  /** The port to listen on (0 or absent: any free port). */
  port?: number;
}

/** One forwarded request: what the client sent in Host and Origin, and what the server answered. */
export interface ProxiedExchange {
  method: string;
  host: string | null;
  origin: string | null;
  /** The server's status, or 502 when the server could not be reached. */
  status: number;
}

export interface AuthProxy {
  /** The proxy's MCP URL, e.g. `http://127.0.0.1:43122/mcp`. */
  readonly url: string;
  /** `127.0.0.1:<port>`: the Host value clients send to the proxy. */
  readonly host: string;
  readonly port: number;
  /** Every request forwarded so far, in order. */
  readonly exchanges: readonly ProxiedExchange[];
  stop(): Promise<void>;
}

/** Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus what fetch recomputes. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
]);

function forwardedRequestHeaders(incoming: Headers, token: string): Headers {
  const headers = new Headers();
  incoming.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) headers.set(name, value);
  });
  headers.set('authorization', `Bearer ${token}`);
  return headers;
}

function returnedResponseHeaders(upstream: Headers): Headers {
  const headers = new Headers();
  const decoded = upstream.has('content-encoding');
  upstream.forEach((value, name) => {
    if (HOP_BY_HOP.has(name)) return;
    // fetch has already decoded the body, so its encoding no longer applies.
    if (decoded && name === 'content-encoding') return;
    headers.append(name, value);
  });
  return headers;
}

/** Starts the proxy; every path it receives is forwarded to `target` (query string kept). */
export function startAuthProxy(options: AuthProxyOptions): AuthProxy {
  const target = new URL(options.target);
  const exchanges: ProxiedExchange[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: options.port ?? 0,
    // SSE responses may stay quiet longer than Bun's 10 s default.
    idleTimeout: 120,
    async fetch(req) {
      const url = new URL(target);
      url.search = new URL(req.url).search;
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const exchange: ProxiedExchange = {
        method: req.method,
        host: req.headers.get('host'),
        origin: req.headers.get('origin'),
        status: 502,
      };
      exchanges.push(exchange);
      let upstream: Response;
      try {
        upstream = await fetch(url, {
          method: req.method,
          headers: forwardedRequestHeaders(req.headers, options.token),
          body: hasBody ? req.body : null,
          redirect: 'manual',
          signal: req.signal,
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return new Response(`auth proxy: upstream request failed: ${message}`, { status: 502 });
      }
      exchange.status = upstream.status;
      return new Response(upstream.body, {
        status: upstream.status,
        statusText: upstream.statusText,
        headers: returnedResponseHeaders(upstream.headers),
      });
    },
  });
  const port = server.port;
  if (port === undefined) throw new Error('auth proxy: Bun.serve reported no port');
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    host: `127.0.0.1:${port}`,
    port,
    exchanges,
    stop: () => server.stop(true),
  };
}
