/**
 * @module routes/jobs/status
 * Job state changes (DiracX's `routers/jobs/status.py`): `PATCH /api/jobs/status` (kill and
 * delete are status changes), `POST /api/jobs/reschedule`, `PATCH /api/jobs/heartbeat` (pilots;
 * returns pending commands) and `PATCH /api/jobs/metadata`. Each checks the WMS policy on the
 * job ids of the request before the logic runs.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { addHeartbeat } from '../../logic/jobs/heartbeat.ts';
import { setJobMetadata } from '../../logic/jobs/metadata.ts';
import { HeartbeatBodySchema, JobCommandSchema, JobMetaDataBodySchema, JobStatusChangesSchema, jobIdNumber, SetJobStatusReturnSchema } from '../../logic/jobs/models.ts';
import { rescheduleJobs } from '../../logic/jobs/reschedule.ts';
import { setJobStatuses } from '../../logic/jobs/set-status.ts';
import { wmsPolicy } from '../../policies/wms.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { queryFlag } from './wire.ts';

const ids = (body: object): number[] => Object.keys(body).map(Number);
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

export function registerJobStatusRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const access = { kind: 'policy', policy: wmsPolicy } as const;
  const jobsCtx = { database: deps.database, now: () => new Date() };

  const status = defineRoute(catalogue, deps, access, {
    method: 'patch',
    path: '/api/jobs/status',
    operationId: 'jobs_set_job_statuses',
    tags: ['jobs'],
    summary: 'Set job statuses',
    description: 'Apply timestamped status updates (`{job_id: {iso_datetime: {Status, MinorStatus, ApplicationStatus, Source}}}`) through the job state machine unless `force`. Kill = Status "Killed", delete = Status "Deleted".',
    request: { query: z.object({ force: queryFlag }), body: json(JobStatusChangesSchema) },
    responses: {
      200: { description: 'What changed, per job', content: { 'application/json': { schema: SetJobStatusReturnSchema } } },
      404: { description: 'None of the jobs exists' },
    },
  });
  app.openapi(status, async (c) => {
    const body = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds: ids(body) });
    return c.json(await setJobStatuses(jobsCtx, body, c.req.valid('query').force), 200);
  });

  const reschedule = defineRoute(catalogue, deps, access, {
    method: 'post',
    path: '/api/jobs/reschedule',
    operationId: 'jobs_reschedule_jobs',
    tags: ['jobs'],
    summary: 'Reschedule jobs',
    description: 'Send jobs back to Received to run again; `reset_jobs` resets their reschedule counter.',
    request: { query: z.object({ reset_jobs: queryFlag }), body: json(z.object({ job_ids: z.array(jobIdNumber) })) },
    responses: {
      200: { description: 'Rescheduled and failed jobs', content: { 'application/json': { schema: z.object({ success: z.record(z.string(), z.unknown()), failed: z.record(z.string(), z.unknown()) }) } } },
      400: { description: 'No job could be rescheduled' },
    },
  });
  app.openapi(reschedule, async (c) => {
    const { job_ids: jobIds } = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds });
    const result = await rescheduleJobs({ database: deps.database, config: deps.config.current().config, now: () => new Date() }, jobIds, c.req.valid('query').reset_jobs);
    return c.json(result, 200);
  });

  const heartbeat = defineRoute(catalogue, deps, access, {
    method: 'patch',
    path: '/api/jobs/heartbeat',
    operationId: 'jobs_add_heartbeat',
    tags: ['jobs'],
    summary: 'Add heartbeat',
    description: 'Record a heartbeat of running jobs (pilots); returns the commands waiting for them (e.g. Kill), each delivered once.',
    request: { body: json(HeartbeatBodySchema) },
    responses: { 200: { description: 'Pending commands', content: { 'application/json': { schema: z.array(JobCommandSchema) } } } },
  });
  app.openapi(heartbeat, async (c) => {
    const body = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'pilot', jobIds: ids(body) });
    return c.json(await addHeartbeat(jobsCtx, body), 200);
  });

  const metadata = defineRoute(catalogue, deps, access, {
    method: 'patch',
    path: '/api/jobs/metadata',
    operationId: 'jobs_patch_metadata',
    tags: ['jobs'],
    summary: 'Patch metadata',
    description: 'Set job attributes and parameters (`{job_id: {Name: value}}`); attributes bypass the state machine, as in DiracX.',
    request: { body: json(JobMetaDataBodySchema) },
    responses: { 204: { description: 'Updated' } },
  });
  app.openapi(metadata, async (c) => {
    const body = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds: ids(body) });
    await setJobMetadata(jobsCtx, body);
    return c.body(null, 204);
  });
}
