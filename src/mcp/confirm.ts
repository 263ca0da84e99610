/**
 * @module mcp/confirm
 * Asking the person behind an MCP client to confirm a destructive call.
 * - 2026-07-28 clients that declare elicitation: the tool call answers `input_required` with a
 *   form elicitation (multi-round-trip); the client asks the person and calls again with the
 *   answer in `inputResponses`, which this reads.
 * - 2025-era clients: `unsupported`. Their elicitation is a request the server pushes on an
 *   event stream while the call waits; our 2025-era leg is stateless and answers one JSON body,
 *   which cannot carry it (a push would wait for an answer that cannot come, until the client
 *   gave up on the call).
 * `unsupported` lets the call go on: the tool's `destructiveHint` already makes hosts ask.
 */
import { acceptedContent } from '@modelcontextprotocol/server';
import type { ConfirmFn } from '../tools/define.ts';

/** The key of the confirmation in `inputRequests` / `inputResponses`. */
export const CONFIRM_KEY = 'confirm';
const CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

/** Thrown by `confirm` on a 2026-07-28 request: the call must answer `input_required`. */
export class ConfirmationRequired extends Error {
  constructor(readonly question: string) {
    super('confirmation required');
    this.name = 'ConfirmationRequired';
  }
}

interface RequestContext {
  mcpReq?: {
    inputResponses?: Record<string, unknown>;
    envelope?: Record<string, unknown>;
  };
}

/** A `ConfirmFn` over the SDK request context of one tool call. */
export function elicitationConfirm(mcpCtx: unknown): ConfirmFn {
  const req = (mcpCtx as RequestContext).mcpReq;
  return async (message) => {
    const responses = req?.inputResponses;
    if (responses && CONFIRM_KEY in responses) {
      return acceptedContent(responses, CONFIRM_KEY)?.confirm === true ? 'accepted' : 'declined';
    }
    const capabilities = req?.envelope?.[CAPABILITIES] as { elicitation?: unknown } | undefined;
    if (capabilities?.elicitation) throw new ConfirmationRequired(message);
    return 'unsupported';
  };
}
