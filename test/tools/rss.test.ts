/**
 * The resource status tools (get_site_status, get_resource_status): what the RSS routes show
 * the same person, flattened (allowed, reason, warnings; a storage element's accesses), with the
 * name and banned-only filters, the note for an element with no status, the cap of 100 entries,
 * the `rss` policy checked first, and a refusal of the policy in force answered as FORBIDDEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { ForbiddenError } from '../../src/core/errors.ts';
import { setRssStatus, type SetRssStatusInput } from '../../src/logic/rss/admin.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { PolicyRegistry } from '../../src/policies/registry.ts';
import { MAX_STATUS_ENTRIES, resourceStatusTool, siteStatusTool } from '../../src/tools/rss.ts';
import { createCallContext } from '../../src/wire/call-context.ts';
import { createToolHarness, rejectionOf, runTool, type ToolHarness } from './context.ts';

let h: ToolHarness;
const set = (input: SetRssStatusInput) => setRssStatus({ database: h.app.database, now: () => new Date() }, input);
beforeAll(async () => {
  h = await createToolHarness();
  await set({ kind: 'site', name: 'LCG.CERN.cern', status: 'Banned', reason: 'Downtime until Monday' });
  await set({ kind: 'site', name: 'LCG.RAL.uk', status: 'Active' });
  await set({ kind: 'site', name: 'LCG.PIC.es', status: 'Degraded', reason: 'half the disks' });
  await set({ kind: 'site', name: 'LCG.RAL.uk', vo: 'gridpp', status: 'Probing' });
  await set({ kind: 'storage', name: 'CERN-DST', status: 'Active' });
  await set({ kind: 'storage', name: 'CERN-DST', accesses: ['write', 'remove'], status: 'Banned', reason: 'full' });
  await set({ kind: 'compute', name: 'ce1.cern.ch', status: 'Active' });
});
afterAll(() => h.dispose());

describe('get_site_status', () => {
  it("lists the sites the caller's VO sees, with why a banned one is banned, checking the rss policy", async () => {
    const ctx = await h.context('owner');
    expect(await runTool(siteStatusTool, ctx, {})).toEqual({
      success: true,
      vo: 'lhcb',
      total: 3,
      banned: 1,
      truncated: false,
      sites: [
        { name: 'LCG.CERN.cern', allowed: false, reason: 'Downtime until Monday', warnings: null },
        { name: 'LCG.PIC.es', allowed: true, reason: null, warnings: 'half the disks' },
        { name: 'LCG.RAL.uk', allowed: true, reason: null, warnings: null },
      ],
    });
    expect(ctx.calls).toEqual([{ policy: 'rss', args: { kind: 'site' } }]);
  });

  it('shows another VO its own status of a site', async () => {
    const out = await runTool(siteStatusTool, await h.context('otherVo'), { site: 'LCG.RAL.uk' });
    expect(out.sites).toEqual([{ name: 'LCG.RAL.uk', allowed: false, reason: 'Probing', warnings: null }]);
  });

  it('filters the banned sites only, still counting all', async () => {
    const out = await runTool(siteStatusTool, await h.context('sameVo'), { banned_only: true });
    expect(out.sites.map((s) => s.name)).toEqual(['LCG.CERN.cern']);
    expect([out.total, out.banned]).toEqual([3, 1]);
  });

  it('says when a named site has no status', async () => {
    const out = await runTool(siteStatusTool, await h.context('owner'), { site: 'LCG.Nowhere.xx' });
    expect(out).toMatchObject({ total: 0, sites: [], note: 'No status is recorded for LCG.Nowhere.xx.' });
  });

  it('returns at most 100 sites and says it truncated', async () => {
    const many = await createToolHarness();
    try {
      const db = { database: many.app.database, now: () => new Date() };
      for (let i = 0; i < MAX_STATUS_ENTRIES + 5; i++) {
        await setRssStatus(db, { kind: 'site', name: `LCG.S${String(i).padStart(3, '0')}.xx`, status: 'Banned' });
      }
      const out = await runTool(siteStatusTool, await many.context('owner'), {});
      expect([out.sites.length, out.total, out.banned, out.truncated]).toEqual([100, 105, 105, true]);
    } finally {
      await many.dispose();
    }
  });

  it('answers FORBIDDEN when the rss policy in force refuses, before reading anything', async () => {
    const refuse: AccessPolicy<never> = {
      id: 'rss',
      async check() {
        throw new ForbiddenError('No statuses for you');
      },
    };
    const base = await h.context('owner');
    const call = createCallContext(
      { ...h.app.apiDeps, policies: new PolicyRegistry([refuse]) },
      base.user,
      'http://test',
    );
    const err = await rejectionOf(runTool(siteStatusTool, { ...base, access: call.access }, {}));
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: 'No statuses for you' });
  });
});

describe('get_resource_status', () => {
  it('lists storage elements with each access and an overall answer naming the banned accesses', async () => {
    const ctx = await h.context('pilot');
    const out = await runTool(resourceStatusTool, ctx, { kind: 'storage' });
    const allowed = { allowed: true, reason: null, warnings: null };
    const full = { allowed: false, reason: 'full', warnings: null };
    expect(out).toEqual({
      success: true,
      kind: 'storage',
      vo: 'lhcb',
      total: 1,
      banned: 1,
      truncated: false,
      resources: [
        {
          name: 'CERN-DST',
          allowed: false,
          reason: 'write: full; remove: full',
          warnings: null,
          accesses: { read: allowed, write: full, check: allowed, remove: full },
        },
      ],
    });
    expect(ctx.calls).toEqual([{ policy: 'rss', args: { kind: 'storage' } }]);
  });

  it('lists compute elements by name, and none of another kind', async () => {
    const ctx = await h.context('owner');
    expect((await runTool(resourceStatusTool, ctx, { kind: 'compute', name: 'ce1.cern.ch' })).resources).toEqual([
      { name: 'ce1.cern.ch', allowed: true, reason: null, warnings: null },
    ]);
    expect((await runTool(resourceStatusTool, ctx, { kind: 'fts' })).resources).toEqual([]);
  });

  it('refuses a kind that is not compute, storage or fts', () => {
    expect(() => resourceStatusTool.input.parse({ kind: 'site' })).toThrow();
  });
});
