/**
 * @module routes/jobs/submission
 * `POST /api/jobs/jdl` (DiracX's `routers/jobs/submission.py`): a list of JDLs in, 201 with
 * the created jobs out. WMS policy `create`.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { submitJdlJobs } from '../../logic/jobs/submit.ts';
import { wmsPolicy } from '../../policies/wms.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { wireDates } from './wire.ts';

/**
 * Request examples: DiracX's "Simple JDL" (`EXAMPLE_JDLS` of `routers/jobs/submission.py`) and
 * the smallest JDL. Each must pass our validation (test/routes/openapi-examples.test.ts).
 */
const JDL_EXAMPLES = {
  'Simple JDL': {
    value: [
      [
        'Arguments = "jobDescription.xml -o LogLevel=INFO";',
        'Executable = "dirac-jobexec";',
        'JobGroup = jobGroup;',
        'JobName = jobName;',
        'JobType = User;',
        'LogLevel = INFO;',
        'OutputSandbox =',
        '    {',
        '        Script1_CodeOutput.log,',
        '        std.err,',
        '        std.out',
        '    };',
        'Priority = 1;',
        'Site = ANY;',
        'StdError = std.err;',
        'StdOutput = std.out;',
      ].join('\n'),
    ],
  },
  'Minimal JDL': { value: ['[Executable = "echo"; Arguments = "hello";]'] },
};

const InsertedJob = z
  .object({
    JobID: z.number().int(),
    Status: z.string(),
    MinorStatus: z.string(),
    TimeStamp: z.string(),
  })
  .openapi('InsertedJob');

export function registerJobSubmissionRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const route = defineRoute(
    catalogue,
    deps,
    { kind: 'policy', policy: wmsPolicy },
    {
      method: 'post',
      path: '/api/jobs/jdl',
      operationId: 'jobs_submit_jdl_jobs',
      tags: ['jobs'],
      summary: 'Submit JDL jobs',
      description:
        'Submit a list of jobs in JDL format; a single parametric ' +
        'JDL expands into several jobs. All are accepted or none.',
      request: {
        body: {
          content: { 'application/json': { schema: z.array(z.string()), examples: JDL_EXAMPLES } },
          required: true,
        },
      },
      responses: {
        201: { description: 'The created jobs', content: { 'application/json': { schema: z.array(InsertedJob) } } },
        400: {
          description:
            'A JDL is invalid or the request breaks a submission limit (number of jobs, size of a job or of all)',
        },
      },
    },
  );
  app.openapi(route, async (c) => {
    await c.get('access').check(wmsPolicy, { action: 'create' });
    const inserted = await submitJdlJobs(c.get('ctx'), c.req.valid('json'));
    return c.json(wireDates(inserted) as z.infer<typeof InsertedJob>[], 201);
  });
}
