/**
 * @module routes/middleware/event-stream
 * Event streams (`text/event-stream`, MCP's streamable HTTP) must reach the client event by
 * event. nginx-style proxies buffer responses unless told otherwise; `X-Accel-Buffering: no`
 * tells them, even where their configuration does not (deploy/nginx/diracx.conf also says
 * `proxy_buffering off` for /mcp). nginx consumes the header; clients never see it.
 */

/** `res`, with `X-Accel-Buffering: no` when it is an event stream (a copy when its headers are immutable). */
export function unbufferedEventStream(res: Response): Response {
  if (!res.headers.get('content-type')?.toLowerCase().startsWith('text/event-stream')) return res;
  try {
    res.headers.set('x-accel-buffering', 'no');
    return res;
  } catch {
    const headers = new Headers(res.headers);
    headers.set('x-accel-buffering', 'no');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}
