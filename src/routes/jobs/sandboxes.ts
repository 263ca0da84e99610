/**
 * @module routes/jobs/sandboxes
 * The sandbox routes of DiracX's `routers/jobs/sandboxes.py`, same paths, operationIds, bodies
 * and statuses: upload registration and download URLs (sandbox policy), the sandboxes of a job
 * and their (un)assignment (WMS policy; assigning also checks the sandbox policy on the PFN).
 * Plus the local store's own public endpoints, where the URL's signature is the credential:
 * `POST .../local-store/upload` (the multipart form S3 would take) and `GET .../local-store/download`.
 */
import { z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { NotFoundError, UnavailableError } from '../../core/errors.ts';
import {
  assignOutputSandbox,
  getJobSandbox,
  getJobSandboxes,
  unassignJobsSandboxes,
} from '../../logic/sandboxes/assign.ts';
import {
  JobSandboxesSchema,
  SandboxDownloadResponseSchema,
  SandboxInfoSchema,
  SandboxPfnSchema,
  SandboxTypeSchema,
  SandboxUploadResponseSchema,
  type SandboxDeps,
} from '../../logic/sandboxes/models.ts';
import { sandboxContext } from '../../logic/sandboxes/context.ts';
import { shortPfn } from '../../logic/sandboxes/pfn.ts';
import { getSandboxDownload, initiateSandboxUpload } from '../../logic/sandboxes/upload.ts';
import { sandboxPolicy } from '../../policies/sandbox.ts';
import { wmsPolicy } from '../../policies/wms.ts';
import { FORM_OVERHEAD_BYTES, LOCAL_DOWNLOAD_PATH, LOCAL_UPLOAD_PATH } from '../../storage/local-store.ts';
import { multipartBoundary, readFieldsThenFile } from '../../storage/multipart-stream.ts';
import { defineRoute, type RouteAccess, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';

/** OpenAPI 3.0 named examples (`{name: {value}}`), as FastAPI's `openapi_examples` writes them. */
type Examples = Record<string, { value: unknown }>;
const json = <T extends z.ZodType>(schema: T, examples?: Examples) => ({
  content: { 'application/json': { schema, ...(examples && { examples }) } },
});
// Job ids are PostgreSQL integers: out of that range is a 422, not a database error.
const jobId = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);
const JobIdParams = z.object({
  job_id: z.coerce
    .number()
    .pipe(jobId)
    .openapi({ type: 'integer', param: { required: true }, example: 1 }),
});

// Request examples (DiracX documents only the bulk unassignment's, `EXAMPLE_UNASSIGN`): a
// sandbox of lhcb_user chaen in the default bucket and SE. Each must pass our validation
// (test/routes/openapi-examples.test.ts); the fuzzing runs them first.
const EXAMPLE_CHECKSUM = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const EXAMPLE_PFN = `SB:SandboxSE|/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${EXAMPLE_CHECKSUM}.tar.bz2`;
const SANDBOX_INFO_EXAMPLES: Examples = {
  Default: { value: { checksum_algorithm: 'sha256', checksum: EXAMPLE_CHECKSUM, size: 1024, format: 'tar.bz2' } },
};
const PFN_EXAMPLES: Examples = { Default: { value: EXAMPLE_PFN } };
const UNASSIGN_EXAMPLES: Examples = {
  Default: { value: { job_ids: [1, 2, 3] } },
  'One job': { value: { job_ids: [1] } },
};
const NULL_BODY = { description: 'Done (body `null`)', ...json(z.null()) };

export function registerSandboxRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const wms = { kind: 'policy', policy: wmsPolicy } as const;
  const sandbox = { kind: 'policy', policy: sandboxPolicy } as const;
  const route = <R extends Omit<RouteConfig, 'tags'>>(access: RouteAccess, config: R) =>
    defineRoute(catalogue, deps, access, { tags: ['jobs'], ...config });
  const store = (): SandboxDeps => {
    if (!deps.sandboxes) throw new UnavailableError('Sandbox store is not configured');
    return deps.sandboxes;
  };
  const storeIds = () => ({ bucketName: store().settings.bucketName, seName: store().settings.seName });

  const upload = route(sandbox, {
    method: 'post',
    path: '/api/jobs/sandbox',
    operationId: 'jobs_initiate_sandbox_upload',
    summary: 'Initiate sandbox upload',
    description:
      'Get the PFN for the given sandbox, initiate an upload as required. If the sandbox is already stored, `url` ' +
      'is null; otherwise POST `fields` and the file (`multipart/form-data`, file last) to `url`.',
    request: { body: { ...json(SandboxInfoSchema, SANDBOX_INFO_EXAMPLES), required: true } },
    responses: {
      200: { description: 'The PFN, and where to upload', ...json(SandboxUploadResponseSchema) },
      400: { description: 'Sandbox too large' },
    },
  });
  app.openapi(upload, async (c) => {
    await c.get('access').check(sandboxPolicy, { action: 'create' });
    return c.json(await initiateSandboxUpload(sandboxContext(c.get('ctx')), c.req.valid('json')), 200);
  });

  const download = route(sandbox, {
    method: 'get',
    path: '/api/jobs/sandbox',
    operationId: 'jobs_get_sandbox_file',
    summary: 'Get sandbox file',
    description:
      'Get a presigned URL to download a sandbox file. Never ' +
      'a redirect: a client would follow it with its bearer token.',
    request: { query: z.object({ pfn: SandboxPfnSchema.openapi({ example: EXAMPLE_PFN }) }) },
    responses: {
      200: { description: 'Download URL', ...json(SandboxDownloadResponseSchema) },
      400: { description: 'Sandbox not found' },
    },
  });
  app.openapi(download, async (c) => {
    const { pfn } = c.req.valid('query');
    await c.get('access').check(sandboxPolicy, { action: 'read', pfns: [shortPfn(pfn)], store: storeIds() });
    return c.json(await getSandboxDownload(sandboxContext(c.get('ctx')), pfn), 200);
  });

  const ofJob = route(wms, {
    method: 'get',
    path: '/api/jobs/{job_id}/sandbox',
    operationId: 'jobs_get_job_sandboxes',
    summary: 'Get job sandboxes',
    description: 'Get input and output sandboxes of given job (every PFN of each type, `[]` when none).',
    request: { params: JobIdParams },
    responses: { 200: { description: 'Input and output sandbox PFNs', ...json(JobSandboxesSchema) } },
  });
  app.openapi(ofJob, async (c) => {
    const jobId = c.req.valid('param').job_id;
    await c.get('access').check(wmsPolicy, { action: 'read', jobIds: [jobId] });
    return c.json(await getJobSandboxes(deps.database, jobId), 200);
  });

  const ofJobByType = route(wms, {
    method: 'get',
    path: '/api/jobs/{job_id}/sandbox/{sandbox_type}',
    operationId: 'jobs_get_job_sandbox',
    summary: 'Get job sandbox',
    description: 'Get input or output sandbox of given job.',
    request: { params: JobIdParams.extend({ sandbox_type: SandboxTypeSchema.openapi({ example: 'output' }) }) },
    responses: { 200: { description: 'The PFNs, `[]` when none', ...json(z.array(z.string())) } },
  });
  app.openapi(ofJobByType, async (c) => {
    const { job_id: jobId, sandbox_type: type } = c.req.valid('param');
    await c.get('access').check(wmsPolicy, { action: 'read', jobIds: [jobId] });
    return c.json(await getJobSandbox(deps.database, jobId, type), 200);
  });

  const assign = route(wms, {
    method: 'patch',
    path: '/api/jobs/{job_id}/sandbox/output',
    operationId: 'jobs_assign_sandbox_to_job',
    summary: 'Assign sandbox to job',
    description: 'Map the pfn as output sandbox to job.',
    request: { params: JobIdParams, body: { ...json(SandboxPfnSchema, PFN_EXAMPLES), required: true } },
    responses: { 200: NULL_BODY, 400: { description: 'Sandbox not found, or already assigned' } },
  });
  app.openapi(assign, async (c) => {
    const jobId = c.req.valid('param').job_id;
    const pfn = c.req.valid('json');
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds: [jobId] });
    await c.get('access').check(sandboxPolicy, { action: 'manage', pfns: [shortPfn(pfn)], store: storeIds() });
    await assignOutputSandbox(
      { database: deps.database, settings: store().settings, vo: c.get('user').vo },
      jobId,
      pfn,
    );
    return c.json(null, 200);
  });

  const unassign = route(wms, {
    method: 'delete',
    path: '/api/jobs/{job_id}/sandbox',
    operationId: 'jobs_unassign_job_sandboxes',
    summary: 'Unassign job sandboxes',
    description: 'Delete single job sandbox mapping.',
    request: { params: JobIdParams },
    responses: { 200: NULL_BODY },
  });
  app.openapi(unassign, async (c) => {
    const jobId = c.req.valid('param').job_id;
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds: [jobId] });
    await unassignJobsSandboxes(deps.database, [jobId]);
    return c.json(null, 200);
  });

  const unassignBulk = route(wms, {
    method: 'post',
    path: '/api/jobs/sandbox/unassign',
    operationId: 'jobs_unassign_bulk_jobs_sandboxes',
    summary: 'Unassign bulk jobs sandboxes',
    description: 'Delete bulk jobs sandbox mapping.',
    // Named as FastAPI names DiracX's embedded body (`Body_<operationId>`).
    request: {
      body: {
        ...json(
          z.object({ job_ids: z.array(jobId) }).openapi('Body_jobs_unassign_bulk_jobs_sandboxes'),
          UNASSIGN_EXAMPLES,
        ),
        required: true,
      },
    },
    responses: { 204: { description: 'Unassigned' } },
  });
  app.openapi(unassignBulk, async (c) => {
    const jobIds = c.req.valid('json').job_ids;
    await c.get('access').check(wmsPolicy, { action: 'manage', jobIds });
    await unassignJobsSandboxes(deps.database, jobIds);
    return c.body(null, 204);
  });

  registerLocalStoreRoutes(app, deps, route);
}

