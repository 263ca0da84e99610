/**
 * @module routes/validation
 * Request validation failures answered as FastAPI does (DiracX clients expect it): status 422
 * and `{"detail": [{"type", "loc", "msg", "input"}]}`, `loc` starting with where the value was
 * (`body`, `query`, `path`, `header`).
 */
import type { Hook } from '@hono/zod-openapi';
import type { ApiEnv } from './env.ts';

const LOCATION: Record<string, string> = { json: 'body', form: 'body', query: 'query', param: 'path', header: 'header', cookie: 'cookie' };

interface ValidationIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
}

/** One FastAPI-style error entry per zod issue. */
export function toValidationDetail(target: string, issues: readonly ValidationIssue[]): object[] {
  return issues.map((issue) => ({
    type: issue.code,
    loc: [LOCATION[target] ?? target, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    msg: issue.message,
    input: issue.input ?? null,
  }));
}

/** `defaultHook` for every OpenAPIHono app: invalid requests get 422 before the handler runs. */
export const validationHook: Hook<unknown, ApiEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  return c.json({ detail: toValidationDetail(result.target, result.error.issues) }, 422);
};
