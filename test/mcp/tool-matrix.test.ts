/**
 * Every MCP tool, called over real HTTP by the owner of a job (chaen), another user of the VO
 * (albdr), a user of another VO (alice) and a JobAdministrator, answers what REST answers the
 * same person over the same data: the same rows and counts for reads, a REST 403 as a FORBIDDEN
 * tool error, a job REST search does not show as NOT_FOUND. Destructive tools run as dry runs
 * only, and the job is unchanged afterwards. A tool without a row here fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { setRssStatus } from '../../src/logic/rss/admin.ts';
import { call, PEOPLE, submitJob, type Person } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

type Named = Exclude<Person, 'anonymous'>;
const WHO: Named[] = ['owner', 'sameGroup', 'otherVo', 'admin'];
type Json = Record<string, unknown>;
type Rows = Json[];

let server: McpTestServer;
let job = 0;
const JDL = '[Executable = "echo"; Arguments = "matrix";]';
const clients = new Map<Named, Client>();

beforeAll(async () => {
  server = await startMcpTestServer();
  job = await submitJob(server.app, 'owner', JDL);
  await submitJob(server.app, 'sameGroup');
  await submitJob(server.app, 'otherVo');
  const pilot = await call(server.app, 'pilot', 'POST', '/api/pilots/', { pilot_stamp: 'matrix-pilot', vo: 'lhcb' });
  if (pilot.status !== 201) throw new Error(`pilot registration failed: ${pilot.status}`);
  // Statuses for every VO and for one VO only, as `bun run rss set` writes them.
  const rss = { database: server.app.database, now: () => new Date() };
  await setRssStatus(rss, { kind: 'site', name: 'LCG.CERN.cern', status: 'Banned', reason: 'matrix downtime' });
  await setRssStatus(rss, { kind: 'site', name: 'LCG.RAL.uk', vo: 'gridpp', status: 'Degraded' });
  await setRssStatus(rss, { kind: 'storage', name: 'CERN-DST', status: 'Active' });
  await setRssStatus(rss, { kind: 'storage', name: 'CERN-DST', vo: 'lhcb', status: 'Active' });
  await setRssStatus(rss, { kind: 'storage', name: 'CERN-DST', vo: 'lhcb', accesses: ['write'], status: 'Banned' });
  for (const who of WHO) {
    const [vo, group, user] = PEOPLE[who];
    const client = new Client({ name: `matrix-${who}`, version: '1.0.0' });
    const token = await server.token(vo, group, user);
    await client.connect(
      new StreamableHTTPClientTransport(server.mcpUrl, {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.set(who, client);
  }
});
afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await server.stop();
});

/** `pick` of the tool's structured result, or the error code at the start of its error text. */
async function mcp(who: Named, name: string, args: Json, pick: (data: Json) => unknown = () => 'ok'): Promise<unknown> {
  const result = await clients.get(who)!.callTool({ name, arguments: args });
  if (result.isError) return String((result.content as { text: string }[])[0]?.text.split(':')[0]);
  return pick(result.structuredContent as Json);
}

/** `pick` of the REST answer's body, or FORBIDDEN for a 403. */
async function rest(
  who: Named,
  method: string,
  path: string,
  body: unknown,
  pick: (body: unknown, status: number) => unknown = () => 'ok',
): Promise<unknown> {
  const res = await call(server.app, who, method, path, body);
  return res.status === 403 ? 'FORBIDDEN' : pick(res.body, res.status);
}

/** The rows of a REST job search as `who`. */
const search = async (who: Named, body: Json): Promise<Rows> =>
  (await call(server.app, who, 'POST', '/api/jobs/search', body)).body as Rows;
const byJob = (parameters: string[] | null) => ({
  parameters,
  search: [{ parameter: 'JobID', operator: 'eq', value: job }],
});
const sortedIds = (rows: Rows, key = 'JobID'): unknown[] => rows.map((r) => r[key]).sort();
const sortedRows = (rows: Rows): Rows => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
/** `[name, allowed, reason]` of each element of a REST RSS answer (a storage element: every access allowed). */
const rssRows = (body: unknown): unknown[] =>
  Object.entries(body as Record<string, Record<string, { allowed: boolean; reason?: string }>>).map(([name, e]) => {
    const statuses = Object.values(e);
    const banned = statuses.find((st) => !st.allowed);
    return [name, !banned, e.all ? (e.all.reason ?? null) : banned ? 'banned' : null];
  });