type DefineRoute = <R extends Omit<RouteConfig, 'tags'>>(access: RouteAccess, config: R) => R & { tags: string[] };

/** The local store's public endpoints: 404 unless the configured store is the local one. */
function registerLocalStoreRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, route: DefineRoute): void {
  const PUBLIC = { kind: 'public' } as const;
  const transfers = () => {
    const found = deps.sandboxes?.store.transfers;
    if (!found) throw new NotFoundError('Not Found');
    return found;
  };

  const upload = route(PUBLIC, {
    method: 'post',
    path: LOCAL_UPLOAD_PATH,
    operationId: 'jobs_upload_to_local_store',
    summary: 'Upload to the local sandbox store',
    description:
      'Where `POST /api/jobs/sandbox` sends uploads when no S3 store is ' +
      'configured: `multipart/form-data` with the returned `fields`, then `file`. ' +
      'The signed fields are the credential; the file must have the signed size and SHA-256.',
    responses: {
      204: { description: 'Stored' },
      400: { description: 'Wrong size or checksum' },
      403: { description: 'Invalid or expired signature' },
      411: { description: 'No Content-Length' },
      413: { description: 'Larger than the upload URL allows' },
      503: { description: 'Too many uploads in progress; retry after Retry-After seconds' },
    },
  });
  app.openapi(upload, async (c) => {
    const store = transfers();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined)
      return c.json({ detail: 'Content-Length required' }, 411);
    if (!/^\d+$/.test(length) || Number(length) > store.maxUploadBodyBytes)
      return c.json({ detail: 'Upload too large' }, 413);
    const boundary = multipartBoundary(c.req.header('content-type'));
    const body = c.req.raw.body;
    if (!boundary || !body) return c.json({ detail: 'Expected multipart/form-data with a file field' }, 400);
    // The signed fields come before the file (as S3 wants them): they are checked before any
    // byte of the file is read, and the file then streams into the store.
    const { fields, file } = await readFieldsThenFile(body, boundary, FORM_OVERHEAD_BYTES);
    try {
      await store.receiveUpload(fields, file);
    } finally {
      await file.cancel().catch(() => undefined);
    }
    return c.body(null, 204);
  });

  const download = route(PUBLIC, {
    method: 'get',
    path: LOCAL_DOWNLOAD_PATH,
    operationId: 'jobs_download_from_local_store',
    summary: 'Download from the local sandbox store',
    description:
      'Where `GET /api/jobs/sandbox` points when no S3 store is configured; the signed query is the credential.',
    responses: {
      200: { description: 'The sandbox bytes' },
      403: { description: 'Invalid or expired signature' },
      404: { description: 'Not found' },
    },
  });
  app.openapi(download, async (c) => {
    const blob = await transfers().openDownload(c.req.query());
    return c.body(blob.stream(), 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(blob.size),
      'cache-control': 'no-store',
    });
  });
}
