/**
 * @module tools/confirmation
 * The confirmation step of destructive tools, shared by the core's and extensions': a call
 * touching more items than `ctx.confirmThreshold` goes on only once confirmed for exactly what
 * it will do (`ctx.confirm`, see `mcp/confirm` for the two ways of asking). It either goes on,
 * stops with a clear refusal when the person declines, or, for a client that cannot ask, stops
 * with a preview token the tool returns instead of acting. Also the `confirmation_token`
 * argument and the preview's output fields, so every destructive tool names them alike.
 */
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import type { ConfirmationRequest, ToolContext } from './define.ts';

/** The input argument carrying a two-step confirmation token. */
export const ConfirmationTokenArgument = z
  .string()
  .max(256)
  .optional()
  .describe(
    'Only for a call that answered a preview with a confirmation_token: the ' +
      'same call again with that token runs it, once, within 5 minutes, if the ' +
      'jobs have not changed meanwhile. Never make one up; ask the user before sending it.',
  );

/** The output fields of a preview (a call that needs a confirmation the client cannot ask for). */
export const ConfirmationPreviewFields = {
  confirmation_token: z
    .string()
    .optional()
    .describe(
      'Present when nothing was changed because the call needs the user to confirm: call again with the same ' +
        'arguments and this confirmation_token once the user agrees.',
    ),
  confirmation_expires_at: z.string().optional().describe('When confirmation_token stops being accepted (ISO 8601).'),
};

/** A preview to answer instead of acting: the token and its expiry. */
export interface ConfirmationPreview {
  readonly confirmation_token: string;
  readonly confirmation_expires_at: string;
}

/**
 * Confirms a call touching `count` items when that is above the threshold. Resolves undefined
 * when the call may go on, or with the preview to answer (nothing may change).
 * @throws InvalidInputError `declined` when the person declines; the confirmer's refusal when
 * the call carries a confirmation that does not hold.
 */
export async function confirmAboveThreshold(
  ctx: ToolContext,
  count: number,
  request: ConfirmationRequest,
  declined: string,
): Promise<ConfirmationPreview | undefined> {
  if (count <= ctx.confirmThreshold) return undefined;
  const outcome = await ctx.confirm(request);
  switch (outcome.kind) {
    case 'confirmed':
      return undefined;
    case 'declined':
      throw new InvalidInputError(declined);
    case 'preview':
      return { confirmation_token: outcome.token, confirmation_expires_at: outcome.expiresAt };
  }
}

/** The note of a preview: nothing changed, and how to go on (`items`: what the call touches, plural). */
export function previewNote(count: number, threshold: number, preview: ConfirmationPreview, items = 'jobs'): string {
  return (
    `Nothing was changed: this call touches ${count} ${items}, more than the ${threshold} that may change ` +
    `without the user's confirmation. Show the user what would change (listed here) and, only if they agree, ` +
    `call again with the same arguments plus confirmation_token="${preview.confirmation_token}" (valid once, ` +
    `until ${preview.confirmation_expires_at}, and only while these ${items} stay as listed).`
  );
}