/** The same of a tool's entries (a storage element's reason only says whether there is one). */
const toolRows = (entries: Rows, storage = false): unknown[] =>
  entries.map((e) => [e.name, e.allowed, storage && e.reason !== null ? 'banned' : e.reason]);
const statusCounts = (rows: Rows): Json => Object.fromEntries(rows.map((r) => [r.Status, r.count]));
/** The destructive tools' dry run vs a harmless change under the same WMS `manage` policy. */
const manage = (who: Named) =>
  rest(who, 'PATCH', '/api/jobs/metadata', { [job]: { Site: `matrix-${who}` } }, (_body, status) =>
    status === 204 ? 'ok' : status,
  );

/** Per tool: what REST says to `who`, and what the tool says, in the same form. */
const MATRIX: Record<string, { rest(who: Named): Promise<unknown>; mcp(who: Named): Promise<unknown> }> = {
  search_jobs: {
    rest: async (who) =>
      sortedIds(
        await search(who, {
          parameters: ['JobID'],
          search: [{ parameter: 'Status', operator: 'eq', value: 'Received' }],
        }),
      ),
    mcp: (who) =>
      mcp(
        who,
        'search_jobs',
        { parameter: 'Status', operator: 'eq', value: 'Received', result_fields: ['JobID'], per_page: 100 },
        (d) => sortedIds(d.data as Rows),
      ),
  },
  get_job: {
    rest: async (who) => (await search(who, byJob(null)))[0] ?? 'NOT_FOUND',
    mcp: (who) => mcp(who, 'get_job', { job_id: job }, (d) => d.data),
  },
  submit_job: {
    // Each side submits its own job; the person must then see it through REST.
    rest: (who) =>
      rest(
        who,
        'POST',
        '/api/jobs/jdl',
        [JDL],
        async (body) =>
          (
            await search(who, {
              search: [{ parameter: 'JobID', operator: 'in', values: (body as Rows).map((j) => j.JobID) }],
            })
          ).length,
      ),
    mcp: async (who) => {
      const ids = await mcp(who, 'submit_job', { jdl_content: JDL }, (d) => d.job_ids);
      return Array.isArray(ids)
        ? (await search(who, { search: [{ parameter: 'JobID', operator: 'in', values: ids }] })).length
        : ids;
    },
  },
  get_job_status_summary: {
    rest: (who) =>
      rest(who, 'POST', '/api/jobs/summary', { grouping: ['Status'], search: [] }, (b) => statusCounts(b as Rows)),
    mcp: (who) => mcp(who, 'get_job_status_summary', {}, (d) => d.status_summary),
  },
  show_job_monitor: {
    // With mine=false, the monitor's rows are REST's search, its counts REST's summary, for the same person.
    rest: async (who) => ({
      ids: sortedIds(await search(who, { parameters: ['JobID'] })),
      counts: await rest(who, 'POST', '/api/jobs/summary', { grouping: ['Status'], search: [] }, (b) =>
        statusCounts(b as Rows),
      ),
    }),
    mcp: (who) =>
      mcp(who, 'show_job_monitor', { mine: false, per_page: 100 }, (d) => ({
        ids: sortedIds(d.jobs as Rows),
        counts: d.status_summary,
      })),
  },
  summarize_jobs: {
    rest: (who) =>
      rest(who, 'POST', '/api/jobs/summary', { grouping: ['Owner', 'Status'], search: [] }, (b) =>
        sortedRows(b as Rows),
      ),
    mcp: (who) => mcp(who, 'summarize_jobs', { grouping: ['Owner', 'Status'] }, (d) => sortedRows(d.groups as Rows)),
  },
  get_job_sandboxes: {
    rest: (who) =>
      rest(who, 'GET', `/api/jobs/${job}/sandbox`, undefined, (b) => {
        const { Input, Output } = b as { Input: (string | null)[]; Output: (string | null)[] };
        return { input: Input.filter((p) => p !== null), output: Output.filter((p) => p !== null) };
      }),
    mcp: (who) =>
      mcp(who, 'get_job_sandboxes', { job_id: job }, (d) => {
        const { input, output } = d.sandboxes as { input: { pfn: string }[]; output: { pfn: string }[] };
        return { input: input.map((e) => e.pfn), output: output.map((e) => e.pfn) };
      }),
  },
  list_job_sandbox_files: {
    rest: (who) =>
      rest(who, 'GET', `/api/jobs/${job}/sandbox/output`, undefined, (b) => ({ sandboxes: (b as string[]).length })),
    mcp: (who) =>
      mcp(who, 'list_job_sandbox_files', { job_id: job }, (d) => ({ sandboxes: (d.sandboxes as unknown[]).length })),
  },
  read_job_sandbox_file: {
    // The job has no output sandbox: what REST lists as none, the tool answers as not found.
    rest: (who) =>
      rest(who, 'GET', `/api/jobs/${job}/sandbox/output`, undefined, (b) =>
        (b as string[]).length > 0 ? 'ok' : 'NOT_FOUND',
      ),
    mcp: (who) => mcp(who, 'read_job_sandbox_file', { job_id: job, path: 'StdErr' }),
  },
  get_job_status_history: {
    rest: async (who) => {
      const row = (await search(who, byJob(['Status', 'LoggingInfo'])))[0];
      return row ? { status: row.Status, history: row.LoggingInfo } : 'NOT_FOUND';
    },
    mcp: (who) =>
      mcp(who, 'get_job_status_history', { job_id: job }, (d) => ({ status: d.status, history: d.history })),
  },
  get_job_jdl: {
    // No REST route serves the JDL; the sandbox route checks the same `read` policy.
    rest: (who) => rest(who, 'GET', `/api/jobs/${job}/sandbox`, undefined, () => ({ job_id: job, ours: true })),
    mcp: (who) =>
      mcp(who, 'get_job_jdl', { job_id: job }, (d) => ({
        job_id: d.job_id,
        ours: String(d.original_jdl).includes('"matrix"'),
      })),
  },
  create_sandbox: {
    // This server has no sandbox store: who may upload is told it is unavailable, the others refused.
    rest: (who) =>
      rest(
        who,
        'POST',
        '/api/jobs/sandbox',
        { checksum_algorithm: 'sha256', checksum: 'ab'.repeat(32), size: 10, format: 'tar.zst' },
        (_b, status) => (status === 503 ? 'UNAVAILABLE' : status),
      ),
    mcp: (who) => mcp(who, 'create_sandbox', { files: [{ name: 'input.txt', content: 'matrix' }] }),
  },
  validate_jdl: {
    // An invalid JDL: REST checks the `create` policy (403) before refusing it (400), writing nothing.
    rest: (who) =>
      rest(who, 'POST', '/api/jobs/jdl', ['[Executable = ;]'], (_b, status) => ({ valid: status !== 400 })),
    mcp: (who) => mcp(who, 'validate_jdl', { jdl_content: '[Executable = ;]' }, (d) => ({ valid: d.valid })),
  },
  set_job_statuses: {
    rest: manage,
    mcp: (who) => mcp(who, 'set_job_statuses', { job_ids: [job], status: 'Killed', dry_run: true }),
  },
  kill_jobs: { rest: manage, mcp: (who) => mcp(who, 'kill_jobs', { job_ids: [job], dry_run: true }) },
  delete_jobs: { rest: manage, mcp: (who) => mcp(who, 'delete_jobs', { job_ids: [job], dry_run: true }) },
  reschedule_jobs: { rest: manage, mcp: (who) => mcp(who, 'reschedule_jobs', { job_ids: [job], dry_run: true }) },
  whoami: {
    rest: (who) =>
      rest(who, 'GET', '/api/auth/userinfo', undefined, (b) => {
        const u = b as Json;
        return {
          sub: u.sub,
          preferred_username: u.preferred_username,
          vo: u.vo,
          group: u.dirac_group,
          properties: u.properties,
        };
      }),
    mcp: (who) =>
      mcp(who, 'whoami', {}, (d) => ({
        sub: d.sub,
        preferred_username: d.preferred_username,
        vo: d.vo,
        group: d.group,
        properties: d.properties,
      })),
  },
  get_config_summary: {
    rest: (who) =>
      rest(who, 'GET', '/api/config/', undefined, (b) => {
        const vo = PEOPLE[who][0];
        const cfg = b as {
          Registry: Record<string, { DefaultGroup: string; Groups: Record<string, { Properties: string[] }> }>;
          Operations: Record<
            string,
            { JobDescription: Json; Services: { JobScheduling: { MaxRescheduling: number } } }
          >;
        };
        const limits = cfg.Operations[vo]!.JobDescription;
        return {
          vo,
          groups: Object.entries(cfg.Registry[vo]!.Groups).map(([name, g]) => ({ name, properties: g.Properties })),
          default_group: cfg.Registry[vo]!.DefaultGroup,
          limits: [
            limits.DefaultCPUTime,
            limits.MinCPUTime,
            limits.MaxCPUTime,
            limits.MaxInputData,
            limits.AllowedJobTypes,
            cfg.Operations[vo]!.Services.JobScheduling.MaxRescheduling,
          ],
        };
      }),
    mcp: (who) =>
      mcp(who, 'get_config_summary', {}, (d) => {
        const l = d.job_limits as Json;
        return {
          vo: d.vo,
          groups: d.groups,
          default_group: d.default_group,
          limits: [
            l.default_cpu_time,
            l.min_cpu_time,
            l.max_cpu_time,
            l.max_input_data,
            l.allowed_job_types,
            l.max_rescheduling,
          ],
        };
      }),
  },
  search_pilots: {
    rest: (who) =>
      rest(who, 'POST', '/api/pilots/search', { parameters: ['PilotStamp'] }, (b) =>
        sortedIds(b as Rows, 'PilotStamp'),
      ),
    mcp: (who) =>
      mcp(who, 'search_pilots', { result_fields: ['PilotStamp'], per_page: 100 }, (d) =>
        sortedIds(d.data as Rows, 'PilotStamp'),
      ),
  },
  get_pilot_summary: {
    rest: (who) =>
      rest(who, 'POST', '/api/pilots/summary', { grouping: ['Status'], search: [] }, (b) => sortedRows(b as Rows)),
    mcp: (who) => mcp(who, 'get_pilot_summary', {}, (d) => sortedRows(d.groups as Rows)),
  },
  get_site_status: {
    rest: (who) => rest(who, 'GET', '/api/rss/site', undefined, rssRows),
    mcp: (who) => mcp(who, 'get_site_status', {}, (d) => toolRows(d.sites as Rows)),
  },
  get_resource_status: {
    rest: (who) => rest(who, 'GET', '/api/rss/storage', undefined, rssRows),
    mcp: (who) => mcp(who, 'get_resource_status', { kind: 'storage' }, (d) => toolRows(d.resources as Rows, true)),
  },
};
const TOOLS = Object.keys(MATRIX);

