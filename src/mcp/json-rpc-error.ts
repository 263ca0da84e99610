/**
 * @module mcp/json-rpc-error
 * The one shape of a JSON-RPC error answered over HTTP by `/mcp` before a request reaches the
 * SDK (a body that is not JSON, invalid tool arguments, the HTTP rules of the 2025-era fast
 * lane): `{jsonrpc, id, error: {code, message}}`, as the SDK's own transport answers them.
 */

/** A JSON-RPC error response with `status`; `id` is the request's when one could be read. */
export function jsonRpcErrorResponse(status: number, code: number, message: string, id: unknown = null): Response {
  return Response.json(
    { jsonrpc: '2.0', id, error: { code, message } },
    { status, headers: { 'content-type': 'application/json' } },
  );
}
