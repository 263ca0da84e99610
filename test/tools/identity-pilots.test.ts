/**
 * The open tools (whoami, get_config_summary: the caller's own token and VO, nothing of another
 * VO, no policy call) and the pilot tools (search_pilots, get_pilot_summary: what the pilot REST
 * routes return to the same person, confined to the VO, refused to pilots themselves).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { insertJobsOfPilot, insertPilot } from '../../src/db/pilots.ts';
import { configSummaryTool, whoamiTool } from '../../src/tools/identity.ts';
import { DEFAULT_PILOT_FIELDS, pilotSummaryTool, searchPilotsTool } from '../../src/tools/pilots.ts';
import { createToolHarness, rejectionOf, runTool, type ToolHarness } from './context.ts';

let h: ToolHarness;
let jobId: number;
beforeAll(async () => {
  h = await createToolHarness();
  [jobId] = (await h.submit('owner')) as [number];
  const db = h.app.database.session;
  const pilots = [
    { pilotStamp: 'lhcb-a', vo: 'lhcb', gridSite: 'LCG.CERN.cern', status: 'Running' },
    { pilotStamp: 'lhcb-b', vo: 'lhcb', gridSite: 'LCG.CERN.cern', status: 'Done' },
    { pilotStamp: 'lhcb-c', vo: 'lhcb', gridSite: 'LCG.RAL.uk', status: 'Failed' },
    { pilotStamp: 'gridpp-a', vo: 'gridpp', gridSite: 'LCG.RAL.uk', status: 'Running' },
  ];
  const ids: (number | undefined)[] = [];
  for (const p of pilots)
    ids.push(await insertPilot(db, { ...p, submissionTime: new Date(), lastUpdateTime: new Date() }));
  await insertJobsOfPilot(db, ids[2]!, [jobId], new Date()); // lhcb-c ran the job
});
afterAll(() => h.dispose());

describe('whoami', () => {
  it("describes the caller's token without calling any policy", async () => {
    const ctx = await h.context('owner');
    const out = await runTool(whoamiTool, ctx, {});
    expect(out).toMatchObject({
      success: true,
      sub: ctx.user.sub,
      preferred_username: 'chaen',
      vo: 'lhcb',
      group: 'lhcb_user',
      properties: ['NormalUser', 'PrivateLimitedDelegation'],
      client_id: null,
    });
    expect(out.expires_at).toBe(new Date(ctx.user.expiresAt * 1000).toISOString());
    expect(out.expires_in).toBeGreaterThan(1000);
    expect(ctx.calls).toEqual([]);
  });

  it('names the OAuth client the token was issued to', async () => {
    const ctx = await h.context('owner');
    expect(
      (await runTool(whoamiTool, { ...ctx, user: { ...ctx.user, clientId: 'claude-desktop' } }, {})).client_id,
    ).toBe('claude-desktop');
  });
});

describe('get_config_summary', () => {
  it("lists the caller's VO groups with their properties, the caller's own groups and the job limits", async () => {
    const out = await runTool(configSummaryTool, await h.context('owner'), {});
    expect(out).toMatchObject({ vo: 'lhcb', default_group: 'lhcb_user', user_groups: ['lhcb_user', 'lhcb_prmgr'] });
    expect(out.groups).toContainEqual({ name: 'lhcb_admin', properties: ['JobAdministrator'] });
    expect(out.job_limits).toMatchObject({
      max_cpu_time: 500000,
      max_rescheduling: 3,
      allowed_job_types: ['User', 'Test', 'Hospital'],
    });
  });

  it('shows nothing of another VO and no member identifiers', async () => {
    const lhcb = JSON.stringify(await runTool(configSummaryTool, await h.context('admin'), {}));
    const gridpp = JSON.stringify(await runTool(configSummaryTool, await h.context('otherVo'), {}));
    expect(lhcb).not.toContain('gridpp');
    expect(gridpp).not.toContain('lhcb');
    expect(lhcb).not.toContain('b824d4dc'); // chaen's IdP subject
    expect(JSON.parse(lhcb)).toMatchObject({ user_groups: ['lhcb_admin'] });
  });

  it('lists the platforms of Resources.Computing.OSCompatibility', async () => {
    const ctx = await h.context('owner');
    const config = {
      ...ctx.config,
      Resources: { Computing: { OSCompatibility: { 'x86_64-el9': ['x86_64-el9', 'x86_64-el8'] } } },
    };
    expect((await runTool(configSummaryTool, { ...ctx, config }, {})).platforms).toEqual([
      { platform: 'x86_64-el9', compatible: ['x86_64-el9', 'x86_64-el8'] },
    ]);
  });
});

describe('search_pilots', () => {
  it('returns, for each person, what POST /api/pilots/search returns them', async () => {
    for (const who of ['owner', 'admin', 'otherVo'] as const) {
      const out = await runTool(searchPilotsTool, await h.context(who), { per_page: 100 });
      const rest = await h.rest(who, 'POST', '/api/pilots/search?page=1&per_page=100', {
        parameters: DEFAULT_PILOT_FIELDS,
      });
      expect({ who, data: out.data }).toEqual({ who, data: rest.body as never });
    }
    expect((await runTool(searchPilotsTool, await h.context('otherVo'), {})).data.map((p) => p.PilotStamp)).toEqual([
      'gridpp-a',
    ]);
  });

  it('finds the pilot that ran a job through the JobID pseudo-parameter', async () => {
    const out = await runTool(searchPilotsTool, await h.context('owner'), {
      parameter: 'JobID',
      operator: 'eq',
      value: jobId,
    });
    expect(out.data.map((p) => p.PilotStamp)).toEqual(['lhcb-c']);
    expect(out.pagination).toEqual({ start: 0, end: 0, total: 1, has_more: false });
  });

  it('is FORBIDDEN to pilots, as the pilot policy says', async () => {
    const ctx = await h.context('pilot');
    expect(await rejectionOf(runTool(searchPilotsTool, ctx, {}))).toMatchObject({ code: 'FORBIDDEN' });
    expect(ctx.calls).toEqual([{ policy: 'pilot', args: { action: 'read_pilot_metadata' } }]);
  });
});

describe('get_pilot_summary', () => {
  it('counts what POST /api/pilots/summary counts, largest group first', async () => {
    const out = await runTool(pilotSummaryTool, await h.context('owner'), { grouping: ['GridSite', 'Status'] });
    const rest = (await h.rest('owner', 'POST', '/api/pilots/summary', { grouping: ['GridSite', 'Status'] }))
      .body as Record<string, unknown>[];
    expect(out.groups).toEqual(expect.arrayContaining(rest));
    expect(out).toMatchObject({ total_pilots: 3, total_groups: 3, truncated: false });
    expect((await runTool(pilotSummaryTool, await h.context('owner'), {})).groups[0]).toEqual({
      Status: expect.any(String),
      count: 1,
    });
  });

  it('is FORBIDDEN to pilots', async () => {
    expect(await rejectionOf(runTool(pilotSummaryTool, await h.context('pilot'), {}))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
