/**
 * @module routes/pilots
 * `/api/pilots` as current DiracX serves it (`routers/pilots/{management,query}.py`, spec
 * §2.8): `POST /api/pilots/` registers one pilot (the slash-less path 307-redirects, as
 * FastAPI does), `PATCH /api/pilots/metadata` updates pilots by stamp, `POST /api/pilots/search`
 * and `/summary` query them with the shared search DSL. Every route calls the pilot policy
 * before the logic runs; the logic confines queries to the caller's VO.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { PaginationQuery, SearchParams, SummaryParams } from '../logic/jobs/search-params.ts';
import { registerPilot, updatePilotsMetadata } from '../logic/pilots/management.ts';
import { PilotMetadataUpdates, PilotRegistrationParams } from '../logic/pilots/models.ts';
import { searchVisiblePilots, summariseVisiblePilots } from '../logic/pilots/query.ts';
import { pilotPolicy } from '../policies/pilots.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { publicBaseUrl } from './forwarded.ts';
import { contentRangeHeader, pageStatus, wireDates } from './jobs/wire.ts';

const rows = z.array(z.record(z.string(), z.unknown()));
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const TAGS = ['pilots'];

/** Registers the pilot routes (operationIds `pilots_<DiracX function name>`). */
export function registerPilotRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const access = { kind: 'policy', policy: pilotPolicy } as const;

  const register = defineRoute(catalogue, deps, access, {
    method: 'post',
    path: '/api/pilots/',
    operationId: 'pilots_register_pilot',
    tags: TAGS,
    summary: 'Register Pilot',
    description:
      'Register a pilot with its reference. A stamp that already ' +
      'exists is refused (409); so is a VO that is not in the registry (400).',
    request: { body: json(PilotRegistrationParams) },
    responses: {
      201: { description: 'Registered', content: { 'application/json': { schema: z.null() } } },
      400: { description: 'The VO is not in the registry' },
      409: { description: 'The stamp is already registered' },
    },
  });
  app.openapi(register, async (c) => {
    const body = c.req.valid('json');
    await c.get('access').check(pilotPolicy, { action: 'manage_pilots', targetVo: body.vo, allowLegacyPilots: true });
    await registerPilot(c.get('ctx'), body);
    return c.json(null, 201);
  });
  // FastAPI redirects the slash-less path to the canonical one (307 keeps method and body).
  catalogue.declare('POST', '/api/pilots', { kind: 'public' });
  app.post('/api/pilots', (c) => {
    return c.redirect(`${publicBaseUrl(c)}/api/pilots/${new URL(c.req.url).search}`, 307);
  });

  const metadata = defineRoute(catalogue, deps, access, {
    method: 'patch',
    path: '/api/pilots/metadata',
    operationId: 'pilots_update_pilot_metadata',
    tags: TAGS,
    summary: 'Update Pilot Metadata',
    description:
      'Update pilot metadata (status, benchmark, ...): `{stamp: {Field: value}}`, each stamp with its own fields. ' +
      '`LastUpdateTime` is refreshed on every listed pilot.',
    request: { body: json(PilotMetadataUpdates) },
    responses: {
      204: { description: 'Updated' },
      404: { description: 'At least one pilot does not exist' },
    },
  });
  app.openapi(metadata, async (c) => {
    const body = c.req.valid('json');
    await c
      .get('access')
      .check(pilotPolicy, { action: 'manage_pilots', pilotStamps: Object.keys(body), allowLegacyPilots: true });
    await updatePilotsMetadata(c.get('ctx'), body);
    return c.body(null, 204);
  });

  const search = defineRoute(catalogue, deps, access, {
    method: 'post',
    path: '/api/pilots/search',
    operationId: 'pilots_search',
    tags: TAGS,
    summary: 'Search',
    description:
      "Retrieve information about pilots: the caller's VO only, unless " +
      'ServiceAdministrator. The `JobID` pseudo-parameter (`eq`/`in`, integers) ' +
      'finds the pilots that ran those jobs. 206 with Content-Range (`pilots`) when partial.',
    request: {
      query: PaginationQuery,
      body: { content: { 'application/json': { schema: SearchParams.nullable() } }, required: false },
    },
    responses: {
      200: { description: 'All matching pilots', content: { 'application/json': { schema: rows } } },
      206: {
        description: 'A page of the matching pilots',
        headers: contentRangeHeader('pilots'),
        content: { 'application/json': { schema: rows } },
      },
      416: { description: 'The page is past the end', headers: contentRangeHeader('pilots') },
    },
  });
  app.openapi(search, async (c) => {
    await c.get('access').check(pilotPolicy, { action: 'read_pilot_metadata' });
    const { page, per_page: perPage } = c.req.valid('query');
    // No body, or null, means every default (the validator hands over `{}` without one).
    const body = SearchParams.parse(c.req.valid('json') ?? {});
    const result = await searchVisiblePilots(c.get('ctx'), body, page, perPage);
    const { status, headers } = pageStatus('pilots', page, perPage, result.rows.length, result.total);
    return c.json(wireDates(result.rows) as Record<string, unknown>[], status as 200, headers);
  });

  const summary = defineRoute(catalogue, deps, access, {
    method: 'post',
    path: '/api/pilots/summary',
    operationId: 'pilots_summary',
    tags: TAGS,
    summary: 'Summary',
    description:
      'Count pilots grouped by the `grouping` columns, after the ' +
      "`search` filters: the caller's VO only, unless ServiceAdministrator.",
    request: { body: json(SummaryParams) },
    responses: {
      200: { description: 'One row per group with its count', content: { 'application/json': { schema: rows } } },
    },
  });
  app.openapi(summary, async (c) => {
    await c.get('access').check(pilotPolicy, { action: 'read_pilot_metadata' });
    const counted = await summariseVisiblePilots(c.get('ctx'), c.req.valid('json'));
    return c.json(wireDates(counted) as Record<string, unknown>[], 200);
  });
}
