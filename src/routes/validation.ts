/**
 * @module routes/validation
 * Request validation failures answered as FastAPI does (DiracX clients expect it): status 422
 * and `{"detail": [{"type", "loc", "msg", "input"}]}` (`wire/validation-detail.ts`).
 */
import type { Hook } from '@hono/zod-openapi';
import { toValidationDetail } from '../wire/validation-detail.ts';
import type { ApiEnv } from './env.ts';

/** `defaultHook` for every OpenAPIHono app: invalid requests get 422 before the handler runs. */
export const validationHook: Hook<unknown, ApiEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  return c.json({ detail: toValidationDetail(result.target, result.error.issues) }, 422);
};
