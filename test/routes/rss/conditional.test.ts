/**
 * Conditional requests on the RSS routes, as DiracX's `apply_cache_headers` answers them: 304
 * with the validators and no body for the current ETag (as sent, or quoted as RFC 9110 clients
 * and DiracX's generated client send it) or an `If-Modified-Since` strictly newer than the
 * latest change; 200 otherwise. A new status, or another VO, changes the ETag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createRssWorld, type RssWorld } from './world.ts';

const AT = new Date('2026-11-20T10:00:00Z');
const AT_HTTP = 'Fri, 20 Nov 2026 10:00:00 GMT';

describe('GET /api/rss/site conditional requests', () => {
  let world: RssWorld;
  let etag = '';
  beforeAll(async () => {
    world = await createRssWorld();
    await world.set({ kind: 'site', name: 'LCG.CERN.cern', status: 'Banned', reason: 'Downtime' }, AT);
    etag = (await world.get('lhcbUser', 'site')).headers.get('etag') ?? '';
  });
  afterAll(() => world.dispose());

  it('answers 304 with no body and the validators when If-None-Match is the ETag', async () => {
    const res = await world.get('lhcbUser', 'site', { 'if-none-match': etag });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('last-modified')).toBe(AT_HTTP);
    expect(res.headers.get('vary')?.split(', ')).toContain('Authorization');
  });

  it('answers 304 to the quoted ETag', async () => {
    expect((await world.get('lhcbUser', 'site', { 'if-none-match': `"${etag}"` })).status).toBe(304);
  });

  it("answers 200 to another VO's ETag of the same data", async () => {
    const gridpp = (await world.get('gridppUser', 'site')).headers.get('etag') ?? '';
    expect(gridpp).toBe(etag.replace(/-lhcb$/, '-gridpp'));
    expect((await world.get('lhcbUser', 'site', { 'if-none-match': gridpp })).status).toBe(200);
  });

  it('answers 304 when If-Modified-Since is strictly newer than Last-Modified, 200 when equal or older', async () => {
    expect((await world.get('lhcbUser', 'site', { 'if-modified-since': 'Fri, 20 Nov 2026 10:00:01 GMT' })).status).toBe(
      304,
    );
    expect((await world.get('lhcbUser', 'site', { 'if-modified-since': AT_HTTP })).status).toBe(200);
    expect((await world.get('lhcbUser', 'site', { 'if-modified-since': 'Thu, 19 Nov 2026 10:00:00 GMT' })).status).toBe(
      200,
    );
  });

  it('ignores an If-Modified-Since that is not an HTTP date', async () => {
    expect((await world.get('lhcbUser', 'site', { 'if-modified-since': '2030-01-01' })).status).toBe(200);
  });

  it('changes the ETag when a status is set, so the old one gets 200 with the new data', async () => {
    await world.set({ kind: 'site', name: 'LCG.CERN.cern', status: 'Active' }, new Date('2026-11-20T11:00:00Z'));
    const res = await world.get('lhcbUser', 'site', { 'if-none-match': etag });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('2026-11-20T11:00:00+00:00-1-lhcb');
    expect(await res.json()).toEqual({ 'LCG.CERN.cern': { all: { allowed: true, warnings: null } } });
  });

  it('answers 304 on the empty tables of another kind to its empty ETag', async () => {
    expect((await world.get('lhcbUser', 'fts', { 'if-none-match': 'empty-0-lhcb' })).status).toBe(304);
  });
});
