/**
 * The sandbox routes over a real S3-compatible server (moto, started by the test), replaying
 * DiracX's `test_upload_then_download` and its logic test: presigned POST to S3 (204), reuse by
 * checksum (url null, found by HEAD), presigned GET returning the same bytes, assignment, and
 * the clean-up deleting the S3 object. Skipped with the reason in the name when moto is not
 * installed, unless DIRACX_REQUIRE_S3_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { cleanSandboxes } from '../../../src/logic/sandboxes/clean.ts';
import { submitJob } from '../jobs/harness.ts';
import {
  MOTO_INSTALL,
  motoAvailability,
  S3_TESTS_REQUIRED,
  startMoto,
  uniqueBucketName,
  type MotoServer,
} from '../../harness/s3.ts';
import { makeSandbox, postUpload, startSandboxApp, uploadSandbox, type SandboxApp } from './app.ts';

const availability = motoAvailability();

if (!availability.available && !S3_TESTS_REQUIRED) {
  const skippedTitle = [
    `sandbox routes on S3 (skipped: ${availability.reason};`,
    `set DIRACX_REQUIRE_S3_TESTS=1 to fail instead)`,
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it('uploads to and downloads from S3 through presigned URLs', () => {});
  });
} else {
  describe('sandbox routes on S3 (moto)', () => {
    let moto: MotoServer | undefined;
    let app: SandboxApp | undefined;
    const running = (): SandboxApp => {
      if (!app) throw new Error('the app did not start');
      return app;
    };
    const bucket = uniqueBucketName();

    beforeAll(async () => {
      if (!availability.available)
        throw new Error(`DIRACX_REQUIRE_S3_TESTS=1 but moto cannot run: ${availability.reason} (${MOTO_INSTALL})`);
      moto = await startMoto(availability.python);
      app = await startSandboxApp({ kind: 's3', endpoint: moto.endpoint, bucket });
    });
    afterAll(async () => {
      await app?.stop();
      await moto?.stop();
    });

    it('uploads through the presigned POST to S3 and downloads the same bytes', async () => {
      const sb = await makeSandbox();
      const init = await running().call('owner', 'POST', '/api/jobs/sandbox', sb.info);
      expect(init.status).toBe(200);
      const { pfn, url, fields } = init.body as { pfn: string; url: string; fields: Record<string, string> };
      expect(pfn).toBe(`SB:SandboxSE|/S3/${bucket}/lhcb/lhcb_user/chaen/sha256:${sb.info.checksum}.tar.zst`);
      expect(url).toBe(`${moto!.endpoint}/${bucket}`);
      expect(fields.key).toBe(`lhcb/lhcb_user/chaen/sha256:${sb.info.checksum}.tar.zst`);
      expect((await postUpload(url, fields, sb.data)).status).toBe(204);

      expect((await running().call('owner', 'POST', '/api/jobs/sandbox', sb.info)).body).toEqual({
        pfn,
        url: null,
        fields: {},
      });

      const download = await running().call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`);
      expect(download.status).toBe(200);
      const { url: downloadUrl, expires_in } = download.body as { url: string; expires_in: number };
      expect(expires_in).toBe(300);
      expect(downloadUrl).toStartWith(`${moto!.endpoint}/${bucket}/lhcb/lhcb_user/chaen/sha256%3A`);
      const res = await fetch(downloadUrl);
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(sb.data);

      expect(
        (await running().call('sameGroup', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`)).status,
      ).toBe(403);
    });

    it('keeps an assigned sandbox in S3 at clean-up and deletes it once no job references it', async () => {
      const a = running();
      const sb = await makeSandbox();
      const pfn = await uploadSandbox(a, 'owner', sb);
      const jobId = await submitJob(a.t, 'owner');
      expect((await a.call('owner', 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn)).status).toBe(200);
      const deps = a.deps!;
      const later = new Date(Date.now() + 30 * 86_400_000);
      const clean = () =>
        cleanSandboxes(
          { database: a.t.database, store: deps.store, seName: 'SandboxSE', now: () => later, log: a.t.apiDeps.log },
          { unusedDays: 15 },
        );
      const key = pfn.split('|')[1]!.split('/').slice(3).join('/');

      await clean();
      expect(await deps.store.exists(key)).toBe(true);
      expect((await a.call('owner', 'POST', '/api/jobs/sandbox', sb.info)).body).toMatchObject({ url: null });

      await a.call('owner', 'POST', '/api/jobs/sandbox/unassign', { job_ids: [jobId] });
      expect((await clean()).deleted).toBeGreaterThanOrEqual(1);
      expect(await deps.store.exists(key)).toBe(false);
      expect((await a.call('owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`)).status).toBe(403);
    });
  });
}
