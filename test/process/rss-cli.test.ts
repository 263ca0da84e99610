/**
 * `bun run rss` (src/process/rss-command.ts over a test database, PGlite or PostgreSQL with
 * DATABASE_URL; and the entry point itself once, as a process): set, list and delete statuses as
 * the read routes then serve them, a VO's own status, storage accesses, and refusals (unknown
 * status, kind or option; a storage element left with some accesses only) with exit status 2
 * and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RssKind } from '../../src/logic/rss/models.ts';
import { readRssView } from '../../src/logic/rss/query.ts';
import { runRssCommand } from '../../src/process/rss-command.ts';
import { createJsonLogger } from '../../src/core/logger.ts';
import type { AuthedUser } from '../../src/core/user.ts';
import { createTestDatabase, type TestDatabase } from '../harness/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.dispose());

const AT = new Date('2026-11-20T10:00:00Z');

async function rss(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRssCommand(argv, {
    database: t.database,
    now: () => AT,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

/** What GET /api/rss/<kind> serves a user of `vo` now. */
const served = <K extends RssKind>(kind: K, vo = 'lhcb') =>
  readRssView(
    { database: t.database, user: { vo } as AuthedUser, log: createJsonLogger('error', () => {}) },
    kind,
  ).then((v) => v.statuses);

describe('bun run rss', () => {
  it('sets a site banned with a reason, as the site route then serves it', async () => {
    const res = await rss('set', 'site', 'LCG.CERN.cern', 'Banned', '--reason', 'Downtime until Monday');
    expect(res).toEqual({ code: 0, out: ['site LCG.CERN.cern (all; VO all): Banned'], err: [] });
    expect(await served('site')).toEqual({
      'LCG.CERN.cern': { all: { allowed: false, reason: 'Downtime until Monday' } },
    });
  });

  it("sets a VO's own status over the one for every VO", async () => {
    expect((await rss('set', 'site', 'LCG.CERN.cern', 'Active', '--vo', 'gridpp')).code).toBe(0);
    expect(await served('site', 'gridpp')).toEqual({ 'LCG.CERN.cern': { all: { allowed: true, warnings: null } } });
    expect((await served('site', 'lhcb'))['LCG.CERN.cern']?.all.allowed).toBe(false);
  });

  it('sets every access of a storage element, then some of them', async () => {
    expect((await rss('set', 'storage', 'CERN-DST', 'Active')).code).toBe(0);
    const res = await rss('set', 'storage', 'CERN-DST', 'Banned', '--access', 'write,remove', '--reason', 'full');
    expect(res.out).toEqual(['storage CERN-DST (WriteAccess, RemoveAccess; VO all): Banned']);
    const se = (await served('storage'))['CERN-DST'];
    expect([se?.read.allowed, se?.write, se?.check.allowed, se?.remove]).toEqual([
      true,
      { allowed: false, reason: 'full' },
      true,
      { allowed: false, reason: 'full' },
    ]);
  });

  it('lists every status, one line each, and as JSON', async () => {
    const { code, out } = await rss('list');
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^KIND +NAME +STATUSTYPE +VO +STATUS +SINCE +REASON$/);
    expect(out.slice(1).map((l) => l.split(/ {2,}/).slice(0, 5))).toEqual([
      ['site', 'LCG.CERN.cern', 'all', 'all', 'Banned'],
      ['site', 'LCG.CERN.cern', 'all', 'gridpp', 'Active'],
      ['storage', 'CERN-DST', 'CheckAccess', 'all', 'Active'],
      ['storage', 'CERN-DST', 'ReadAccess', 'all', 'Active'],
      ['storage', 'CERN-DST', 'RemoveAccess', 'all', 'Banned'],
      ['storage', 'CERN-DST', 'WriteAccess', 'all', 'Banned'],
    ]);
    const json = JSON.parse((await rss('list', 'site', '--json')).out.join('\n')) as unknown[];
    expect(json[0]).toEqual({
      kind: 'site',
      name: 'LCG.CERN.cern',
      statusType: 'all',
      vo: 'all',
      status: 'Banned',
      reason: 'Downtime until Monday',
      dateEffective: AT.toISOString(),
    });
  });

  it('refuses a storage access for a VO that has no other access of that element, writing nothing', async () => {
    const res = await rss('set', 'storage', 'CERN-DST', 'Banned', '--vo', 'lhcb', '--access', 'write');
    expect(res.code).toBe(2);
    expect(res.err[0]).toContain('would have no read, check, remove status for VO lhcb');
    expect((await rss('list', 'storage')).out.some((l) => l.includes('lhcb'))).toBe(false);
  });

  it('refuses an unknown status, kind, access or option with exit status 2', async () => {
    expect(await rss('set', 'site', 'X', 'Closed')).toMatchObject({
      code: 2,
      err: [expect.stringContaining('unknown status Closed')],
    });
    expect((await rss('set', 'queue', 'X', 'Banned')).code).toBe(2);
    expect((await rss('set', 'storage', 'X', 'Banned', '--access', 'execute')).code).toBe(2);
    expect((await rss('set', 'site', 'X', 'Banned', '--access', 'read')).code).toBe(2);
    expect((await rss('set', 'site', 'X', 'Banned', '--colour', 'red')).code).toBe(2);
    expect((await rss('frobnicate')).code).toBe(2);
    expect((await rss('list', 'site')).out.some((l) => / X /.test(l))).toBe(false);
  });

  it('deletes a status, and exits 1 when there is none', async () => {
    expect((await rss('delete', 'site', 'LCG.CERN.cern', '--vo', 'gridpp')).code).toBe(0);
    expect(await rss('delete', 'site', 'LCG.CERN.cern', '--vo', 'gridpp')).toMatchObject({ code: 1 });
    expect((await served('site', 'gridpp'))['LCG.CERN.cern']?.all.allowed).toBe(false);
  });
});

describe('bun run rss as a process', () => {
  it('sets and lists a status in the embedded database the settings name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rss-cli-'));
    try {
      const env = { ...Bun.env, DATABASE_URL: '', DIRACX_DATA_DIR: dir };
      const run = (script: string, ...args: string[]) =>
        Bun.spawnSync(['bun', 'run', '--silent', script, ...args], { env, cwd: join(import.meta.dir, '../..') });
      expect(run('migrate').exitCode).toBe(0);
      const set = run('rss', 'set', 'compute', 'ce1.cern.ch', 'Degraded', '--reason', 'slow');
      expect(set.stdout.toString()).toBe('compute ce1.cern.ch (all; VO all): Degraded\n');
      const list = run('rss', 'list', 'compute');
      expect(list.exitCode).toBe(0);
      expect(list.stdout.toString()).toContain('ce1.cern.ch');
      expect(list.stdout.toString()).toContain('slow');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
