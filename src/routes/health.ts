/**
 * @module routes/health
 * DiracX's probes (`routers/health/probes.py`), public and hidden from OpenAPI: `live` needs
 * the configuration loaded; `ready` and `startup` also need the database to answer. Bodies and
 * the 503 detail are DiracX's.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { UnavailableError } from '../core/errors.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';

/** DiracX names its only checked database in the detail; clients only look at the status. */
const DB_PING_FAILED = 'AuthDB ping failed';

export function registerHealthRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const probe = (path: string, status: string) =>
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'get',
        path,
        hide: true,
        responses: {
          200: {
            description: 'Healthy',
            content: { 'application/json': { schema: z.object({ status: z.literal(status) }) } },
          },
          503: { description: 'Not ready' },
        },
      },
    );
  const needDatabase = async (): Promise<void> => {
    try {
      await deps.database.ping();
    } catch (err) {
      throw new UnavailableError(DB_PING_FAILED, undefined, { cause: err });
    }
  };

  app.openapi(probe('/api/health/live', 'live'), (c) => {
    deps.config.current();
    return c.json({ status: 'live' as const }, 200);
  });
  app.openapi(probe('/api/health/ready', 'ready'), async (c) => {
    deps.config.current();
    await needDatabase();
    return c.json({ status: 'ready' as const }, 200);
  });
  app.openapi(probe('/api/health/startup', 'startup complete'), async (c) => {
    deps.config.current();
    await needDatabase();
    return c.json({ status: 'startup complete' as const }, 200);
  });
}
