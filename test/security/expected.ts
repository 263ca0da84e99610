/**
 * The security matrix's expectations written by hand: for every REST route and MCP tool of the
 * matrix (`entries.ts`, the gubbins extension's included), what each of the five people of the
 * shipped configuration gets for the request the matrix sends. The matrix itself derives its
 * expectations by running the policies in force, so a wrong policy agrees with itself there;
 * this table does not run anything. It was written from the rules, before running it: DiracX
 * 0.7.0's `WMSAccessPolicy`, `SandboxAccessPolicy`, `PilotManagementAccessPolicy` and
 * `RSSAccessPolicy` (`routers/{jobs,pilots,rss}/access_policies.py`), this project's
 * deviations from them as their `@module` docs state (`src/policies/*.ts`: jobs kept to one's VO,
 * pilots and sandboxes hidden across VOs, pilots may assign sandboxes of their VO), the gubbins extension
 * in force in the matrix world (`extensions/gubbins/src/wms-policy.ts`: a JobAdministrator
 * without GubbinsSensei may read or manage only their own jobs; `policy.ts`: gubbins owners),
 * the groups of `src/config/default.yml` (nobody here holds ServiceAdministrator or
 * GubbinsSensei; lhcbadmin holds JobAdministrator alone, lhcbpilot GenericPilot alone) and, for
 * what a caller allowed by policy gets, the routes' documented answers. Rows that the run
 * corrected say why in a comment.
 *
 * The cell's data: a job of chaen (owner) in lhcb, freshly submitted (Received); a sandbox of
 * chaen's, assigned to no job; a pilot of lhcb; a gubbins owner of lhcb. sameVo is albdr (lhcb
 * NormalUser), otherVo alice (gridpp NormalUser), jobAdministrator lhcbadmin, pilot lhcbpilot.
 *
 * REST: `ok` is any 2xx; anything else is the exact status. MCP: `ok` is a tool result that is
 * not an error; anything else is the error's code (`FORBIDDEN`, `NOT_FOUND`, ...).
 */
import type { ErrorCode } from '../../src/core/errors.ts';
import type { Person } from './fixture.ts';

export type RestOutcome = 'ok' | number;
export type ToolOutcome = 'ok' | ErrorCode;
export type Row<Outcome> = Readonly<Record<Person, Outcome>>;

/** The same answer for all five: public routes (credentials ignored) and open ones (any valid token). */
const everyone = <Outcome>(outcome: Outcome): Row<Outcome> => ({
  owner: outcome,
  sameVo: outcome,
  otherVo: outcome,
  jobAdministrator: outcome,
  pilot: outcome,
});

/** Keyed as `ROUTES` of `entries.ts`: `METHOD /openapi/path`. */
export const EXPECTED_ROUTES: Readonly<Record<string, Row<RestOutcome>>> = {
  'GET /api/health/live': everyone('ok'),
  'GET /api/health/ready': everyone('ok'),
  'GET /api/health/startup': everyone('ok'),
  'GET /api/config': everyone(307), // FastAPI's redirect to the canonical `/api/config/`
  'GET /api/config/': everyone('ok'), // open: each caller's own VO's view
  'GET /.well-known/openid-configuration': everyone('ok'),
  'GET /.well-known/jwks.json': everyone('ok'),
  'GET /.well-known/dirac-metadata': everyone('ok'),
  'GET /.well-known/security.txt': everyone('ok'),
  'GET /.well-known/oauth-authorization-server': everyone('ok'),
  'GET /.well-known/oauth-protected-resource': everyone('ok'),
  'GET /.well-known/oauth-protected-resource/mcp': everyone('ok'),
  'GET /api/auth/userinfo': everyone('ok'),
  'POST /api/auth/device': everyone('ok'), // DiracX's client, `vo:lhcb`: a device code
  'GET /api/auth/device': everyone(400), // an unknown user code
  'GET /api/auth/device/complete': everyone(400), // an unknown state
  'GET /api/auth/device/complete/finished': everyone('ok'),
  'GET /api/auth/authorize': everyone(400), // no parameters, not DiracX's client: our error page
  'GET /api/auth/authorize/vo': everyone(400), // an unknown flow: our error page
  'GET /api/auth/authorize/complete': everyone(400), // an unknown state
  'POST /api/auth/authorize/consent': everyone(415), // JSON to a form endpoint (first written 422: an empty form)
  'POST /api/auth/token': everyone(415), // JSON to a form endpoint (first written 422: an empty form)
  'GET /api/auth/refresh-tokens': everyone('ok'),
  'DELETE /api/auth/refresh-tokens/{jti}': everyone(404), // a token id nobody holds
  'POST /api/auth/revoke': everyone(415), // JSON to a form endpoint (first written 422: an empty form)
  'POST /api/auth/register': everyone('ok'), // a loopback redirect URI: registered
  'GET /api/auth/legacy-exchange': everyone(422), // no query, no API key
  // wms `create`: NormalUser only.
  'POST /api/jobs/jdl': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 403, pilot: 403 },
  // wms `query`: NormalUser or JobAdministrator (the logic scopes the answer); not a pilot.
  'POST /api/jobs/search': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: 403 },
  'POST /api/jobs/summary': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: 403 },
  // wms `manage` (`pilot` counts as `manage`): the owner, and GenericPilot on its VO's jobs; the
  // JobAdministrator's shortcut needs GubbinsSensei in the matrix world (gubbins' wms override).
  'PATCH /api/jobs/status': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  'POST /api/jobs/reschedule': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  'PATCH /api/jobs/heartbeat': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  'PATCH /api/jobs/metadata': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  // sandbox `create`: NormalUser only, as in DiracX (not a pure JobAdministrator, not a pilot).
  'POST /api/jobs/sandbox': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 403, pilot: 403 },
  // sandbox `read` of chaen's unassigned sandbox: its owner; a JobAdministrator of its VO (no
  // job to check with the wms policy); the others fail the PFN prefix (a pilot has no
  // NormalUser for reading through a job; another VO's sandbox is missing to alice, same 403).
  'GET /api/jobs/sandbox': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 'ok', pilot: 403 },
  // wms `read`: the owner only (a pilot may only manage; the JobAdministrator needs GubbinsSensei).
  'GET /api/jobs/{job_id}/sandbox': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 403 },
  'GET /api/jobs/{job_id}/sandbox/{sandbox_type}': {
    owner: 'ok',
    sameVo: 403,
    otherVo: 403,
    jobAdministrator: 403,
    pilot: 403,
  },
  // wms `manage` of the job, then sandbox `manage` of chaen's sandbox: the pilot passes both
  // (a pilot may assign any sandbox of its VO as a job's output, DiracX's job-wrapper flow).
  'PATCH /api/jobs/{job_id}/sandbox/output': {
    owner: 'ok',
    sameVo: 403,
    otherVo: 403,
    jobAdministrator: 403,
    pilot: 'ok',
  },
  'DELETE /api/jobs/{job_id}/sandbox': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  'POST /api/jobs/sandbox/unassign': { owner: 'ok', sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  'POST /api/jobs/sandbox/local-store/upload': everyone(411), // no body, so no Content-Length
  'GET /api/jobs/sandbox/local-store/download': everyone(403), // no signed query
  // pilot `manage_pilots` into lhcb: GenericPilot of lhcb (legacy pilots allowed); nobody here
  // is a ServiceAdministrator.
  'POST /api/pilots/': { owner: 403, sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  'POST /api/pilots': everyone(307), // FastAPI's redirect to `/api/pilots/`
  'PATCH /api/pilots/metadata': { owner: 403, sameVo: 403, otherVo: 403, jobAdministrator: 403, pilot: 'ok' },
  // pilot `read_pilot_metadata`: everyone but a GenericPilot.
  'POST /api/pilots/search': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: 403 },
  'POST /api/pilots/summary': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: 403 },
  // rss: DiracX's RSSAccessPolicy lets every authenticated caller read (the logic shows each VO its view).
  'GET /api/rss/storage': everyone('ok'),
  'GET /api/rss/compute': everyone('ok'),
  'GET /api/rss/site': everyone('ok'),
  'GET /api/rss/fts': everyone('ok'),
  // gubbins: `read` NormalUser or JobAdministrator, `create` NormalUser, `manage` GubbinsSensei.
  'GET /api/gubbins/owners': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: 403 },
  'POST /api/gubbins/owners': { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 403, pilot: 403 },
  'DELETE /api/gubbins/owners/{owner_id}': everyone(403),
  'GET /api/gubbins/info': everyone('ok'),
  'GET /api/docs': everyone('ok'),
  'GET /api/docs/swagger-ui.css': everyone('ok'),
  'GET /api/docs/swagger-ui-bundle.js': everyone('ok'),
  'GET /api/openapi.json': everyone('ok'),
};

