/**
 * @module mcp/confirm
 * Asking the person behind an MCP client to confirm a destructive call, through form
 * elicitation when the client supports it. A client that cannot elicit (or a stateless request
 * whose client capabilities are unknown) gives `unsupported`, and the call goes on: the tool's
 * `destructiveHint` already makes hosts ask before calling it.
 */
import type { ConfirmFn } from '../tools/define.ts';

interface ElicitResult {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

type ElicitFn = (params: {
  message: string;
  requestedSchema: { type: 'object'; properties: Record<string, { type: 'boolean'; title: string }>; required: string[] };
}) => Promise<ElicitResult>;

/** A `ConfirmFn` over the SDK request context of one tool call. */
export function elicitationConfirm(mcpCtx: unknown): ConfirmFn {
  const elicit = (mcpCtx as { mcpReq?: { elicitInput?: ElicitFn } }).mcpReq?.elicitInput;
  return async (message) => {
    if (!elicit) return 'unsupported';
    let result: ElicitResult;
    try {
      result = await elicit({
        message,
        requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', title: 'Go ahead' } }, required: ['confirm'] },
      });
    } catch {
      return 'unsupported';
    }
    return result.action === 'accept' && result.content?.confirm === true ? 'accepted' : 'declined';
  };
}
