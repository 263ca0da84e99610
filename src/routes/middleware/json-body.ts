/**
 * @module routes/middleware/json-body
 * A JSON request body that does not parse is FastAPI's 422 `json_invalid`
 * (`{"type": "json_invalid", "loc": ["body", <position>], "msg": "JSON decode error",
 * "input": {}, "ctx": {"error": <CPython's message>}}`), and an empty one its 422 `missing` at
 * `["body"]` where a body is required, or no body (`null`) where it is optional; Hono's
 * validator would answer 400 to both. Runs in front
 * of the validators of routes that take a JSON body; the text it reads is cached by Hono, so
 * the validator parses it without reading the stream again.
 */
import type { MiddlewareHandler } from 'hono';
import { findJsonSyntaxError } from '../../wire/json-syntax-error.ts';
import { PYDANTIC_MESSAGES } from '../../wire/pydantic-errors.ts';
import type { ApiEnv } from '../env.ts';

/** The media types Hono's validator reads as JSON. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** The guard for a route whose JSON body is `required` (or optional). */
export function jsonBodyGuard(required: boolean): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const mediaType = c.req.header('content-type')?.split(';')[0]?.trim() ?? '';
    if (!JSON_MEDIA_TYPE.test(mediaType) || !c.req.raw.body) return next();
    const text = await c.req.text();
    if (text === '') {
      // FastAPI reads an empty optional body as none (`None`): JSON `null` for the validator.
      if (!required) {
        // Hono caches body promises here (its `BodyCache` type names the resolved values).
        (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve('null');
        return next();
      }
      return c.json({ detail: [{ type: 'missing', loc: ['body'], msg: PYDANTIC_MESSAGES.missing, input: null }] }, 422);
    }
    try {
      JSON.parse(text);
      return next();
    } catch {
      const found = findJsonSyntaxError(text) ?? { pos: 0, error: 'Expecting value' };
      return c.json(
        {
          detail: [
            {
              type: 'json_invalid',
              loc: ['body', found.pos],
              msg: 'JSON decode error',
              input: {},
              ctx: { error: found.error },
            },
          ],
        },
        422,
      );
    }
  };
}
