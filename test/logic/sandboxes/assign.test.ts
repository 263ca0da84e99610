/**
 * Sandbox assignment (DiracX's SandboxMetadataDB tests, through the logic): registration bumps
 * the access time, assign/unassign set the `Assigned` flag per sandbox, input sandboxes are
 * assigned at submission only when the submitter owns them, and removing a job unassigns its
 * sandboxes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test';
import { parseJdl } from '../../../src/logic/jobs/jdl/parse.ts';
import { removeJobs } from '../../../src/logic/jobs/remove.ts';
import { assignOutputSandbox, getJobSandboxes, unassignJobsSandboxes } from '../../../src/logic/sandboxes/assign.ts';
import { assignInputSandboxes, inputSandboxPfns } from '../../../src/logic/sandboxes/input.ts';
import { getSandboxDownload, initiateSandboxUpload } from '../../../src/logic/sandboxes/upload.ts';
import type { AuthedUser } from '../../../src/core/user.ts';
import { addSandbox, createSandboxFixture, readSandbox, SETTINGS, T0, userOf, type SandboxFixture } from './fixture.ts';
import { insertJobs } from '../../harness/job-rows.ts';

let f: SandboxFixture;
beforeAll(async () => {
  f = await createSandboxFixture();
});
beforeEach(() => f.reset());
afterAll(() => f.dispose());

const chaen = userOf('chaen');
const albdr = userOf('albdr');
const assign = (jobId: number, pfn: string) =>
  assignOutputSandbox({ database: f.t.database, settings: SETTINGS, vo: 'lhcb' }, jobId, pfn);
const assignInputs = (user: AuthedUser, byJob: [number, string[]][]) =>
  f.t.database.transaction((tx) => assignInputSandboxes(tx, user, new Map(byJob)));

describe('registration', () => {
  it('registers before the upload and bumps the access time when asked again', async () => {
    const pfn = await addSandbox(f, chaen, false);
    expect((await readSandbox(f, pfn))?.lastAccessTime).toEqual(T0);
    f.setNow(new Date(T0.getTime() + 1000));
    const later = await getSandboxDownload(f.ctx(chaen), pfn);
    expect(later.expires_in).toBe(300);
    expect((await readSandbox(f, pfn))?.lastAccessTime).toEqual(new Date(T0.getTime() + 1000));
  });

  it('refuses a download of an unregistered sandbox with DiracX message', async () => {
    const pfn = `/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${'1'.repeat(64)}.tar.bz2`;
    await expect(getSandboxDownload(f.ctx(chaen), `SB:SandboxSE|${pfn}`)).rejects.toThrow(
      `Sandbox with ${pfn} and SandboxSE not found`,
    );
  });

  it('refuses a sandbox over the size limit before registering anything', async () => {
    const info = {
      checksum_algorithm: 'sha256' as const,
      checksum: '2'.repeat(64),
      size: SETTINGS.maxSizeBytes + 1,
      format: 'tar.zst' as const,
    };
    await expect(initiateSandboxUpload(f.ctx(chaen), info)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('assignment', () => {
  it('marks a sandbox assigned while any job maps it, and unassigned when the last one goes', async () => {
    const pfn = await addSandbox(f, chaen);
    expect((await readSandbox(f, pfn))?.assigned).toBe(false);
    await assign(1, pfn);
    await assign(2, pfn);
    expect(await readSandbox(f, pfn)).toMatchObject({ assigned: true, entities: ['Output:Job:1', 'Output:Job:2'] });
    await unassignJobsSandboxes(f.t.database, [1]);
    expect(await readSandbox(f, pfn)).toMatchObject({ assigned: true, entities: ['Output:Job:2'] });
    await unassignJobsSandboxes(f.t.database, [2]);
    expect(await readSandbox(f, pfn)).toMatchObject({ assigned: false, entities: [] });
  });

  it('unassigns per sandbox: one still mapped elsewhere does not keep the other assigned', async () => {
    const shared = await addSandbox(f, chaen);
    const own = await addSandbox(f, chaen);
    await assign(1, shared);
    await assign(1, own);
    await assign(2, shared);
    await unassignJobsSandboxes(f.t.database, [1]);
    expect((await readSandbox(f, shared))?.assigned).toBe(true);
    expect((await readSandbox(f, own))?.assigned).toBe(false);
  });

  it('removing a job unassigns its sandboxes', async () => {
    const pfn = await addSandbox(f, chaen);
    const [jobId] = await insertJobs(f.t.database, 1, {
      status: 'Received',
      minorStatus: 'Job accepted',
      vo: 'lhcb',
      owner: 'chaen',
      ownerGroup: 'lhcb_user',
      at: T0,
    });
    await assign(jobId!, pfn);
    expect(await removeJobs({ database: f.t.database, now: () => T0 }, [jobId!])).toEqual({ removed: [jobId!] });
    expect(await readSandbox(f, pfn)).toMatchObject({ assigned: false, entities: [] });
  });
});

describe('input sandboxes at submission', () => {
  it('reads the SB: entries of InputSandbox and ignores local files and LFNs', () => {
    const doc = parseJdl(
      '[InputSandbox = {"SB:SandboxSE|/S3/b/v/g/u/sha256:x.tar.zst", "script.sh", "LFN:/lhcb/file", ' +
        '"SB:SandboxSE|/S3/b/v/g/u/sha256:x.tar.zst"};]',
    );
    expect(inputSandboxPfns(doc)).toEqual(['SB:SandboxSE|/S3/b/v/g/u/sha256:x.tar.zst']);
    expect(inputSandboxPfns(parseJdl('[Executable = "echo";]'))).toEqual([]);
    expect(inputSandboxPfns(parseJdl('[InputSandbox = "SB:SandboxSE|/S3/b/v/g/u/k";]'))).toEqual([
      'SB:SandboxSE|/S3/b/v/g/u/k',
    ]);
  });

  it('assigns the submitter own sandboxes as Input of every job listing them', async () => {
    const pfn = await addSandbox(f, chaen);
    await assignInputs(chaen, [
      [10, [pfn, 'script.sh']],
      [11, [pfn]],
    ]);
    expect(await readSandbox(f, pfn)).toMatchObject({ assigned: true, entities: ['Input:Job:10', 'Input:Job:11'] });
    expect(await getJobSandboxes(f.t.database, 10)).toEqual({ Input: [pfn.split('|')[1]!], Output: [] });
  });

  it('refuses a sandbox of another user, and an unknown one, with the same message', async () => {
    const theirs = await addSandbox(f, albdr);
    const unknown = `SB:SandboxSE|/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${'3'.repeat(64)}.tar.zst`;
    await expect(assignInputs(chaen, [[10, [theirs]]])).rejects.toThrow(`Input sandbox not found: ${theirs}`);
    await expect(assignInputs(chaen, [[10, [unknown]]])).rejects.toThrow(`Input sandbox not found: ${unknown}`);
    expect((await readSandbox(f, theirs))?.assigned).toBe(false);
  });

  it('does nothing for jobs without SB: entries', async () => {
    await assignInputs(chaen, [
      [10, ['script.sh']],
      [11, []],
    ]);
    expect(await getJobSandboxes(f.t.database, 10)).toEqual({ Input: [], Output: [] });
  });
});
