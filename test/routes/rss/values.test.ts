/**
 * `GET /api/rss/{site,compute,storage,fts}` through the real handler: DiracX's models for each
 * kind (allowed with warnings, banned with a reason, unknown statuses banned), the caller's VO's
 * view (`all` rows overlaid with the VO's own, other VOs' rows hidden), storage elements missing
 * an access left out, and empty tables answered `{}` with the `empty-0-<vo>` ETag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createRssWorld, type RssWorld } from './world.ts';
import { TEST_DRIVER } from '../../harness/database.ts';
import { insertResourceStatusAsDirac } from '../../harness/rss-rows.ts';

const AT = new Date('2026-11-20T10:00:00Z');
const LATER = new Date('2026-11-21T08:30:15.250Z');

describe('RSS routes with no statuses', () => {
  let world: RssWorld;
  beforeAll(async () => {
    world = await createRssWorld();
  });
  afterAll(() => world.dispose());

  for (const kind of ['site', 'compute', 'storage', 'fts']) {
    it(`answers {} for /api/rss/${kind} with the empty revision`, async () => {
      const res = await world.get('lhcbUser', kind);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
      expect(res.headers.get('etag')).toBe('empty-0-lhcb');
      expect(res.headers.get('last-modified')).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
      expect(res.headers.get('vary')?.split(', ')).toContain('Authorization');
    });
  }
});

describe('RSS routes with statuses', () => {
  let world: RssWorld;
  beforeAll(async () => {
    world = await createRssWorld();
    await world.set({ kind: 'site', name: 'LCG.CERN.cern', status: 'Banned', reason: 'Downtime until Monday' }, AT);
    await world.set({ kind: 'site', name: 'LCG.RAL.uk', status: 'Active' }, AT);
    await world.set({ kind: 'site', name: 'LCG.PIC.es', status: 'Degraded' }, AT);
    await world.set({ kind: 'site', name: 'LCG.PIC.es', vo: 'lhcb', status: 'Probing', reason: 'tests' }, LATER);
    await world.set({ kind: 'site', name: 'LCG.IN2P3.fr', vo: 'gridpp', status: 'Banned' }, AT);
    await world.set({ kind: 'compute', name: 'ce1.cern.ch', status: 'Degraded', reason: 'slow' }, AT);
    await world.set({ kind: 'fts', name: 'fts3.cern.ch', status: 'Error' }, AT);
    await world.set({ kind: 'storage', name: 'CERN-DST', status: 'Active' }, AT);
    await world.set({ kind: 'storage', name: 'CERN-DST', accesses: ['write'], status: 'Banned', reason: 'full' }, AT);
    // A status DIRAC may hold that DiracX does not know, written as legacy DIRAC would.
    await insertResourceStatusAsDirac(world.app.database, {
      name: 'ce2.cern.ch',
      status: 'Retired',
      reason: '',
      elementType: 'ComputeElement',
      dateEffective: AT,
    });
    // A storage element with one access of four (which `bun run rss` refuses to leave behind).
    await insertResourceStatusAsDirac(world.app.database, {
      name: 'RAL-DST',
      statusType: 'ReadAccess',
      status: 'Active',
      elementType: 'StorageElement',
      dateEffective: AT,
    });
  });
  afterAll(() => world.dispose());

  const body = async (person: 'lhcbUser' | 'gridppUser', kind: string): Promise<unknown> => {
    const res = await world.get(person, kind);
    expect(res.status).toBe(200);
    return res.json();
  };

  it('serves sites in DiracX SiteStatus shape, with the VO row overriding the all row', async () => {
    expect(await body('lhcbUser', 'site')).toEqual({
      'LCG.CERN.cern': { all: { allowed: false, reason: 'Downtime until Monday' } },
      'LCG.PIC.es': { all: { allowed: false, reason: 'tests' } },
      'LCG.RAL.uk': { all: { allowed: true, warnings: null } },
    });
  });

  it("shows another VO the all rows and its own, never lhcb's", async () => {
    expect(await body('gridppUser', 'site')).toEqual({
      'LCG.CERN.cern': { all: { allowed: false, reason: 'Downtime until Monday' } },
      'LCG.IN2P3.fr': { all: { allowed: false, reason: 'Banned' } },
      'LCG.PIC.es': { all: { allowed: true, warnings: 'Degraded' } },
      'LCG.RAL.uk': { all: { allowed: true, warnings: null } },
    });
  });

  it('serves compute elements, banning a status DiracX does not know', async () => {
    expect(await body('lhcbUser', 'compute')).toEqual({
      'ce1.cern.ch': { all: { allowed: true, warnings: 'slow' } },
      'ce2.cern.ch': { all: { allowed: false, reason: 'Unknown status: Retired' } },
    });
  });

  it('serves FTS servers apart from compute elements (same status type, other element type)', async () => {
    expect(await body('lhcbUser', 'fts')).toEqual({ 'fts3.cern.ch': { all: { allowed: false, reason: 'Error' } } });
  });

  it('serves storage elements with their four accesses and leaves out one missing any', async () => {
    expect(await body('lhcbUser', 'storage')).toEqual({
      'CERN-DST': {
        read: { allowed: true, warnings: null },
        write: { allowed: false, reason: 'full' },
        check: { allowed: true, warnings: null },
        remove: { allowed: true, warnings: null },
      },
    });
    expect(world.app.logs.some((l) => l.msg === 'storage element skipped: missing status types')).toBe(true);
  });

  // DiracX's DateEffective is SQLAlchemy's DateTime (`SmarterDateTime`): a whole-second DATETIME on
  // MySQL, so the revision there has no fraction (docs/architecture.md, "Two SQL dialects").
  const latest = TEST_DRIVER === 'mariadb' ? '2026-11-21T08:30:15+00:00' : '2026-11-21T08:30:15.250000+00:00';

  it('gives each kind its own revision: the latest DateEffective, the row count, the VO', async () => {
    const etags = Object.fromEntries(
      await Promise.all(
        ['site', 'compute', 'fts', 'storage'].map(async (k) => [
          k,
          (await world.get('lhcbUser', k)).headers.get('etag'),
        ]),
      ),
    );
    expect(etags).toEqual({
      site: `${latest}-5-lhcb`,
      compute: '2026-11-20T10:00:00+00:00-2-lhcb',
      fts: '2026-11-20T10:00:00+00:00-1-lhcb',
      storage: '2026-11-20T10:00:00+00:00-5-lhcb',
    });
    const site = await world.get('lhcbUser', 'site');
    expect(site.headers.get('last-modified')).toBe('Sat, 21 Nov 2026 08:30:15 GMT');
    expect((await world.get('gridppUser', 'site')).headers.get('etag')).toBe(`${latest}-5-gridpp`);
  });
});
