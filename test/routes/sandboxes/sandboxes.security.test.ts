/**
 * Who may do what with sandboxes, through the routes with the real policies: owners only (the
 * PFN prefix and sb_Owners rules of DiracX's SandboxAccessPolicy, with its messages), job
 * owners for their jobs' sandboxes, administrators within their VO (another VO's sandbox does
 * not exist for them), pilots assigning (never uploading) sandboxes of their VO, nobody without
 * a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { submitJob } from '../jobs/harness.ts';
import { makeSandbox, startSandboxApp, uploadSandbox, type SandboxApp } from './app.ts';

let app: SandboxApp;
let chaens: string;
beforeAll(async () => {
  app = await startSandboxApp({ kind: 'local' });
  chaens = await uploadSandbox(app, 'owner', await makeSandbox());
});
afterAll(() => app.stop());

const get = (who: Parameters<SandboxApp['call']>[0], pfn: string) =>
  app.call(who, 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`);

describe('downloading a sandbox', () => {
  it('refuses another user with DiracX detail (403)', async () => {
    expect(await get('sameGroup', chaens)).toEqual({
      status: 403,
      body: { detail: 'Invalid PFN. PFN must start with /S3/sandboxes/lhcb/lhcb_user/albdr/' },
    });
  });

  it('refuses the owner acting in another group (403)', async () => {
    expect((await get('ownerOtherGroup', chaens)).status).toBe(403);
  });

  it('refuses an unregistered PFN in the caller own namespace as not owned (403, as DiracX)', async () => {
    const pfn = `/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${'0'.repeat(64)}.tar.zst`;
    expect(await get('owner', pfn)).toEqual({ status: 403, body: { detail: 'chaen is not the owner of the sandbox' } });
  });

  it('lets an administrator of the VO read it; to one of another VO it does not exist (400, as missing)', async () => {
    expect((await get('admin', chaens)).status).toBe(200);
    const short = chaens.split('|')[1]!;
    expect(await get('otherVoAdmin', chaens)).toEqual({
      status: 400,
      body: { detail: `Sandbox with ${short} and SandboxSE not found` },
    });
  });

  it('refuses a pilot a user sandbox it did not upload', async () => {
    expect((await get('pilot', chaens)).status).toBe(403);
  });

  it('refuses a caller without a token (401)', async () => {
    expect((await get('anonymous', chaens)).status).toBe(401);
  });
});

describe('uploading a sandbox', () => {
  it('refuses a caller without NormalUser (403)', async () => {
    const sb = await makeSandbox();
    expect((await app.call('admin', 'POST', '/api/jobs/sandbox', sb.info)).status).toBe(403);
  });

  it('refuses a pilot with DiracX 403 "Forbidden", whether or not the bytes are already stored', async () => {
    const sb = await makeSandbox();
    expect(await app.call('pilot', 'POST', '/api/jobs/sandbox', sb.info)).toEqual({
      status: 403,
      body: { detail: 'Forbidden' },
    });
    await uploadSandbox(app, 'owner', sb);
    expect(await app.call('pilot', 'POST', '/api/jobs/sandbox', sb.info)).toEqual({
      status: 403,
      body: { detail: 'Forbidden' },
    });
  });

  it('keeps two users uploading the same bytes apart (each gets a PFN of their own)', async () => {
    const sb = await makeSandbox();
    const mine = await uploadSandbox(app, 'owner', sb);
    const theirs = await uploadSandbox(app, 'sameGroup', sb);
    expect(mine).not.toBe(theirs);
    expect(theirs).toContain('/lhcb_user/albdr/');
  });
});

describe('job sandboxes', () => {
  it('refuses to show or change the sandboxes of another user job (403)', async () => {
    const jobId = await submitJob(app.t, 'owner');
    expect((await app.call('sameGroup', 'GET', `/api/jobs/${jobId}/sandbox`)).status).toBe(403);
    expect((await app.call('sameGroup', 'GET', `/api/jobs/${jobId}/sandbox/output`)).status).toBe(403);
    expect((await app.call('sameGroup', 'DELETE', `/api/jobs/${jobId}/sandbox`)).status).toBe(403);
    expect((await app.call('sameGroup', 'POST', '/api/jobs/sandbox/unassign', { job_ids: [jobId] })).status).toBe(403);
    expect((await app.call('otherVoAdmin', 'GET', `/api/jobs/${jobId}/sandbox`)).status).toBe(403);
  });

  it('refuses to assign another user sandbox to one own job (403), so it cannot be read through the job', async () => {
    const jobId = await submitJob(app.t, 'sameGroup');
    expect((await app.call('sameGroup', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, chaens)).status).toBe(403);
    expect((await app.call('sameGroup', 'GET', `/api/jobs/${jobId}/sandbox/output`)).body).toEqual([]);
    expect((await get('sameGroup', chaens)).status).toBe(403);
  });

  it('does not let a user read a sandbox assigned to someone else job', async () => {
    const jobId = await submitJob(app.t, 'owner');
    // A sandbox of chaen's other group, which a pilot assigns to chaen's job of lhcb_user.
    const output = await uploadSandbox(app, 'ownerOtherGroup', await makeSandbox());
    expect((await app.call('pilot', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, output)).status).toBe(200);
    expect((await get('owner', output)).status).toBe(200);
    expect((await get('sameGroup', output)).status).toBe(403);
  });

  it('lets an administrator of the VO manage sandboxes of any job of the VO', async () => {
    const jobId = await submitJob(app.t, 'owner');
    expect((await app.call('admin', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, chaens)).status).toBe(200);
    expect((await app.call('admin', 'GET', `/api/jobs/${jobId}/sandbox`)).status).toBe(200);
    expect((await app.call('admin', 'POST', '/api/jobs/sandbox/unassign', { job_ids: [jobId] })).status).toBe(204);
  });

  it('refuses a pilot assigning a sandbox to a job of another VO (403)', async () => {
    const jobId = await submitJob(app.t, 'otherVo');
    const pfn = await uploadSandbox(app, 'otherVo', await makeSandbox());
    expect((await app.call('pilot', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).status).toBe(403);
    expect((await app.call('otherVo', 'GET', `/api/jobs/${jobId}/sandbox/output`)).body).toEqual([]);
  });

  it('answers a pilot assigning another VO sandbox as for a missing one (400), and assigns nothing', async () => {
    const jobId = await submitJob(app.t, 'owner');
    const alices = await uploadSandbox(app, 'otherVo', await makeSandbox());
    const missing = `/S3/sandboxes/gridpp/gridpp_user/alice/sha256:${'0'.repeat(64)}.tar.zst`;
    const assign = (pfn: string) => app.call('pilot', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn);
    expect(await assign(alices)).toEqual({ status: 400, body: { detail: 'Sandbox not found' } });
    expect(await assign(missing)).toEqual({ status: 400, body: { detail: 'Sandbox not found' } });
    expect((await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/output`)).body).toEqual([]);
  });

  it('refuses callers without a token (401)', async () => {
    expect((await app.call('anonymous', 'GET', '/api/jobs/1/sandbox')).status).toBe(401);
    expect((await app.call('anonymous', 'POST', '/api/jobs/sandbox/unassign', { job_ids: [1] })).status).toBe(401);
  });
});
