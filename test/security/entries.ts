/**
 * What the security matrix sends to each REST route and MCP tool, and which policy checks that
 * request asks for (the same checks the route or tool makes, with the same arguments). Nothing
 * here says what anyone gets: the matrix derives that from the policies in force. A route of
 * the OpenAPI document or a tool of `tools/list` missing here fails the matrix.
 */
import gubbinsExtension from '@diracx-ts/gubbins';
import { shortPfn } from '../../src/logic/sandboxes/pfn.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { pilotPolicy } from '../../src/policies/pilots.ts';
import { rssPolicy } from '../../src/policies/rss.ts';
import { sandboxPolicy } from '../../src/policies/sandbox.ts';
import { wmsPolicy } from '../../src/policies/wms.ts';
import { STORE_SETTINGS } from '../routes/sandboxes/app.ts';
import type { Cell, Check } from './fixture.ts';

const STORE = { bucketName: STORE_SETTINGS.bucketName, seName: STORE_SETTINGS.seName };
const NOW = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const wms = (action: string, jobIds?: number[]): Check => [
  wmsPolicy as AccessPolicy<never>,
  jobIds ? { action, jobIds } : { action },
];
const sandbox = (action: string, pfn?: string): Check => [
  sandboxPolicy as AccessPolicy<never>,
  pfn ? { action, pfns: [shortPfn(pfn)], store: STORE } : { action },
];
const pilots = (args: Record<string, unknown>): Check => [pilotPolicy as AccessPolicy<never>, args];
const rss = (kind: string): Check => [rssPolicy as AccessPolicy<never>, { kind }];

/** The gubbins extension's own policy, as it registers it. */
const gubbinsPolicy = (gubbinsExtension.policies ?? []).find((p) => p.id === 'gubbins')!;
const gubbins = (action: string): Check => [gubbinsPolicy as AccessPolicy<never>, { action }];

export interface RouteRequest {
  path: string;
  body?: unknown;
}

/** A REST route: `public` and `open` ones need no checks; `policy` ones name theirs. */
export type RouteEntry =
  | { access: 'public'; request?(cell: Cell): Promise<RouteRequest> }
  | { access: 'open'; request?(cell: Cell): Promise<RouteRequest> }
  | { access: 'policy'; request(cell: Cell): Promise<RouteRequest>; checks(cell: Cell): Promise<Check[]> };

const jobSearch = async (cell: Cell): Promise<unknown> => ({
  search: [{ parameter: 'JobID', operator: 'eq', value: String(await cell.job()) }],
});

