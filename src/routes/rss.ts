/**
 * @module routes/rss
 * `/api/rss/{site,compute,storage,fts}` as DiracX 0.7.0 serves them (`routers/rss/rss.py`): the
 * statuses the caller's VO sees (the `all` rows overlaid with the VO's own), by name, in
 * DiracX's models; `ETag` (`<revision>-<vo>`), `Last-Modified` and `Vary: Authorization`, and
 * 304 for a current `If-None-Match` or a newer `If-Modified-Since` (`http-cache.ts`, as the
 * configuration route). Every route calls the `rss` policy (DiracX's `RSSAccessPolicy`).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { readRssView } from '../logic/rss/query.ts';
import type { RssKind } from '../logic/rss/models.ts';
import { rssPolicy } from '../policies/rss.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { ConditionalRequestHeaders, evaluateConditional } from './http-cache.ts';

// DiracX's models (`core/models/rss.py`), under their names in its OpenAPI document.
const AllowedStatus = z
  .object({ allowed: z.literal(true), warnings: z.string().nullable().default(null) })
  .openapi('AllowedStatus');
const BannedStatus = z
  .object({ allowed: z.literal(false), reason: z.string().default('Unknown') })
  .openapi('BannedStatus');
const ResourceStatus = z.discriminatedUnion('allowed', [AllowedStatus, BannedStatus]);
const overall = (name: string) => z.object({ all: ResourceStatus }).openapi(name);
const StorageElementStatus = z
  .object({ read: ResourceStatus, write: ResourceStatus, check: ResourceStatus, remove: ResourceStatus })
  .openapi('StorageElementStatus');

interface RssRoute {
  kind: RssKind;
  /** DiracX's function name, hence `rss_<function>` as operation id and its title-cased summary. */
  fn: string;
  summary: string;
  what: string;
  entry: z.ZodType;
}

/** In DiracX's order of registration. */
const ROUTES: readonly RssRoute[] = [
  {
    kind: 'storage',
    fn: 'get_storage_status',
    summary: 'Get Storage Status',
    what: 'storage-element statuses',
    entry: StorageElementStatus,
  },
  {
    kind: 'compute',
    fn: 'get_compute_status',
    summary: 'Get Compute Status',
    what: 'compute element statuses',
    entry: overall('ComputeElementStatus'),
  },
  {
    kind: 'site',
    fn: 'get_site_status',
    summary: 'Get Site Status',
    what: 'site statuses',
    entry: overall('SiteStatus'),
  },
  {
    kind: 'fts',
    fn: 'get_fts_status',
    summary: 'Get Fts Status',
    what: 'FTS server statuses',
    entry: overall('FTSStatus'),
  },
];

/** Registers the four read routes (operation ids `rss_<DiracX function name>`). */
export function registerRssRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  for (const { kind, fn, summary, what, entry } of ROUTES) {
    const route = defineRoute(
      catalogue,
      deps,
      { kind: 'policy', policy: rssPolicy },
      {
        method: 'get',
        path: `/api/rss/${kind}`,
        operationId: `rss_${fn}`,
        tags: ['rss'],
        summary,
        description:
          `Return ${what} visible to the caller's VO.\n\nSupports conditional requests with ` +
          `\`If-None-Match\` and \`If-Modified-Since\`, and returns 304 when the cached copy is current.`,
        request: {
          headers: ConditionalRequestHeaders,
        },
        responses: {
          200: {
            description: 'Successful Response',
            content: { 'application/json': { schema: z.record(z.string(), entry) } },
          },
          304: { description: 'The client copy is current' },
        },
      },
    );
    app.openapi(route, async (c) => {
      await c.get('access').check(rssPolicy, { kind });
      const view = await readRssView(c.get('ctx'), kind);
      const headers = c.req.valid('header');
      const { headers: validators, notModified } = evaluateConditional(
        { etag: view.etag, lastModified: view.lastModified },
        { ifNoneMatch: headers['if-none-match'], ifModifiedSince: headers['if-modified-since'] },
      );
      // The answer depends on the caller's VO, not only on the URL.
      const cacheHeaders = { ...validators, vary: 'Authorization' };
      if (notModified) return c.body(null, 304, cacheHeaders);
      return c.json(view.statuses as Record<string, unknown>, 200, cacheHeaders);
    });
  }
}
