/**
 * Pilot registration, metadata updates and job assignment in the logic layer, on the real
 * test database: stored defaults and times from the injected clock, duplicate stamps and
 * unknown VOs refused, per-stamp updates applied all or nothing, duplicate assignments refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { assignJobsToPilot, registerPilot, updatePilotsMetadata } from '../../../src/logic/pilots/management.ts';
import { PilotRegistrationParams } from '../../../src/logic/pilots/models.ts';
import { createPilotsFixture, readMappings, readPilot, T0, type PilotsFixture } from './fixture.ts';

let f: PilotsFixture;
beforeAll(async () => {
  f = await createPilotsFixture();
});
afterAll(() => f.t.dispose());

const register = (body: Record<string, unknown>) => registerPilot(f.ctx, PilotRegistrationParams.parse(body));

describe('registerPilot', () => {
  it('stores the pilot with DiracX defaults and both times from the clock', async () => {
    await register({ pilot_stamp: 'p-1', vo: 'lhcb' });
    expect(await readPilot(f, 'p-1')).toMatchObject({
      vo: 'lhcb',
      gridType: 'DIRAC',
      gridSite: 'Unknown',
      destinationSite: 'NotAssigned',
      pilotJobReference: 'p-1',
      status: 'Submitted',
      statusReason: 'Unknown',
      queue: 'Unknown',
      benchMark: 0,
      accountingSent: false,
      submissionTime: T0,
      lastUpdateTime: T0,
    });
  });

  it('uses the stamp as reference when the reference is empty', async () => {
    await register({ pilot_stamp: 'p-2', vo: 'lhcb', pilot_reference: '' });
    expect((await readPilot(f, 'p-2')).pilotJobReference).toBe('p-2');
  });

  it('refuses a stamp that exists with CONFLICT, whatever the VO', async () => {
    await expect(register({ pilot_stamp: 'p-1', vo: 'gridpp' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "Pilot with stamp 'p-1' already exists",
    });
    expect((await readPilot(f, 'p-1')).vo).toBe('lhcb');
  });

  it.each(['not-a-vo', 'constructor', '__proto__'])(
    'refuses the VO %p, which is not in the Registry, with INVALID_INPUT',
    async (vo) => {
      await expect(register({ pilot_stamp: `p-${vo}`, vo })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    },
  );
});

describe('updatePilotsMetadata', () => {
  beforeAll(async () => {
    for (const stamp of ['m-1', 'm-2']) await register({ pilot_stamp: stamp, vo: 'lhcb' });
  });

  it('applies each stamp its own fields and sets LastUpdateTime from the clock', async () => {
    const later = new Date(T0.getTime() + 60_000);
    f.setNow(later);
    await updatePilotsMetadata(f.ctx, {
      'm-1': { BenchMark: 3.25, AccountingSent: true },
      'm-2': { Status: 'Done', StatusReason: 'finished', CurrentJobID: 9 },
    });
    expect(await readPilot(f, 'm-1')).toMatchObject({
      benchMark: 3.25,
      accountingSent: true,
      status: 'Submitted',
      lastUpdateTime: later,
      submissionTime: T0,
    });
    expect(await readPilot(f, 'm-2')).toMatchObject({
      benchMark: 0,
      status: 'Done',
      statusReason: 'finished',
      currentJobId: 9,
      lastUpdateTime: later,
    });
  });

  it('changes nothing when one stamp is unknown (NOT_FOUND)', async () => {
    const before = await readPilot(f, 'm-1');
    f.setNow(new Date(T0.getTime() + 120_000));
    await expect(updatePilotsMetadata(f.ctx, { 'm-1': { Queue: 'x' }, ghost: { Queue: 'x' } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await readPilot(f, 'm-1')).toEqual(before);
  });

  it('does nothing for an empty mapping', async () => {
    await updatePilotsMetadata(f.ctx, {});
  });
});

describe('assignJobsToPilot', () => {
  beforeAll(() => register({ pilot_stamp: 'a-1', vo: 'lhcb' }));

  it('records the jobs a pilot ran, a repeated id once', async () => {
    await assignJobsToPilot(f.ctx, 'a-1', [10, 11, 11]);
    expect(await readMappings(f)).toEqual([
      ['a-1', 10],
      ['a-1', 11],
    ]);
  });

  it('refuses a pair already recorded with CONFLICT and records none of the batch', async () => {
    await expect(assignJobsToPilot(f.ctx, 'a-1', [12, 10])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await readMappings(f)).toEqual([
      ['a-1', 10],
      ['a-1', 11],
    ]);
  });

  it('refuses an unknown stamp with NOT_FOUND', async () => {
    await expect(assignJobsToPilot(f.ctx, 'ghost', [1])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