/** Keyed by `METHOD /openapi/path`. */
export const ROUTES: Record<string, RouteEntry> = {
  'GET /api/health/live': { access: 'public' },
  'GET /api/health/ready': { access: 'public' },
  'GET /api/health/startup': { access: 'public' },
  'GET /api/config': { access: 'public' },
  'GET /api/config/': { access: 'open' },
  'GET /.well-known/openid-configuration': { access: 'public' },
  'GET /.well-known/jwks.json': { access: 'public' },
  'GET /.well-known/dirac-metadata': { access: 'public' },
  'GET /.well-known/security.txt': { access: 'public' },
  'GET /.well-known/oauth-authorization-server': { access: 'public' },
  'GET /.well-known/oauth-protected-resource': { access: 'public' },
  'GET /.well-known/oauth-protected-resource/mcp': { access: 'public' },
  'GET /api/auth/userinfo': { access: 'open' },
  'POST /api/auth/device': {
    access: 'public',
    request: async () => ({ path: '/api/auth/device?client_id=myDIRACClientID&scope=vo:lhcb' }),
  },
  'GET /api/auth/device': { access: 'public', request: async () => ({ path: '/api/auth/device?user_code=NOPE' }) },
  'GET /api/auth/device/complete': {
    access: 'public',
    request: async () => ({ path: '/api/auth/device/complete?code=x&state=y' }),
  },
  'GET /api/auth/device/complete/finished': { access: 'public' },
  'GET /api/auth/authorize': { access: 'public' },
  'GET /api/auth/authorize/vo': {
    access: 'public',
    request: async () => ({ path: '/api/auth/authorize/vo?flow=nope' }),
  },
  'GET /api/auth/authorize/complete': {
    access: 'public',
    request: async () => ({ path: '/api/auth/authorize/complete?code=x&state=y' }),
  },
  'POST /api/auth/authorize/consent': { access: 'public' },
  'POST /api/auth/token': { access: 'public' },
  'GET /api/auth/refresh-tokens': { access: 'open' },
  'DELETE /api/auth/refresh-tokens/{jti}': {
    access: 'open',
    request: async () => ({ path: `/api/auth/refresh-tokens/${crypto.randomUUID()}` }),
  },
  'POST /api/auth/revoke': { access: 'public' },
  'POST /api/auth/register': {
    access: 'public',
    request: async () => ({ path: '/api/auth/register', body: { redirect_uris: ['http://127.0.0.1:9/callback'] } }),
  },
  'GET /api/auth/legacy-exchange': { access: 'public' },
  'POST /api/jobs/jdl': {
    access: 'policy',
    request: async () => ({ path: '/api/jobs/jdl', body: ['[Executable = "echo";]'] }),
    checks: async () => [wms('create')],
  },
  'POST /api/jobs/search': {
    access: 'policy',
    request: async (cell) => ({ path: '/api/jobs/search', body: await jobSearch(cell) }),
    checks: async () => [wms('query')],
  },
  'POST /api/jobs/summary': {
    access: 'policy',
    request: async (cell) => ({
      path: '/api/jobs/summary',
      body: { grouping: ['JobName'], ...((await jobSearch(cell)) as object) },
    }),
    checks: async () => [wms('query')],
  },
  'PATCH /api/jobs/status': {
    access: 'policy',
    request: async (cell) => ({
      path: '/api/jobs/status',
      body: { [await cell.job()]: { [NOW()]: { MinorStatus: 'matrix', Source: 'Test' } } },
    }),
    // Ids outside the caller's VO are not found for privileged callers (404), 403 for the others.
    checks: async (cell) => [
      [wmsPolicy as AccessPolicy<never>, { action: 'manage', jobIds: [await cell.job()], unknownJobs: 'not_found' }],
    ],
  },
  'POST /api/jobs/reschedule': {
    access: 'policy',
    request: async (cell) => ({ path: '/api/jobs/reschedule', body: { job_ids: [await cell.job()] } }),
    checks: async (cell) => [wms('manage', [await cell.job()])],
  },
  'PATCH /api/jobs/heartbeat': {
    access: 'policy',
    request: async (cell) => ({ path: '/api/jobs/heartbeat', body: { [await cell.job()]: { LoadAverage: 1.5 } } }),
    checks: async (cell) => [wms('pilot', [await cell.job()])],
  },
  'PATCH /api/jobs/metadata': {
    access: 'policy',
    request: async (cell) => ({ path: '/api/jobs/metadata', body: { [await cell.job()]: { Site: 'matrix' } } }),
    checks: async (cell) => [wms('manage', [await cell.job()])],
  },
  'POST /api/jobs/sandbox': {
    access: 'policy',
    request: async () => ({
      path: '/api/jobs/sandbox',
      body: { checksum_algorithm: 'sha256', checksum: 'ab'.repeat(32), size: 10, format: 'tar.zst' },
    }),
    checks: async () => [sandbox('create')],
  },
  'GET /api/jobs/sandbox': {
    access: 'policy',
    request: async (cell) => ({ path: `/api/jobs/sandbox?pfn=${encodeURIComponent(await cell.pfn())}` }),
    checks: async (cell) => [sandbox('read', await cell.pfn())],
  },
  'GET /api/jobs/{job_id}/sandbox': {
    access: 'policy',
    request: async (cell) => ({ path: `/api/jobs/${await cell.job()}/sandbox` }),
    checks: async (cell) => [wms('read', [await cell.job()])],
  },
  'GET /api/jobs/{job_id}/sandbox/{sandbox_type}': {
    access: 'policy',
    request: async (cell) => ({ path: `/api/jobs/${await cell.job()}/sandbox/input` }),
    checks: async (cell) => [wms('read', [await cell.job()])],
  },
  'PATCH /api/jobs/{job_id}/sandbox/output': {
    access: 'policy',
    request: async (cell) => ({ path: `/api/jobs/${await cell.job()}/sandbox/output`, body: await cell.pfn() }),
    checks: async (cell) => [wms('manage', [await cell.job()]), sandbox('manage', await cell.pfn())],
  },
  'DELETE /api/jobs/{job_id}/sandbox': {
    access: 'policy',
    request: async (cell) => ({ path: `/api/jobs/${await cell.job()}/sandbox` }),
    checks: async (cell) => [wms('manage', [await cell.job()])],
  },
  'POST /api/jobs/sandbox/unassign': {
    access: 'policy',
    request: async (cell) => ({ path: '/api/jobs/sandbox/unassign', body: { job_ids: [await cell.job()] } }),
    checks: async (cell) => [wms('manage', [await cell.job()])],
  },
  'POST /api/jobs/sandbox/local-store/upload': { access: 'public' },
  'GET /api/jobs/sandbox/local-store/download': { access: 'public' },
  'POST /api/pilots/': {
    access: 'policy',
    request: async (cell) => ({
      path: '/api/pilots/',
      body: { pilot_stamp: `new-${cell.marker.slice(-12)}`, vo: 'lhcb' },
    }),
    checks: async () => [pilots({ action: 'manage_pilots', targetVo: 'lhcb', allowLegacyPilots: true })],
  },
  'POST /api/pilots': { access: 'public' },
  'PATCH /api/pilots/metadata': {
    access: 'policy',
    request: async (cell) => ({ path: '/api/pilots/metadata', body: { [await cell.pilot()]: { Status: 'Running' } } }),
    checks: async (cell) => [
      pilots({ action: 'manage_pilots', pilotStamps: [await cell.pilot()], allowLegacyPilots: true }),
    ],
  },
  'POST /api/pilots/search': {
    access: 'policy',
    request: async () => ({ path: '/api/pilots/search', body: {} }),
    checks: async () => [pilots({ action: 'read_pilot_metadata' })],
  },
  'POST /api/pilots/summary': {
    access: 'policy',
    request: async () => ({ path: '/api/pilots/summary', body: { grouping: ['VO'] } }),
    checks: async () => [pilots({ action: 'read_pilot_metadata' })],
  },
  'GET /api/rss/storage': {
    access: 'policy',
    request: async () => ({ path: '/api/rss/storage' }),
    checks: async () => [rss('storage')],
  },
  'GET /api/rss/compute': {
    access: 'policy',
    request: async () => ({ path: '/api/rss/compute' }),
    checks: async () => [rss('compute')],
  },
  'GET /api/rss/site': {
    access: 'policy',
    request: async () => ({ path: '/api/rss/site' }),
    checks: async () => [rss('site')],
  },
  'GET /api/rss/fts': {
    access: 'policy',
    request: async () => ({ path: '/api/rss/fts' }),
    checks: async () => [rss('fts')],
  },
  'GET /api/gubbins/owners': {
    access: 'policy',
    request: async () => ({ path: '/api/gubbins/owners' }),
    checks: async () => [gubbins('read')],
  },
  'POST /api/gubbins/owners': {
    access: 'policy',
    request: async (cell) => ({ path: '/api/gubbins/owners', body: { name: `new-${cell.marker.slice(-12)}` } }),
    checks: async () => [gubbins('create')],
  },
  'DELETE /api/gubbins/owners/{owner_id}': {
    access: 'policy',
    request: async (cell) => ({ path: `/api/gubbins/owners/${await cell.gubbinsOwner()}` }),
    checks: async () => [gubbins('manage')],
  },
  'GET /api/gubbins/info': { access: 'open' },
  'GET /api/docs': { access: 'public' },
  'GET /api/docs/swagger-ui.css': { access: 'public' },
  'GET /api/docs/swagger-ui-bundle.js': { access: 'public' },
  'GET /api/openapi.json': { access: 'public' },
};

