/**
 * Sandbox route errors with DiracX's statuses and messages (malformed checksum 422, oversized
 * 400, bad sandbox type 422, unknown or doubly assigned sandbox 400, PFN validation incl. the
 * `(:?` regex quirk), and the local store's refusals over HTTP: expired or tampered signatures
 * 403, wrong size or checksum 400, no store configured 503.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { submitJob } from '../jobs/harness.ts';
import { makeSandbox, postUpload, startSandboxApp, uploadSandbox, type SandboxApp } from './app.ts';

let app: SandboxApp;
beforeAll(async () => {
  app = await startSandboxApp({ kind: 'local' });
});
afterAll(() => app.stop());

const CHECKSUM = '55967b0c430058c3105472b1edae6c8987c65bcf01ef58f10a3f5e93948782d8';
const detail = (body: unknown): unknown => (body as { detail: unknown }).detail;

describe('POST /api/jobs/sandbox errors', () => {
  it('answers 422 to a malformed checksum, size or format', async () => {
    const sb = await makeSandbox();
    for (const info of [
      { ...sb.info, checksum: '36_<1P0^Y^OS7SH7P;D<L`>SDV@6`GIUUW^aGEASUKU5dba@KLYVaYDIO3\\=N=KA' },
      { ...sb.info, size: 0 },
      { ...sb.info, format: 'zip' },
      { ...sb.info, checksum_algorithm: 'md5' },
    ]) {
      expect((await app.call('owner', 'POST', '/api/jobs/sandbox', info)).status).toBe(422);
    }
  });

  it('answers 400 with DiracX message to a sandbox over the size limit', async () => {
    const sb = await makeSandbox();
    const res = await app.call('owner', 'POST', '/api/jobs/sandbox', { ...sb.info, size: 1024 * 1024 * 1024 });
    expect(res).toEqual({ status: 400, body: { detail: 'Sandbox too large, maximum allowed is 104857600 bytes' } });
  });

  it('takes the size limit from the settings', async () => {
    const small = await startSandboxApp({ kind: 'local', maxSizeBytes: 1000 });
    try {
      const sb = await makeSandbox(1001);
      expect(await small.call('owner', 'POST', '/api/jobs/sandbox', sb.info)).toEqual({
        status: 400,
        body: { detail: 'Sandbox too large, maximum allowed is 1000 bytes' },
      });
    } finally {
      await small.stop();
    }
  });
});

describe('GET /api/jobs/sandbox errors', () => {
  it('answers 422 to a PFN that does not match DiracX regex or is too long', async () => {
    for (const pfn of [
      '/S3/sandboxes/lhcb/x.tar.zst',
      `/S3/SB/lhcb/g/u/sha256:${CHECKSUM}.tar.zst`,
      `SB:Sandbox1|/S3/sandboxes/a/b/c/sha256:${CHECKSUM}.tar.zst`,
      `/S3/sandboxes/${'a'.repeat(160)}/b/c/sha256:${CHECKSUM}.tar.zst`,
    ]) {
      expect({
        pfn,
        status: (await app.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`)).status,
      }).toEqual({ pfn, status: 422 });
    }
  });

  // Found by schemathesis: DiracX's regex lets NUL through, and PostgreSQL refused the lookup (500).
  it('answers 422 to a PFN with a NUL character, in the query and in an assignment body', async () => {
    const pfn = `SB:SandboxSE|/S3/sandboxes/lhcb/lhcb_user/ch\u0000aen/sha256:${CHECKSUM}.tar.zst`;
    expect((await app.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`)).status).toBe(422);
    const jobId = await submitJob(app.t, 'owner');
    expect((await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).status).toBe(422);
  });

  it('accepts a leading colon before SB:, as DiracX (:? regex typo) does [QUIRK]', async () => {
    const pfn = await uploadSandbox(app, 'owner', await makeSandbox());
    expect((await app.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(`:${pfn}`)}`)).status).toBe(200);
  });

  it('answers 400 for an unregistered sandbox the caller may read (an administrator)', async () => {
    const pfn = `/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${CHECKSUM}.tar.zst`;
    const res = await app.call('admin', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(`SB:SandboxSE|${pfn}`)}`);
    expect(res).toEqual({ status: 400, body: { detail: `Sandbox with ${pfn} and SandboxSE not found` } });
  });
});

describe('job sandbox errors', () => {
  it('answers 422 with pydantic message to a sandbox type other than input or output', async () => {
    const jobId = await submitJob(app.t, 'owner');
    const res = await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox/malformed-endpoint`);
    expect(res.status).toBe(422);
    expect((detail(res.body) as { msg: string }[])[0]!.msg).toBe("Input should be 'input' or 'output'");
  });

  it('answers 422 to a job id that is not an integer in the database range', async () => {
    for (const id of ['abc', '1.5', '99999999999']) {
      expect({ id, status: (await app.call('owner', 'GET', `/api/jobs/${id}/sandbox`)).status }).toEqual({
        id,
        status: 422,
      });
    }
    expect((await app.call('owner', 'POST', '/api/jobs/sandbox/unassign', { job_ids: [99999999999] })).status).toBe(
      422,
    );
  });

  it('lists no sandboxes of a fresh job', async () => {
    const jobId = await submitJob(app.t, 'owner');
    expect(await app.call('owner', 'GET', `/api/jobs/${jobId}/sandbox`)).toEqual({
      status: 200,
      body: { Input: [], Output: [] },
    });
  });

  it('answers 400 "Sandbox not found" when assigning an unknown sandbox', async () => {
    const jobId = await submitJob(app.t, 'owner');
    const pfn = `/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${CHECKSUM}.tar.bz2`;
    expect(await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).toEqual({
      status: 400,
      body: { detail: 'Sandbox not found' },
    });
  });

  it('answers 400 "Sandbox already assigned" when assigning the same sandbox twice', async () => {
    const pfn = await uploadSandbox(app, 'owner', await makeSandbox());
    const jobId = await submitJob(app.t, 'owner');
    expect((await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).status).toBe(200);
    expect(await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).toEqual({
      status: 400,
      body: { detail: 'Sandbox already assigned' },
    });
  });

  it('answers 422 to an assignment body that is not a PFN string', async () => {
    const jobId = await submitJob(app.t, 'owner');
    expect((await app.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, { pfn: 'x' })).status).toBe(422);
    expect((await app.call('owner', 'POST', '/api/jobs/sandbox/unassign', { job_ids: 'x' })).status).toBe(422);
  });
});

describe('local store endpoints', () => {
  async function signed() {
    const sb = await makeSandbox();
    const { url, fields } = (await app.call('owner', 'POST', '/api/jobs/sandbox', sb.info)).body as {
      url: string;
      fields: Record<string, string>;
    };
    return { sb, url, fields };
  }

  it('refuses an upload whose signature expired (403)', async () => {
    const { sb, url, fields } = await signed();
    app.clock.offsetMs = 301_000;
    try {
      const res = await postUpload(url, fields, sb.data);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ detail: 'The upload URL has expired' });
    } finally {
      app.clock.offsetMs = 0;
    }
  });

  it('refuses an upload with tampered fields (403)', async () => {
    const { sb, url, fields } = await signed();
    const res = await postUpload(url, { ...fields, key: fields.key!.replace('chaen', 'albdr') }, sb.data);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'Invalid upload signature' });
  });

  it('refuses a file of the wrong size or checksum (400), and accepts the right one after', async () => {
    const { sb, url, fields } = await signed();
    expect((await postUpload(url, fields, sb.data.slice(1))).status).toBe(400);
    const flipped = sb.data.slice();
    flipped[0] = (flipped[0]! + 1) % 256;
    expect((await postUpload(url, fields, flipped)).status).toBe(400);
    expect((await postUpload(url, fields, sb.data)).status).toBe(204);
  });

  it('refuses a form without a file (400)', async () => {
    const { url, fields } = await signed();
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    expect((await fetch(url, { method: 'POST', body: form })).status).toBe(400);
  });

  it('refuses an expired or tampered download URL (403)', async () => {
    const pfn = await uploadSandbox(app, 'owner', await makeSandbox());
    const { url } = (await app.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`)).body as {
      url: string;
    };
    const tampered = new URL(url);
    tampered.searchParams.set('key', tampered.searchParams.get('key')!.replace('chaen', 'albdr'));
    expect((await fetch(tampered)).status).toBe(403);
    app.clock.offsetMs = 301_000;
    try {
      expect((await fetch(url)).status).toBe(403);
    } finally {
      app.clock.offsetMs = 0;
    }
    expect((await fetch(url)).status).toBe(200);
  });
});

describe('without a sandbox store', () => {
  it('answers 503 on the sandbox routes and 404 on the local store endpoints', async () => {
    const bare = await startSandboxApp({ kind: 'none' });
    try {
      const sb = await makeSandbox();
      const res = await bare.call('owner', 'POST', '/api/jobs/sandbox', sb.info);
      expect(res).toEqual({ status: 503, body: { detail: 'Sandbox store is not configured' } });
      expect((await fetch(`${bare.base}/api/jobs/sandbox/local-store/download?key=a`)).status).toBe(404);
    } finally {
      await bare.stop();
    }
  });
});
