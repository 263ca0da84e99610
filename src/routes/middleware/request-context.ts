/**
 * @module routes/middleware/request-context
 * Gives every request an id (`x-request-id`, honouring a sane incoming one) and writes one
 * structured access-log line per request: method, path, status, duration, request id.
 * The query string and headers are never logged: they can carry codes and tokens.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../core/logger.ts';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Incoming ids are accepted only when short and made of safe characters (no log injection). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export type RequestContextEnv = { Variables: { requestId: string } };

export interface RequestContextOptions {
  log: Logger;
  accessLog: boolean;
  newRequestId?: () => string;
  now?: () => number;
}

export function requestContext(options: RequestContextOptions): MiddlewareHandler<RequestContextEnv> {
  const newId = options.newRequestId ?? (() => crypto.randomUUID());
  const now = options.now ?? (() => performance.now());
  return async (c, next) => {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : newId();
    c.set('requestId', requestId);
    const started = now();
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    if (options.accessLog) {
      options.log.info('request', {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round((now() - started) * 1000) / 1000,
        request_id: requestId,
      });
    }
  };
}
