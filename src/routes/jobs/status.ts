/**
 * @module routes/jobs/status
 * Job state changes (DiracX's `routers/jobs/status.py`): `PATCH /api/jobs/status` (kill and
 * delete are status changes; `force` is the policy's `force_status`, for job administrators),
 * `POST /api/jobs/reschedule`, `PATCH /api/jobs/heartbeat` (pilots; returns pending commands) and
 * `PATCH /api/jobs/metadata` (parameters and `Site` only; these two, which write job parameters,
 * are not served when `serveJobParameters` is false). Each checks the WMS policy on the job
 * ids of the request before the logic runs. The job operations read the handler's clock.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { addHeartbeat } from '../../logic/jobs/heartbeat.ts';
import { setJobMetadata } from '../../logic/jobs/metadata.ts';
import {
  HeartbeatBodySchema,
  JobCommandSchema,
  JobMetaDataBodySchema,
  JobStatusChangesSchema,
  jobIdNumber,
  SetJobStatusReturnSchema,
} from '../../logic/jobs/models.ts';
import { rescheduleJobs } from '../../logic/jobs/reschedule.ts';
import { setJobStatuses } from '../../logic/jobs/set-status.ts';
import { wmsPolicy } from '../../policies/wms.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { queryFlag } from './wire.ts';

const ids = (body: object): number[] => Object.keys(body).map(Number);
/** OpenAPI 3.0 named examples (`{name: {value}}`), as FastAPI's `openapi_examples` writes them. */
type Examples = Record<string, { summary?: string; value: unknown }>;
const json = <T extends z.ZodType>(schema: T, examples?: Examples) => ({
  content: { 'application/json': { schema, ...(examples && { examples }) } },
  required: true,
});

// Request examples: DiracX's `EXAMPLE_*` of `routers/jobs/status.py` (its "Default" ones; the
// "<job_id>" placeholder ones would fail validation), with a fixed timestamp instead of `now()`.
// Each must pass our validation (test/routes/openapi-examples.test.ts); the fuzzing runs them first.
const AT = '2026-01-01T00:00:00Z';
const STATUS_EXAMPLES: Examples = {
  Default: {
    value: {
      1: {
        [AT]: {
          Status: 'Killed',
          MinorStatus: 'Marked as killed',
          ApplicationStatus: 'Job was killed by user',
          Source: 'User',
        },
      },
      2: { [AT]: { Status: 'Failed', MinorStatus: 'Timeout' } },
    },
  },
  Running: {
    summary: 'A job wrapper reports its job running',
    value: { 1: { [AT]: { Status: 'Running', MinorStatus: 'Application', Source: 'JobWrapper' } } },
  },
};
const RESCHEDULE_EXAMPLES: Examples = {
  Default: { value: { job_ids: [1, 2, 3] } },
  'One job': { value: { job_ids: [1] } },
};
const HEARTBEAT_EXAMPLES: Examples = {
  Default: {
    value: {
      1: {
        LoadAverage: 2.5,
        MemoryUsed: 1024.0,
        Vsize: 2048.0,
        AvailableDiskSpace: 500.0,
        CPUConsumed: 75.0,
        WallClockTime: 3600.0,
        StandardOutput: 'Job is running smoothly.',
      },
      2: {
        LoadAverage: 1.0,
        MemoryUsed: 512.0,
        Vsize: 1024.0,
        AvailableDiskSpace: 250.0,
        CPUConsumed: 50.0,
        WallClockTime: 1800.0,
        StandardOutput: 'Job is waiting for resources.',
      },
    },
  },
};
// DiracX 0.7.0's example: the one settable attribute (Site), and job parameters.
const METADATA_EXAMPLES: Examples = {
  Default: {
    value: {
      1: { Site: 'Meyrin' },
      2: { CPUNormalizationFactor: 10, HostName: 'some-worker-node.example.org' },
    },
  },
};

const access = { kind: 'policy', policy: wmsPolicy } as const;

