/**
 * The pilot policy called directly, as DiracX's `tests/pilots/test_access_policy.py` does, on
 * the real test database: who may manage and read, the one-stamp cap and own-VO rule for
 * pilots, and 404 for unknown stamps and, for non-administrators, for another VO's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import type { AuthedUser } from '../../../src/core/user.ts';
import { registerPilot } from '../../../src/logic/pilots/management.ts';
import { PilotRegistrationParams } from '../../../src/logic/pilots/models.ts';
import { PILOT_POLICY_MESSAGES as M, pilotPolicy, type PilotAccessArgs } from '../../../src/policies/pilots.ts';
import { PolicyRegistry } from '../../../src/policies/registry.ts';
import { caller, createPilotsFixture, type PilotsFixture } from './fixture.ts';

let f: PilotsFixture;
beforeAll(async () => {
  f = await createPilotsFixture();
  for (const stamp of ['stamp-a', 'stamp-b'])
    await registerPilot(f.ctx, PilotRegistrationParams.parse({ pilot_stamp: stamp, vo: 'lhcb' }));
});
afterAll(() => f.t.dispose());

const ADMIN = caller('lhcb', ['ServiceAdministrator']);
const FOREIGN_ADMIN = caller('gridpp', ['ServiceAdministrator']);
const PILOT = caller('lhcb', ['GenericPilot']);
const FOREIGN_PILOT = caller('gridpp', ['GenericPilot']);
const USER = caller('lhcb', ['NormalUser']);
const JOB_ADMIN = caller('lhcb', ['JobAdministrator']);

const check = (user: AuthedUser, args: PilotAccessArgs) =>
  pilotPolicy.check({ user, config: f.config, database: f.t.database, policies: new PolicyRegistry() }, args);
const manage = (extra: Omit<PilotAccessArgs, 'action'> = {}): PilotAccessArgs => ({
  action: 'manage_pilots',
  allowLegacyPilots: true,
  ...extra,
});

describe('pilotPolicy', () => {
  it("is registered under DiracX's policy name", () => {
    expect(pilotPolicy.id).toBe('pilot');
  });

  it.each([
    ['a normal user', USER],
    ['a JobAdministrator', JOB_ADMIN],
  ])('refuses %s to manage pilots', async (_name, user) => {
    await expect(check(user, manage())).rejects.toMatchObject({ code: 'FORBIDDEN', message: M.manage });
  });

  it('lets a ServiceAdministrator manage pilots of any VO, several at once', async () => {
    await check(FOREIGN_ADMIN, manage({ targetVo: 'lhcb' }));
    await check(FOREIGN_ADMIN, manage({ pilotStamps: ['stamp-a', 'stamp-b'] }));
    await check(ADMIN, { action: 'manage_pilots', pilotStamps: ['stamp-a'] });
  });

  it('lets a GenericPilot manage only when the route opts in', async () => {
    await check(PILOT, manage({ targetVo: 'lhcb' }));
    await expect(check(PILOT, { action: 'manage_pilots', targetVo: 'lhcb' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: M.manage,
    });
  });

  it('caps a GenericPilot to one distinct stamp per call', async () => {
    await check(PILOT, manage({ pilotStamps: ['stamp-a', 'stamp-a'] }));
    await expect(check(PILOT, manage({ pilotStamps: ['stamp-a', 'stamp-b'] }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: M.manyStamps,
    });
  });

  it('keeps a GenericPilot to registrations into its own VO', async () => {
    await expect(check(PILOT, manage({ targetVo: 'gridpp' }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: M.otherVo,
    });
  });

  it('answers an unknown stamp with NOT_FOUND, even to a caller of another VO', async () => {
    await expect(check(ADMIN, manage({ pilotStamps: ['stamp-a', 'nope'] }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: M.missing,
    });
    await expect(check(FOREIGN_PILOT, manage({ pilotStamps: ['nope'] }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers a GenericPilot a pilot of another VO as an unknown one (NOT_FOUND)', async () => {
    await expect(check(FOREIGN_PILOT, manage({ pilotStamps: ['stamp-a'] }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: M.missing,
    });
  });

  it('lets everyone but a GenericPilot read pilot metadata', async () => {
    for (const user of [USER, JOB_ADMIN, ADMIN, caller('gridpp', ['NormalUser'])])
      await check(user, { action: 'read_pilot_metadata' });
    await expect(check(PILOT, { action: 'read_pilot_metadata' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: M.pilotReads,
    });
  });

  it("checks named stamps on reads too: unknown and, for non-administrators, another VO's are 404", async () => {
    await expect(check(USER, { action: 'read_pilot_metadata', pilotStamps: ['nope'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      check(caller('gridpp', ['NormalUser']), { action: 'read_pilot_metadata', pilotStamps: ['stamp-a'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: M.missing });
    await check(FOREIGN_ADMIN, { action: 'read_pilot_metadata', pilotStamps: ['stamp-a'] });
  });
});
