/**
 * @module routes/validation
 * Request validation failures answered as FastAPI does (DiracX clients expect it): status 422
 * and `{"detail": [{"type", "loc", "msg", "input", "ctx"?}]}` (`wire/validation-detail.ts`),
 * with the request part as received, so that `input` is the value the client sent.
 */
import type { Hook } from '@hono/zod-openapi';
import { toValidationDetail, type ValidationIssue } from '../wire/validation-detail.ts';
import type { ApiEnv } from './env.ts';

/** `defaultHook` for every OpenAPIHono app: invalid requests get 422 before the handler runs. */
export const validationHook: Hook<unknown, ApiEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  // @hono/zod-validator hands the hook the value it validated as `data`, failed or not.
  const received = (result as { data?: unknown }).data;
  const issues = result.error.issues as readonly ValidationIssue[];
  return c.json({ detail: toValidationDetail(result.target, issues, received) }, 422);
};
