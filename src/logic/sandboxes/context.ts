/**
 * @module logic/sandboxes/context
 * A call's sandbox context, from its `LogicContext`. Kept apart from `models.ts` on purpose: that
 * module's zod schemas need `@hono/zod-openapi` to have extended zod first, and the MCP tools,
 * which import this, are loaded before the routes that guarantee it.
 */
import { UnavailableError } from '../../core/errors.ts';
import type { LogicContext } from '../call-context.ts';
import type { SandboxDeps } from './models.ts';

/**
 * One call's sandbox context: the store, and `origin`, the base URL the client reached us at
 * (scheme, host, path prefix behind a proxy), for stores that hand out URLs on this server.
 */
export type SandboxContext = Pick<LogicContext, 'database' | 'user' | 'now'> &
  SandboxDeps & { readonly origin: string };

/** The sandbox context of a call; `UnavailableError` (503) when no sandbox store is configured. */
export function sandboxContext(ctx: LogicContext): SandboxContext {
  if (!ctx.sandboxes) throw new UnavailableError('Sandbox store is not configured');
  return { ...ctx.sandboxes, database: ctx.database, user: ctx.user, now: ctx.now, origin: ctx.origin ?? '' };
}