describe('every MCP tool answers each person as REST does', () => {
  it('has a matrix row for every tool the server lists', async () => {
    const { tools } = await clients.get('owner')!.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
  });

  it.each(TOOLS.flatMap((tool) => WHO.map((who) => [tool, who] as const)))('%s as %s', async (tool, who) => {
    const row = MATRIX[tool]!;
    const expected = await row.rest(who);
    expect({ tool, who, mcp: await row.mcp(who) }).toEqual({ tool, who, mcp: expected });
  });

  it('is not trivial: only the owner and the administrator may act, other VOs do not see the job', async () => {
    const outcomes = async (tool: string) =>
      Promise.all(WHO.map(async (who) => ((await MATRIX[tool]!.mcp(who)) === 'ok' ? 'ok' : 'refused')));
    expect(await outcomes('kill_jobs')).toEqual(['ok', 'refused', 'refused', 'ok']);
    expect(await MATRIX.get_job!.mcp('otherVo')).toBe('NOT_FOUND');
    expect(await MATRIX.get_job_jdl!.mcp('sameGroup')).toBe('FORBIDDEN');
    expect(await MATRIX.search_pilots!.mcp('owner')).toEqual(['matrix-pilot']);
    expect(await MATRIX.search_pilots!.mcp('otherVo')).toEqual([]);
    expect(await MATRIX.submit_job!.mcp('admin')).toBe('FORBIDDEN');
    expect(await MATRIX.get_site_status!.mcp('owner')).toEqual([['LCG.CERN.cern', false, 'matrix downtime']]);
    expect(await MATRIX.get_resource_status!.mcp('otherVo')).toEqual([['CERN-DST', true, null]]);
  });

  it('leaves the job as it was after all the dry runs', async () => {
    expect(await search('owner', byJob(['Status', 'RescheduleCounter']))).toEqual([
      { Status: 'Received', RescheduleCounter: 0 },
    ]);
  });
});
