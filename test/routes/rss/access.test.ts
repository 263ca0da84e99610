/**
 * Who may read resource statuses: DiracX's `RSSAccessPolicy` lets every authenticated caller
 * (pilots included) read them; without a valid token the routes answer 401. The routes go
 * through the `rss` policy in force, so an extension's override that refuses is obeyed (403,
 * nothing of the statuses in the answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { ForbiddenError } from '../../../src/core/errors.ts';
import { EXTENSION_CONTRACT_VERSION, type Extension } from '../../../src/extensions/contract.ts';
import type { AccessPolicy } from '../../../src/policies/base.ts';
import { rssPolicy, type RssAccessArgs } from '../../../src/policies/rss.ts';
import { createRssWorld, type RssWorld } from './world.ts';

const KINDS = ['site', 'compute', 'storage', 'fts'];
const AT = new Date('2026-11-20T10:00:00Z');

describe('RSS routes under the core policy', () => {
  let world: RssWorld;
  beforeAll(async () => {
    world = await createRssWorld();
    await world.set({ kind: 'site', name: 'LCG.CERN.cern', status: 'Banned' }, AT);
  });
  afterAll(() => world.dispose());

  it('lets a pilot read every kind', async () => {
    for (const kind of KINDS)
      expect({ kind, status: (await world.get('lhcbPilot', kind)).status }).toEqual({ kind, status: 200 });
  });

  it('answers 401 without a token, and with a token that is not one', async () => {
    for (const kind of KINDS) {
      const bare = await world.app.fetch(`/api/rss/${kind}`);
      expect({ kind, status: bare.status }).toEqual({ kind, status: 401 });
      expect(bare.headers.get('www-authenticate')).toBe('Bearer');
      const forged = await world.app.fetch(`/api/rss/${kind}`, { headers: { authorization: 'Bearer not-a-jwt' } });
      expect({ kind, status: forged.status }).toEqual({ kind, status: 401 });
    }
  });
});

describe('RSS routes under an override of the rss policy', () => {
  let world: RssWorld;
  const seen: RssAccessArgs[] = [];
  const refusePilotsStorage: AccessPolicy<RssAccessArgs> = {
    id: 'rss',
    async check(ctx, args) {
      seen.push(args);
      if (ctx.user.properties.includes('GenericPilot') && args.kind === 'storage') {
        throw new ForbiddenError('No storage for pilots');
      }
      await rssPolicy.check(ctx, args);
    },
  };
  const extension: Extension = {
    name: 'rss-override',
    description: 'Test only: pilots may not read storage statuses.',
    contractVersion: EXTENSION_CONTRACT_VERSION,
    policyOverrides: [refusePilotsStorage as AccessPolicy<never>],
  };
  beforeAll(async () => {
    world = await createRssWorld({ extensions: [extension] });
    await world.set({ kind: 'storage', name: 'CERN-DST', status: 'Active' }, AT);
  });
  afterAll(() => world.dispose());

  it('is refused with 403 and only a detail where the override refuses', async () => {
    const res = await world.get('lhcbPilot', 'storage');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'No storage for pilots' });
  });

  it('names the kind read to the policy, and serves where the override allows', async () => {
    seen.length = 0;
    expect((await world.get('lhcbPilot', 'site')).status).toBe(200);
    expect((await world.get('lhcbUser', 'storage')).status).toBe(200);
    expect(seen).toEqual([{ kind: 'site' }, { kind: 'storage' }]);
  });
});