export function registerJobStatusRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const status = defineRoute(catalogue, deps, access, {
    method: 'patch',
    path: '/api/jobs/status',
    operationId: 'jobs_set_job_statuses',
    tags: ['jobs'],
    summary: 'Set job statuses',
    description:
      'Apply timestamped status updates (`{job_id: {iso_datetime: {Status, MinorStatus, ApplicationStatus, ' +
      'Source}}}`) through the job state machine unless `force`, which only job administrators may set (403 ' +
      'otherwise). Kill = Status "Killed", delete = Status "Deleted". Updates stamped more than a few minutes ' +
      "(`DIRACX_JOB_STATUS_MAX_FUTURE_SECONDS`) ahead of the server's clock are refused with 422.",
    request: { query: z.object({ force: queryFlag }), body: json(JobStatusChangesSchema, STATUS_EXAMPLES) },
    responses: {
      200: {
        description: 'What changed, per job',
        content: { 'application/json': { schema: SetJobStatusReturnSchema } },
      },
      400: { description: 'A timestamp without time zone' },
      403: { description: 'A job the caller may not manage, or `force` without JobAdministrator' },
      404: { description: 'None of the jobs exists' },
      422: { description: 'Invalid body, or an update stamped too far in the future' },
    },
  });
  app.openapi(status, async (c) => {
    const body = c.req.valid('json');
    const { force } = c.req.valid('query');
    // DiracX 0.7.0: `ActionType.FORCE_STATUS` when forcing (JobAdministrator), `MANAGE` otherwise.
    // Ids that are not jobs of the caller's VO: 403 for a NormalUser, not found (404 when none is
    // found, `failed` otherwise) for a privileged caller, alike for a missing job and another VO's.
    const ctx = c.get('ctx');
    await ctx.access.check(wmsPolicy, {
      action: force ? 'force_status' : 'manage',
      jobIds: ids(body),
      unknownJobs: 'not_found',
    });
    return c.json(await setJobStatuses(ctx, body, force, {}, ctx.user.vo), 200);
  });

  const reschedule = defineRoute(catalogue, deps, access, {
    method: 'post',
    path: '/api/jobs/reschedule',
    operationId: 'jobs_reschedule_jobs',
    tags: ['jobs'],
    summary: 'Reschedule jobs',
    description: 'Send jobs back to Received to run again; `reset_jobs` resets their reschedule counter.',
    request: {
      query: z.object({ reset_jobs: queryFlag }),
      // Named as FastAPI names DiracX's embedded body (`Body_<operationId>`).
      body: json(z.object({ job_ids: z.array(jobIdNumber) }).openapi('Body_jobs_reschedule_jobs'), RESCHEDULE_EXAMPLES),
    },
    responses: {
      200: {
        description: 'Rescheduled and failed jobs',
        content: {
          'application/json': {
            schema: z.object({ success: z.record(z.string(), z.unknown()), failed: z.record(z.string(), z.unknown()) }),
          },
        },
      },
      400: { description: 'No job could be rescheduled' },
    },
  });
  app.openapi(reschedule, async (c) => {
    const { job_ids: jobIds } = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds });
    const result = await rescheduleJobs(c.get('ctx'), jobIds, c.req.valid('query').reset_jobs);
    return c.json(result, 200);
  });

  // Beside DiracX, which keeps job parameters in OpenSearch, these two are DiracX's (docs/co-deployment.md).
  if (deps.serveJobParameters !== false) registerJobParameterRoutes(app, deps, catalogue);
}

/** `PATCH /api/jobs/heartbeat` and `PATCH /api/jobs/metadata`, the routes that write job parameters. */
function registerJobParameterRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const heartbeat = defineRoute(catalogue, deps, access, {
    method: 'patch',
    path: '/api/jobs/heartbeat',
    operationId: 'jobs_add_heartbeat',
    tags: ['jobs'],
    summary: 'Add heartbeat',
    description:
      'Record a heartbeat of running jobs (pilots); returns ' +
      'the commands waiting for them (e.g. Kill), each delivered once.',
    request: { body: json(HeartbeatBodySchema, HEARTBEAT_EXAMPLES) },
    responses: {
      200: { description: 'Pending commands', content: { 'application/json': { schema: z.array(JobCommandSchema) } } },
    },
  });
  app.openapi(heartbeat, async (c) => {
    const body = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'pilot', jobIds: ids(body) });
    return c.json(await addHeartbeat(c.get('ctx'), body), 200);
  });

  const metadata = defineRoute(catalogue, deps, access, {
    method: 'patch',
    path: '/api/jobs/metadata',
    operationId: 'jobs_patch_metadata',
    tags: ['jobs'],
    summary: 'Patch metadata',
    description:
      'Update job parameters and the `Site` attribute (`{job_id: {Name: value}}`), as DiracX 0.7.0. Any other job ' +
      'attribute (`Owner`, `VO`, `Status`, `UserPriority`, `JobType`, ...) is refused with 400 and nothing is ' +
      'written, for any job of the request; statuses change through `PATCH /api/jobs/status`. Keys that are ' +
      'not job attributes are stored as job parameters.',
    request: { body: json(JobMetaDataBodySchema, METADATA_EXAMPLES) },
    responses: {
      204: { description: 'Updated' },
      400: { description: 'A job attribute other than Site, or a value too long for its column' },
      404: { description: 'A job does not exist' },
    },
  });
  app.openapi(metadata, async (c) => {
    const body = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds: ids(body) });
    await setJobMetadata(c.get('ctx'), body);
    return c.body(null, 204);
  });
}
