/**
 * Sandboxes seeded through REST as DiracX's clients do: registered with `POST /api/jobs/sandbox`
 * and uploaded as the multipart form to the URL it answers (through the handler, for the local
 * store), and a job's output sandbox assigned as a pilot does (`PATCH .../sandbox/output`).
 */
import { toHex } from '../../src/storage/object-store.ts';
import type { TestApp } from './app.ts';
import { call, type Person } from '../routes/jobs/harness.ts';

/** Registers and uploads `data` (a `tar.zst` or `tar.bz2` archive) as `who`; returns the full PFN. */
export async function uploadArchive(
  app: TestApp,
  who: Person,
  data: Uint8Array,
  format: 'tar.zst' | 'tar.bz2',
): Promise<string> {
  const bytes = new Uint8Array(data);
  const checksum = toHex(await crypto.subtle.digest('SHA-256', bytes));
  const info = { checksum_algorithm: 'sha256', checksum, size: bytes.length, format };
  const res = await call(app, who, 'POST', '/api/jobs/sandbox', info);
  if (res.status !== 200) throw new Error(`initiate upload as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
  const { pfn, url, fields } = res.body as { pfn: string; url: string | null; fields: Record<string, string> };
  if (url) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([bytes]), 'file');
    // As sent over the wire: with its length (the in-process handler gets no chunked bodies).
    const encoded = new Request(url, { method: 'POST', body: form });
    const contentType = encoded.headers.get('content-type') ?? '';
    const body = await encoded.arrayBuffer();
    const headers = { 'content-type': contentType, 'content-length': `${body.byteLength}` };
    const up = await app.handler(new Request(url, { method: 'POST', body, headers }));
    if (up.status !== 204) throw new Error(`upload as ${who}: ${up.status} ${await up.text()}`);
  }
  return pfn;
}

/** Assigns `pfn` as the output sandbox of `jobId`, as the VO's pilot does after the job ran. */
export async function assignOutput(app: TestApp, jobId: number, pfn: string, who: Person = 'pilot'): Promise<void> {
  const res = await call(app, who, 'PATCH', `/api/jobs/${jobId}/sandbox/output`, pfn);
  if (res.status !== 200) throw new Error(`assign as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The bytes of `data` through the runtime's zstd compressor (what `tar.zst` sandboxes hold). */
export async function zstd(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(data)])
    .stream()
    .pipeThrough(new CompressionStream('zstd' as CompressionFormat));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
