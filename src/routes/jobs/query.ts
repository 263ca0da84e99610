/**
 * @module routes/jobs/query
 * `POST /api/jobs/search` and `POST /api/jobs/summary` (DiracX's `routers/jobs/query.py`), WMS
 * policy `query`; the logic scopes the query to what the caller may see.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { searchUserJobs, summariseUserJobs } from '../../logic/jobs/query.ts';
import { PaginationQuery, SearchParams, SummaryParams } from '../../logic/jobs/search-params.ts';
import { wmsPolicy } from '../../policies/wms.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { contentRangeHeader, pageStatus, wireDates } from './wire.ts';

const rows = z.array(z.record(z.string(), z.unknown()));

export function registerJobQueryRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const access = { kind: 'policy', policy: wmsPolicy } as const;
  const search = defineRoute(catalogue, deps, access, {
    method: 'post',
    path: '/api/jobs/search',
    operationId: 'jobs_search',
    tags: ['jobs'],
    summary: 'Search jobs',
    description:
      "Retrieve information about jobs. `parameters` selects columns (`LoggingInfo` adds each job's status " +
      'history); `search` filters, `sort` orders, `page`/`per_page` page (206 with Content-Range when partial).',
    request: {
      query: PaginationQuery,
      body: { content: { 'application/json': { schema: SearchParams.nullable() } }, required: false },
    },
    responses: {
      200: { description: 'All matching jobs', content: { 'application/json': { schema: rows } } },
      206: {
        description: 'A page of the matching jobs',
        headers: contentRangeHeader('jobs'),
        content: { 'application/json': { schema: rows } },
      },
      416: { description: 'The page is past the end', headers: contentRangeHeader('jobs') },
    },
  });
  app.openapi(search, async (c) => {
    await c.get('access').check(wmsPolicy, { action: 'query' });
    const { page, per_page: perPage } = c.req.valid('query');
    // The body is optional (DiracX: null or absent means every default); without one the
    // validator hands over `{}`, so the defaults are applied here.
    const body = SearchParams.parse(c.req.valid('json') ?? {});
    const result = await searchUserJobs(c.get('ctx'), body, page, perPage);
    const { status, headers } = pageStatus('jobs', page, perPage, result.rows.length, result.total);
    return c.json(wireDates(result.rows) as Record<string, unknown>[], status as 200, headers);
  });

  const summary = defineRoute(catalogue, deps, access, {
    method: 'post',
    path: '/api/jobs/summary',
    operationId: 'jobs_summary',
    tags: ['jobs'],
    summary: 'Summarise jobs',
    description: 'Count jobs grouped by the `grouping` columns, after the `search` filters.',
    request: { body: { content: { 'application/json': { schema: SummaryParams } }, required: true } },
    responses: {
      200: { description: 'One row per group with its count', content: { 'application/json': { schema: rows } } },
    },
  });
  app.openapi(summary, async (c) => {
    await c.get('access').check(wmsPolicy, { action: 'query' });
    const rows = await summariseUserJobs(c.get('ctx'), c.req.valid('json'));
    return c.json(wireDates(rows) as Record<string, unknown>[], 200);
  });
}
