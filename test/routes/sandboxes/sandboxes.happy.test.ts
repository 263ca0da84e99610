/**
 * The sandbox routes on the local store, as DiracX's client drives them (its
 * `test_sandboxes.py` replayed with real policies): upload through the presigned POST, reuse
 * by checksum, download through the presigned URL, assign/list/unassign output sandboxes, a
 * pilot's output for a job, and input sandboxes assigned at submission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { submitJob } from '../jobs/harness.ts';
import { makeSandbox, postUpload, startSandboxApp, uploadSandbox, type SandboxApp } from './app.ts';

let app: SandboxApp;
beforeAll(async () => {
  app = await startSandboxApp({ kind: 'local' });
});
afterAll(() => app.stop());

const shortOf = (pfn: string): string => pfn.split('|')[1]!;

describe('POST /api/jobs/sandbox and GET /api/jobs/sandbox', () => {
  it('uploads through the presigned POST and downloads the same bytes through the presigned URL', async () => {
    const sb = await makeSandbox();
    const init = await app.call('owner', 'POST', '/api/jobs/sandbox', sb.info);
    expect(init.status).toBe(200);
    const { pfn, url, fields } = init.body as { pfn: string; url: string; fields: Record<string, string> };
    expect(pfn).toBe(`SB:SandboxSE|/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${sb.info.checksum}.tar.zst`);
    expect(url).toStartWith(`${app.base}/api/jobs/sandbox/local-store/upload`);
    expect((await postUpload(url, fields, sb.data)).status).toBe(204);

    const download = await app.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`);
    expect(download.status).toBe(200);
    const { url: downloadUrl, expires_in } = download.body as { url: string; expires_in: number };
    expect(expires_in).toBe(300);
    const res = await fetch(downloadUrl);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(sb.data);
  });

  it('reuses a stored sandbox of the same checksum: the PFN without an upload URL', async () => {
    const sb = await makeSandbox();
    const pfn = await uploadSandbox(app, 'owner', sb);
    const again = await app.call('owner', 'POST', '/api/jobs/sandbox', sb.info);
    expect(again).toEqual({ status: 200, body: { pfn, url: null, fields: {} } });
    // Upper-case hex names the same sandbox (DiracX would build an unusable PFN from it).
    const upper = await app.call('owner', 'POST', '/api/jobs/sandbox', {
      ...sb.info,
      checksum: sb.info.checksum.toUpperCase(),
    });
    expect(upper.body).toEqual({ pfn, url: null, fields: {} });
  });

  it('hands out a new upload URL while a registered sandbox has not been uploaded', async () => {
    const sb = await makeSandbox();
    const first = (await app.call('owner', 'POST', '/api/jobs/sandbox', sb.info)).body as { url: string | null };
    const second = (await app.call('owner', 'POST', '/api/jobs/sandbox', sb.info)).body as {
      url: string | null;
      fields: Record<string, string>;
    };
    expect(first.url).not.toBeNull();
    expect(second.url).not.toBeNull();
    expect((await postUpload(second.url!, second.fields, sb.data)).status).toBe(204);
  });

  it('accepts the short PFN for a download', async () => {
    const sb = await makeSandbox();
    const pfn = await uploadSandbox(app, 'owner', sb);
    const res = await app.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(shortOf(pfn))}`);
    expect(res.status).toBe(200);
  });
});

describe('job sandboxes', () => {
  it('assigns an output sandbox, lists it by type and whole, and unassigns it', async () => {
    const pfn = await uploadSandbox(app, 'owner', await makeSandbox());
    const jobId = await submitJob(app.t, 'owner');
    expect(await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/input`)).toEqual({ status: 200, body: [] });
    expect(await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/output`)).toEqual({ status: 200, body: [] });

    expect(await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).toEqual({
      status: 200,
      body: null,
    });
    expect(await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox`)).toEqual({
      status: 200,
      body: { Input: [], Output: [shortOf(pfn)] },
    });
    expect(await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/output`)).toEqual({
      status: 200,
      body: [shortOf(pfn)],
    });

    expect(await app.call('owner', 'POST', '/api/jobs/sandbox/unassign', { job_ids: [jobId] })).toEqual({
      status: 204,
      body: null,
    });
    expect((await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox`)).body).toEqual({ Input: [], Output: [] });
  });

  it('unassigns one job with DELETE and answers null', async () => {
    const pfn = await uploadSandbox(app, 'owner', await makeSandbox());
    const jobId = await submitJob(app.t, 'owner');
    await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn);
    expect(await app.call('owner', 'DELETE', `/api/jobs/${jobId}/sandbox`)).toEqual({ status: 200, body: null });
    expect((await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/output`)).body).toEqual([]);
  });

  it('lists every output sandbox of a job, in registration order, as DiracX 0.7.0 does', async () => {
    const first = await uploadSandbox(app, 'owner', await makeSandbox());
    const second = await uploadSandbox(app, 'owner', await makeSandbox());
    const jobId = await submitJob(app.t, 'owner');
    await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, second);
    await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, first);
    const both = [shortOf(first), shortOf(second)];
    expect((await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/output`)).body).toEqual(both);
    expect((await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox`)).body).toEqual({ Input: [], Output: both });
  });

  it('lets a pilot assign a sandbox of its VO as output sandbox of a job, which its owner then downloads', async () => {
    const sb = await makeSandbox();
    const jobId = await submitJob(app.t, 'owner');
    const pfn = await uploadSandbox(app, 'sameGroup', sb);
    expect((await app.call('pilot', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).status).toBe(200);
    expect((await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/output`)).body).toEqual([shortOf(pfn)]);
    const download = await app.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`);
    expect(download.status).toBe(200);
    const res = await fetch((download.body as { url: string }).url);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(sb.data);
  });

  it('lists the input sandbox of a job submitted with one', async () => {
    const pfn = await uploadSandbox(app, 'owner', await makeSandbox());
    const jdl = `[Executable = "echo"; InputSandbox = {"${pfn}", "local-file.txt"};]`;
    const jobId = await submitJob(app.t, 'owner', jdl);
    expect(await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox`)).toEqual({
      status: 200,
      body: { Input: [shortOf(pfn)], Output: [] },
    });
    expect((await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/input`)).body).toEqual([shortOf(pfn)]);
  });
});
