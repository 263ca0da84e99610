/**
 * cleanSandboxes (DiracX's `clean_sandboxes`): sandboxes no job references go, object first
 * and then row; referenced ones stay whatever their age; a failed object deletion keeps its
 * row for the next run; batches cover every candidate; other storage elements are left alone.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test';
import { assignOutputSandbox, unassignJobsSandboxes } from '../../../src/logic/sandboxes/assign.ts';
import { cleanSandboxes, type CleanContext } from '../../../src/logic/sandboxes/clean.ts';
import type { ObjectStore } from '../../../src/storage/object-store.ts';
import {
  addSandbox,
  createSandboxFixture,
  DAY_MS,
  keyOf,
  readSandbox,
  SETTINGS,
  T0,
  userOf,
  type SandboxFixture,
} from './fixture.ts';
import { setEverySandbox } from '../../harness/sandbox-rows.ts';

let f: SandboxFixture;
beforeAll(async () => {
  f = await createSandboxFixture();
});
beforeEach(() => f.reset());
afterAll(() => f.dispose());

const chaen = userOf('chaen');
const clean = (store: ObjectStore = f.store, days = 15, batchSize?: number) => {
  const ctx: CleanContext = { database: f.t.database, store, seName: SETTINGS.seName, now: () => f.now(), log: f.log };
  return cleanSandboxes(ctx, { unusedDays: days, ...(batchSize ? { batchSize } : {}) });
};
/** The fixture store's methods, to override one of them. */
const storeMethods = (): ObjectStore => ({
  kind: 'local',
  presignUpload: (k, s, w) => f.store.presignUpload(k, s, w),
  presignDownload: (k, e, w) => f.store.presignDownload(k, e, w),
  exists: (k) => f.store.exists(k),
  deleteMany: (keys) => f.store.deleteMany(keys),
  put: (k, d, s) => f.store.put(k, d, s),
  open: (k) => f.store.open(k),
});
const assign = (jobId: number, pfn: string) =>
  assignOutputSandbox({ database: f.t.database, settings: SETTINGS, vo: 'lhcb' }, jobId, pfn);

describe('cleanSandboxes', () => {
  it('deletes an unassigned sandbox once it has not been accessed for the given days, object first', async () => {
    const pfn = await addSandbox(f, chaen);
    f.setNow(new Date(T0.getTime() + 14 * DAY_MS));
    expect(await clean()).toEqual({ deleted: 0, failed: 0 });
    expect(await f.store.exists(keyOf(pfn))).toBe(true);

    f.setNow(new Date(T0.getTime() + 16 * DAY_MS));
    expect(await clean()).toEqual({ deleted: 1, failed: 0 });
    expect(await f.store.exists(keyOf(pfn))).toBe(false);
    expect(await readSandbox(f, pfn)).toBeUndefined();
  });

  it('keeps a sandbox assigned to a job, however old, and deletes it at once when unassigned late', async () => {
    const pfn = await addSandbox(f, chaen);
    await assign(42, pfn);
    f.setNow(new Date(T0.getTime() + 100 * DAY_MS));
    expect(await clean()).toEqual({ deleted: 0, failed: 0 });
    expect((await readSandbox(f, pfn))?.entities).toEqual(['Output:Job:42']);

    await unassignJobsSandboxes(f.t.database, [42]);
    expect(await clean()).toEqual({ deleted: 1, failed: 0 });
    expect(await f.store.exists(keyOf(pfn))).toBe(false);
  });

  it('deletes a sandbox marked assigned that no job maps any more, however recent (DiracX orphans)', async () => {
    const pfn = await addSandbox(f, chaen);
    await setEverySandbox(f.t.database, { assigned: true });
    expect(await clean()).toEqual({ deleted: 1, failed: 0 });
    expect(await readSandbox(f, pfn)).toBeUndefined();
  });

  it('never deletes a mapped sandbox, even one whose flag says unassigned', async () => {
    const pfn = await addSandbox(f, chaen);
    await assign(7, pfn);
    await setEverySandbox(f.t.database, { assigned: false });
    f.setNow(new Date(T0.getTime() + 100 * DAY_MS));
    expect(await clean()).toEqual({ deleted: 0, failed: 0 });
    expect(await f.store.exists(keyOf(pfn))).toBe(true);
  });

  it('deletes registered sandboxes that were never uploaded', async () => {
    const pfn = await addSandbox(f, chaen, false);
    f.setNow(new Date(T0.getTime() + 16 * DAY_MS));
    expect(await clean()).toEqual({ deleted: 1, failed: 0 });
    expect(await readSandbox(f, pfn)).toBeUndefined();
  });

  it('keeps the rows of objects it could not delete, for the next run', async () => {
    const kept = await addSandbox(f, chaen);
    const gone = await addSandbox(f, chaen);
    const flaky: ObjectStore = {
      ...storeMethods(),
      async deleteMany(keys) {
        await f.store.deleteMany(keys.filter((k) => k !== keyOf(kept)));
        return { failed: [keyOf(kept)] };
      },
    };
    f.setNow(new Date(T0.getTime() + 16 * DAY_MS));
    expect(await clean(flaky)).toEqual({ deleted: 1, failed: 1 });
    expect(await readSandbox(f, kept)).toBeDefined();
    expect(await readSandbox(f, gone)).toBeUndefined();
    expect(await clean()).toEqual({ deleted: 1, failed: 0 });
  });

  it('deletes no row when the store fails outright (objects go first)', async () => {
    const pfn = await addSandbox(f, chaen);
    const broken: ObjectStore = {
      ...storeMethods(),
      deleteMany: () => Promise.reject(new Error('store down')),
    };
    f.setNow(new Date(T0.getTime() + 16 * DAY_MS));
    await expect(clean(broken)).rejects.toThrow('store down');
    expect(await readSandbox(f, pfn)).toBeDefined();
  });

  it('works through every candidate in batches', async () => {
    for (let i = 0; i < 5; i++) await addSandbox(f, userOf(`user${i}`));
    const referenced = await addSandbox(f, chaen);
    await assign(1, referenced);
    f.setNow(new Date(T0.getTime() + 16 * DAY_MS));
    expect(await clean(f.store, 15, 2)).toEqual({ deleted: 5, failed: 0 });
    expect(await readSandbox(f, referenced)).toBeDefined();
  });

  it('leaves the sandboxes of other storage elements alone', async () => {
    const pfn = await addSandbox(f, chaen);
    await setEverySandbox(f.t.database, { seName: 'OtherSE' });
    f.setNow(new Date(T0.getTime() + 100 * DAY_MS));
    expect(await clean()).toEqual({ deleted: 0, failed: 0 });
    expect(await f.store.exists(keyOf(pfn))).toBe(true);
  });

  it('rejects a batch size that is not a positive integer', async () => {
    await expect(clean(f.store, 15, 0.5)).rejects.toThrow(TypeError);
  });
});