/** The request the matrix sends to `route` for `cell`: the entry's, or the route's path with every parameter `1`. */
export async function requestFor(route: string, cell: Cell): Promise<RouteRequest> {
  const entry = ROUTES[route];
  if (!entry) throw new Error(`${route} is not in the matrix`);
  if (entry.request) return entry.request(cell);
  const [, path = ''] = route.split(' ');
  return { path: path.replace(/\{\w+\}/g, '1') };
}

/**
 * An MCP tool: its arguments, its policy checks, and whether it answers "not found" for a job
 * outside the caller's query scope (the tools built on the job search).
 */
export interface ToolEntry {
  args(cell: Cell): Promise<Record<string, unknown>>;
  checks(cell: Cell): Promise<Check[]>;
  scopedToJob?: true;
}

const none = async (): Promise<Check[]> => [];
const onJob = async (cell: Cell): Promise<Record<string, unknown>> => ({ job_id: await cell.job() });
const onJobs = async (cell: Cell): Promise<Record<string, unknown>> => ({ job_ids: [await cell.job()] });
const manageJob = async (cell: Cell): Promise<Check[]> => [wms('manage', [await cell.job()])];
const readJob = async (cell: Cell): Promise<Check[]> => [wms('read', [await cell.job()])];

export const TOOLS: Record<string, ToolEntry> = {
  whoami: { args: async () => ({}), checks: none },
  get_config_summary: { args: async () => ({}), checks: none },
  search_jobs: {
    args: async (cell) => ({
      parameter: 'JobID',
      operator: 'eq',
      value: String(await cell.job()),
      result_fields: ['JobID', 'JobName', 'Owner'],
    }),
    checks: async () => [wms('query')],
  },
  get_job: { args: onJob, checks: async () => [wms('query')], scopedToJob: true },
  get_job_status_summary: { args: async () => ({}), checks: async () => [wms('query')] },
  summarize_jobs: { args: async () => ({ grouping: ['JobName'] }), checks: async () => [wms('query')] },
  show_job_monitor: { args: async () => ({}), checks: async () => [wms('query')] },
  get_job_status_history: { args: onJob, checks: async () => [wms('query')], scopedToJob: true },
  get_job_jdl: { args: onJob, checks: readJob },
  get_job_sandboxes: { args: onJob, checks: readJob },
  list_job_sandbox_files: {
    args: async (cell) => ({ job_id: (await cell.jobWithOutput()).jobId }),
    checks: async (cell) => {
      const { jobId, pfn } = await cell.jobWithOutput();
      return [wms('read', [jobId]), sandbox('read', pfn)];
    },
  },
  read_job_sandbox_file: {
    args: async (cell) => ({ job_id: (await cell.jobWithOutput()).jobId, path: 'StdErr', tail_lines: 10 }),
    checks: async (cell) => {
      const { jobId, pfn } = await cell.jobWithOutput();
      return [wms('read', [jobId]), sandbox('read', pfn)];
    },
  },
  submit_job: { args: async () => ({ executable: 'echo', arguments: 'hello' }), checks: async () => [wms('create')] },
  validate_jdl: { args: async () => ({ jdl_content: '[Executable = "echo";]' }), checks: async () => [wms('create')] },
  create_sandbox: {
    args: async (cell) => ({ files: [{ name: 'input.txt', content: cell.marker }] }),
    checks: async () => [sandbox('create')],
  },
  set_job_statuses: { args: async (cell) => ({ ...(await onJobs(cell)), status: 'Killed' }), checks: manageJob },
  kill_jobs: { args: onJobs, checks: manageJob },
  delete_jobs: { args: onJobs, checks: manageJob },
  reschedule_jobs: { args: onJobs, checks: manageJob },
  search_pilots: { args: async () => ({}), checks: async () => [pilots({ action: 'read_pilot_metadata' })] },
  get_pilot_summary: { args: async () => ({}), checks: async () => [pilots({ action: 'read_pilot_metadata' })] },
  get_site_status: { args: async () => ({}), checks: async () => [rss('site')] },
  get_resource_status: { args: async () => ({ kind: 'storage' }), checks: async () => [rss('storage')] },
  list_gubbins_owners: { args: async () => ({}), checks: async () => [gubbins('read')] },
  add_gubbins_owner: {
    args: async (cell) => ({ name: `tool-${cell.marker.slice(-12)}` }),
    checks: async () => [gubbins('create')],
  },
  remove_gubbins_owner: {
    args: async (cell) => ({ owner_id: await cell.gubbinsOwner() }),
    checks: async () => [gubbins('manage')],
  },
};
