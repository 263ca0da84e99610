/**
 * @module mcp/confirm
 * Confirmation of a destructive tool call, for exactly what will run: every confirmation is a
 * token (`confirmation-token.ts`) bound to the caller (subject, VO, OAuth client), the tool,
 * the canonical digest of its arguments (without `confirmation_token`) and the state of what
 * the call would change, short-lived (5 minutes) and single-use. Two ways of getting one:
 * - 2026-07-28 clients that declare elicitation: the call answers `input_required` with a form
 *   elicitation and a question token in `requestState`; the client asks the person and calls
 *   again with the answer in `inputResponses` and the `requestState` echoed. An accepted answer
 *   counts only beside a question token that holds for this very call: an answer without one
 *   (the question was never asked), or with one for another caller, tool, arguments or state,
 *   expired or already used, is refused and nothing runs.
 * - Clients that cannot be asked (the 2025-era leg, whose pushed elicitation needs an event
 *   stream our stateless JSON answers do not keep; 2026-07-28 clients without elicitation):
 *   two steps. The first call changes nothing and answers the plan with a preview token; only a
 *   second call with the same arguments carrying it as `confirmation_token` runs. The host's
 *   own approval of a destructive tool (`destructiveHint`) is what asks the person there.
 * Single use: a run changes the state the token is bound to (every change to a job adds a
 * record to its history), so the same token no longer matches, in any process; a process also
 * remembers the tokens it redeemed until they expire, so two copies arriving together run once.
 */
import { acceptedContent } from '@modelcontextprotocol/server';
import type { AuthedUser } from '../core/user.ts';
import { InvalidInputError } from '../core/errors.ts';
import { CONFIRMATION_TOKEN_ARGUMENT, type ConfirmationOutcome, type ConfirmFn } from '../tools/define.ts';
import {
  canonicalDigest,
  checkConfirmation,
  mintConfirmation,
  type ConfirmationBinding,
  type ConfirmationKind,
  type UsedConfirmations,
} from './confirmation-token.ts';

/** The key of the confirmation in `inputRequests` / `inputResponses`. */
export const CONFIRM_KEY = 'confirm';
const CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

/** Thrown by `confirm` on a 2026-07-28 request: the call must answer `input_required`. */
export class ConfirmationRequired extends Error {
  constructor(
    readonly question: string,
    /** The question token, sent as `requestState` and checked when the answer comes back. */
    readonly requestState: string,
  ) {
    super('confirmation required');
    this.name = 'ConfirmationRequired';
  }
}

/** What the confirmations of one endpoint share: the signing key and the redeemed tokens. */
export interface Confirmations {
  readonly key: Promise<CryptoKey>;
  readonly used: UsedConfirmations;
}

/** The call being confirmed. */
export interface ConfirmedCall {
  readonly user: AuthedUser;
  readonly tool: string;
  /** The arguments as the tool receives them (parsed). */
  readonly args: unknown;
  readonly now: () => Date;
}

interface RequestContext {
  mcpReq?: {
    inputResponses?: Record<string, unknown>;
    envelope?: Record<string, unknown>;
    requestState?: () => unknown;
  };
}

const REFUSED = {
  malformed: 'The confirmation is not one this server issued',
  mismatch:
    'The confirmation was not given for this call (another ' +
    'user, tool or arguments, or the jobs changed since it was given)',
  expired: 'The confirmation has expired',
  used: 'The confirmation was already used',
  unasked: 'An answer to a confirmation this server did not ask for this call',
} as const;

const refusal = (why: keyof typeof REFUSED): InvalidInputError =>
  new InvalidInputError(
    `${REFUSED[why]}: nothing was changed. Call again without ` +
      `a confirmation to see what would change and be asked afresh.`,
  );

/** The arguments a confirmation is bound to: all but the confirmation itself. */
function boundArguments(args: unknown): unknown {
  if (typeof args !== 'object' || args === null) return args;
  const { [CONFIRMATION_TOKEN_ARGUMENT]: _token, ...rest } = args as Record<string, unknown>;
  return rest;
}

/** A `ConfirmFn` for one tool call, over the SDK request context of that call. */
export function elicitationConfirm(confirmations: Confirmations, mcpCtx: unknown, call: ConfirmedCall): ConfirmFn {
  const req = (mcpCtx as RequestContext).mcpReq;
  const args = (typeof call.args === 'object' && call.args !== null ? call.args : {}) as Record<string, unknown>;
  const argumentsDigest = canonicalDigest(boundArguments(call.args));

  return async (request): Promise<ConfirmationOutcome> => {
    const key = await confirmations.key;
    const now = call.now();
    const binding: ConfirmationBinding = {
      sub: call.user.sub,
      vo: call.user.vo,
      clientId: call.user.clientId ?? '',
      tool: call.tool,
      argumentsDigest,
      stateDigest: canonicalDigest(request.state),
    };
    /** Checks and uses up `token` for this call; throws the refusal when it does not hold. */
    const redeem = async (token: unknown, kind: ConfirmationKind): Promise<void> => {
      if (typeof token !== 'string') throw refusal(kind === 'q' ? 'unasked' : 'malformed');
      const checked = await checkConfirmation(key, token, kind, binding, now);
      if (!checked.ok) throw refusal(kind === 'q' && checked.reason !== 'expired' ? 'unasked' : checked.reason);
      if (!confirmations.used.claim(checked.nonce, checked.expiresAtMs, now.getTime())) throw refusal('used');
    };

    const carried = args[CONFIRMATION_TOKEN_ARGUMENT];
    if (carried !== undefined) {
      await redeem(carried, 'p');
      return { kind: 'confirmed' };
    }
    const responses = req?.inputResponses;
    if (responses && CONFIRM_KEY in responses) {
      if (acceptedContent(responses, CONFIRM_KEY)?.confirm !== true) return { kind: 'declined' };
      await redeem(req?.requestState?.(), 'q');
      return { kind: 'confirmed' };
    }
    const capabilities = req?.envelope?.[CAPABILITIES] as { elicitation?: unknown } | undefined;
    if (capabilities?.elicitation) {
      const question = await mintConfirmation(key, 'q', binding, now);
      throw new ConfirmationRequired(request.message, question.token);
    }
    const preview = await mintConfirmation(key, 'p', binding, now);
    return { kind: 'preview', token: preview.token, expiresAt: preview.expiresAt.toISOString() };
  };
}
