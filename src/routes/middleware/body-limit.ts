/**
 * @module routes/middleware/body-limit
 * Every request body is bounded: at most `maxBytes`, except the local store's sandbox uploads,
 * which may be as large as a sandbox (plus the multipart envelope). Past the limit the answer
 * is 413 with DiracX's `{detail}` body, before any handler reads the body; a declared
 * `Content-Length` over the limit is refused without reading anything. A body without one is
 * read (into memory, up to the limit) before the handler runs, except for uploads: those must
 * declare their length (411 otherwise, nothing read), and their handler streams them.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LOCAL_UPLOAD_PATH } from '../../storage/local-store.ts';
import { detailResponse } from '../../wire/http-errors.ts';

/** Far above a bulk submission of 10 000 JDLs (~2 MiB), far below what would hurt a process. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Room for the multipart fields and boundaries around an uploaded sandbox. */
const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

export function requestBodyLimit(maxBytes: number, sandboxMaxBytes: number): MiddlewareHandler {
  const onError = (): Response => detailResponse(413, 'Request body too large');
  const general = bodyLimit({ maxSize: maxBytes, onError });
  const uploadMax = Math.max(maxBytes, sandboxMaxBytes + MULTIPART_ENVELOPE_BYTES);
  const upload: MiddlewareHandler = async (c, next) => {
    if (!c.req.raw.body) return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined)
      return detailResponse(411, 'Content-Length required');
    return /^\d+$/.test(length) && Number(length) <= uploadMax ? next() : onError();
  };
  return (c, next) => (c.req.path === LOCAL_UPLOAD_PATH ? upload : general)(c, next);
}
