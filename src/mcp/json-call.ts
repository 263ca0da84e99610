/**
 * @module mcp/json-call
 * The fast lane of the 2025-era leg: one JSON-RPC request (not `initialize`) answered with one
 * JSON body, through a pool of McpServers each connected once and for good to a transport made
 * for exactly that. The SDK's streamable HTTP transport, built and connected per request,
 * validates every inbound and outbound message again with zod and tears the connection down
 * after each answer; on a search that returns 100 rows that costs as much as the search's own
 * JSON. The HTTP rules of that transport are kept: 406 without `application/json` and
 * `text/event-stream` in Accept, 415 for a body that is not JSON, the same error bodies.
 * Messages the server sends beside the answer (progress, logging, server requests) have no
 * place in a JSON answer and are dropped, as the SDK's JSON mode drops them.
 * A server that never sees `initialize` keeps no state of any client, so any pooled one may
 * answer any caller; `initialize` goes the SDK's way on a server of its own.
 */
import {
  isJsonContentType,
  type AuthInfo,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type McpServer,
  type MessageExtraInfo,
  type Transport,
} from '@modelcontextprotocol/server';
import { jsonRpcErrorResponse } from './json-rpc-error.ts';

/** A transport that hands one request at a time to its server and resolves with the answer. */
class JsonCallTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  #waiting: ((answer: JSONRPCMessage) => void) | undefined;
  #id: JSONRPCRequest['id'] | undefined;

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const answers = 'id' in message && ('result' in message || 'error' in message) && message.id === this.#id;
    if (!answers || !this.#waiting) return;
    const done = this.#waiting;
    this.#waiting = undefined;
    this.#id = undefined;
    done(message);
  }

  /** Delivers `request` to the server; resolves with its answer. */
  call(request: JSONRPCRequest, extra: MessageExtraInfo): Promise<JSONRPCMessage> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#id = request.id;
      this.onmessage?.(request, extra);
    });
  }
}

interface Lane {
  server: McpServer;
  transport: JsonCallTransport;
}

export type JsonCall = (req: Request, request: JSONRPCRequest, authInfo: AuthInfo) => Promise<Response>;

/** Answers single 2025-era requests from a pool of servers built by `factory`. */
export function createJsonCall(factory: () => McpServer): JsonCall {
  const idle: Lane[] = [];
  const lane = async (): Promise<Lane> => {
    const ready = idle.pop();
    if (ready) return ready;
    const transport = new JsonCallTransport();
    const server = factory();
    await server.connect(transport);
    return { server, transport };
  };
  return async (req, request, authInfo) => {
    // The SDK transport's answers (`createJsonErrorResponse`), so both lanes refuse alike.
    const accept = req.headers.get('accept');
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) {
      return jsonRpcErrorResponse(
        406,
        -32000,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      );
    }
    if (!isJsonContentType(req.headers.get('content-type')))
      return jsonRpcErrorResponse(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    const current = await lane();
    try {
      const answer = await current.transport.call(request, { authInfo, request: req });
      return Response.json(answer, { status: 200, headers: { 'Content-Type': 'application/json' } });
    } finally {
      idle.push(current);
    }
  };
}