const F = 'FORBIDDEN';
const N = 'NOT_FOUND';

/** Keyed as `TOOLS` of `entries.ts`: the tool's name. `F` is FORBIDDEN, `N` NOT_FOUND. */
export const EXPECTED_TOOLS: Readonly<Record<string, Row<ToolOutcome>>> = {
  whoami: everyone('ok'),
  get_config_summary: everyone('ok'),
  // wms `query`, as on REST; a job outside the caller's query scope is not found. The scope is
  // the VO's jobs: GlobalJobsInfo is DiracX's default, true (`Operations.<vo>.Services.
  // JobMonitoring`), so albdr sees chaen's job here (first written as NOT_FOUND, from the
  // NormalUser rule alone) though `read` (JDL, sandboxes) stays the owner's, as in DiracX.
  search_jobs: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: F },
  get_job: { owner: 'ok', sameVo: 'ok', otherVo: N, jobAdministrator: 'ok', pilot: F },
  get_job_status_summary: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: F },
  summarize_jobs: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: F },
  show_job_monitor: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: F },
  get_job_status_history: { owner: 'ok', sameVo: 'ok', otherVo: N, jobAdministrator: 'ok', pilot: F },
  // wms `read`: the owner only.
  get_job_jdl: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: F },
  get_job_sandboxes: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: F },
  // wms `read` of the job, then sandbox `read` of its output sandbox (as the download route).
  list_job_sandbox_files: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: F },
  read_job_sandbox_file: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: F },
  // wms `create`: NormalUser only.
  submit_job: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: F, pilot: F },
  validate_jdl: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: F, pilot: F },
  // sandbox `create`: NormalUser only, as POST /api/jobs/sandbox.
  create_sandbox: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: F, pilot: F },
  // wms `manage`: the owner and the VO's GenericPilot (one job: below the confirmation threshold).
  set_job_statuses: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: 'ok' },
  kill_jobs: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: 'ok' },
  delete_jobs: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: 'ok' },
  reschedule_jobs: { owner: 'ok', sameVo: F, otherVo: F, jobAdministrator: F, pilot: 'ok' },
  // pilot `read_pilot_metadata`: everyone but a GenericPilot.
  search_pilots: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: F },
  get_pilot_summary: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: F },
  // rss: every authenticated caller, as on REST.
  get_site_status: everyone('ok'),
  get_resource_status: everyone('ok'),
  // gubbins, as on REST.
  list_gubbins_owners: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: 'ok', pilot: F },
  add_gubbins_owner: { owner: 'ok', sameVo: 'ok', otherVo: 'ok', jobAdministrator: F, pilot: F },
  remove_gubbins_owner: everyone(F),
};
