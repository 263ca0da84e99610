/**
 * @module logic/sandboxes/context
 * A call's sandbox context, from its `LogicContext`. Kept apart from `models.ts`, the wire
 * models (whose zod comes extended for OpenAPI from `core/openapi-zod.ts`, whoever loads them
 * first), so that the MCP tools, which import this, take only the context.
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
