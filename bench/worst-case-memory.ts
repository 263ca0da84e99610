/**
 * `bun run bench/worst-case-memory.ts [scenario ...]`: how much memory the largest requests the
 * limits allow add to a server process (issue 16, item 4). Each scenario runs in a fresh Bun
 * process (RSS only grows within a process) against the product's handler in process, on the
 * embedded database (PostgreSQL with `DATABASE_URL`) with the default limits, and reports the peak
 * RSS and JS heap added over the idle process (sampled every 2 ms while the request runs, and after
 * it). Scenarios:
 *
 * - `search`: the largest allowed job search: 100 conditions (one `in` with 10 000 ids, 99
 *   `like` patterns of 256 characters), every column, `per_page=10000`, over 10 000 jobs;
 * - `parametric`: the largest allowed parametric submission: a production manager's one JDL
 *   with `Parameters = 10000` expanding to ~6.3 KB per job (63 MB, under the 64 MiB total);
 * - `parametric-small`: the same 10 000 jobs with ~200-byte JDLs (what the job count alone costs);
 * - `bulk`: a production manager's 10 000 JDLs in the largest REST body (16 MiB);
 * - `single`: one non-parametric JDL filling the largest REST body (16 MiB): refused (400) by
 *   the per-job limit before it is parsed;
 * - `upload`: one local-store upload of the largest sandbox (100 MiB), streamed to disk;
 * - `uploads8`: 8 such uploads at once (DIRACX_SANDBOX_STORE_LOCAL_MAX_CONCURRENT_UPLOADS);
 * - `mcp`: the largest `/mcp` body (4 MiB): `validate_jdl` of a 4 MiB JDL (parsed, checked).
 *
 * Measured on 2026-12-06 (2 shared cores, Bun 1.4.5, at a69a171), peak RSS and JSC heap size
 * (garbage included) over the idle process; PGlite is the embedded database, whose WASM memory
 * lives in the server process and never shrinks:
 *
 *   scenario          PGlite: RSS      heap    PostgreSQL: RSS      heap
 *   search                  + 84 MiB  +  7 MiB           + 86 MiB  + 35 MiB
 *   parametric (63 MB)      +958 MiB  +321 MiB           +677 MiB  +275 MiB
 *   parametric-small        +422 MiB  + 37 MiB           +126 MiB  + 59 MiB
 *   bulk (16 MiB body)     +1116 MiB  +276 MiB          +1076 MiB  +443 MiB
 *   single (refused)        +119 MiB  + 30 MiB
 *   upload (100 MiB)        + 31 MiB  + 16 MiB           + 25 MiB  + 13 MiB
 *   uploads8 (8 x 100 MiB)  +313 MiB  +163 MiB
 *   mcp (4 MiB validate)    +233 MiB  + 14 MiB
 *
 * The uploads' heap is chunks waiting for collection, the bench's own client chunks included
 * (it sends from the same process); a buffered upload would hold at least its 100 MiB each.
 * Rerun and replace when a limit or the request path changes; runs vary by tens of MiB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapStats } from 'bun:jsc';
import { sha256 } from '@noble/hashes/sha2.js';
import { FsBlobDirectory } from '../src/storage/fs-directory.ts';
import { importSigningSecret } from '../src/storage/local-signature.ts';
import { LOCAL_UPLOAD_PATH, LocalObjectStore } from '../src/storage/local-store.ts';
import { createTestApp, type TestApp } from '../test/harness/app.ts';
import { formParts } from '../test/security/local-upload.ts';
import { STORE_SETTINGS } from '../test/routes/sandboxes/app.ts';

const SCENARIOS = ['search', 'parametric', 'parametric-small', 'bulk', 'single', 'upload', 'uploads8', 'mcp'] as const;
type Scenario = (typeof SCENARIOS)[number];
const MiB = 1024 * 1024;
const MCP_URL = 'http://127.0.0.1/mcp';

interface World {
  app: TestApp;
  bearer(group: 'lhcb_user' | 'lhcb_prmgr', forMcp?: boolean): Promise<string>;
  root: string;
}

async function world(): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'worst-case-'));
  const directory = new FsBlobDirectory(root);
  const store = new LocalObjectStore({
    directory,
    signingKey: await importSigningSecret(await directory.signingSecret()),
    maxSizeBytes: STORE_SETTINGS.maxSizeBytes,
  });
  const app = await createTestApp({
    options: { devCrashOnMissedPolicy: false },
    sandboxes: { store, settings: STORE_SETTINGS },
    mcp: {
      resourceUrl: MCP_URL,
      allowedHosts: ['127.0.0.1'],
      allowedOrigins: [],
      confirmThreshold: 10,
      rateLimitPerMinute: 0,
    },
  });
  const bearer = async (group: 'lhcb_user' | 'lhcb_prmgr', forMcp = false): Promise<string> =>
    `Bearer ${await app.tokens.tokenFor('lhcb', group, 'chaen', forMcp ? { audience: MCP_URL } : {})}`;
  return { app, bearer, root };
}

async function post(w: World, path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> {
  const res = await w.app.handler(
    new Request(`http://127.0.0.1${path}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit),
  );
  return res;
}

async function expectOk(res: Response, what: string): Promise<number> {
  const body = await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
  return body.byteLength;
}

/** A deterministic stream of `size` bytes in 64 KiB chunks, and its SHA-256, without holding it. */
function patternStream(size: number, seed: number): { stream: () => ReadableStream<Uint8Array>; checksum: string } {
  const chunk = new Uint8Array(64 * 1024).map((_, i) => (i * 31 + seed) % 251);
  const hash = sha256.create();
  for (let at = 0; at < size; at += chunk.length) hash.update(chunk.subarray(0, Math.min(chunk.length, size - at)));
  const checksum = Buffer.from(hash.digest()).toString('hex');
  const stream = (): ReadableStream<Uint8Array> => {
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= size) return controller.close();
        const piece = chunk.subarray(0, Math.min(chunk.length, size - at));
        at += piece.length;
        controller.enqueue(piece.slice());
      },
    });
  };
  return { stream, checksum };
}

/** Registers a sandbox of `size` bytes, then returns a function that uploads it (streamed). */
async function prepareUpload(w: World, size: number, seed: number): Promise<() => Promise<void>> {
  const { stream, checksum } = patternStream(size, seed);
  const info = { checksum_algorithm: 'sha256', checksum, size, format: 'tar.zst' };
  const reg = await post(w, '/api/jobs/sandbox', JSON.stringify(info), {
    authorization: await w.bearer('lhcb_user'),
    'content-type': 'application/json',
  });
  const { fields } = (await reg.json()) as { fields: Record<string, string> };
  const { head, tail, contentType } = formParts(fields);
  return async () => {
    const file = stream().getReader();
    let stage = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (stage === 0) {
          stage = 1;
          return controller.enqueue(head);
        }
        if (stage === 1) {
          const { done, value } = await file.read();
          if (!done) return controller.enqueue(value);
          stage = 2;
          return controller.enqueue(tail);
        }
        controller.close();
      },
    });
    const res = await post(w, LOCAL_UPLOAD_PATH, body, {
      'content-type': contentType,
      'content-length': String(head.length + size + tail.length),
    });
    await expectOk(res, 'upload');
  };
}

async function seedJobs(w: World, count: number): Promise<void> {
  const jdls = Array.from(
    { length: count },
    (_, i) => `[Executable = "echo"; JobName = "seed-${i}"; Site = "LCG.CERN.cern";]`,
  );
  await expectOk(
    await post(w, '/api/jobs/jdl', JSON.stringify(jdls), {
      authorization: await w.bearer('lhcb_prmgr'),
      'content-type': 'application/json',
    }),
    'seed',
  );
}

/** Prepares `scenario` and returns the request to measure. */
async function prepare(w: World, scenario: Scenario): Promise<() => Promise<unknown>> {
  const json = async (group: 'lhcb_user' | 'lhcb_prmgr'): Promise<Record<string, string>> => ({
    authorization: await w.bearer(group),
    'content-type': 'application/json',
  });
  switch (scenario) {
    case 'search': {
      await seedJobs(w, 10_000);
      const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
      const likes = Array.from({ length: 99 }, (_, i) => ({
        parameter: 'JobName',
        operator: 'not like',
        value: `%${String(i).padEnd(254, 'q')}%`,
      }));
      const body = JSON.stringify({ search: [{ parameter: 'JobID', operator: 'in', values: ids }, ...likes] });
      const headers = await json('lhcb_user');
      return async () => expectOk(await post(w, '/api/jobs/search?per_page=10000', body, headers), 'search');
    }
    case 'parametric': {
      const body = JSON.stringify([`[Executable = "x"; Arguments = "%n ${'y'.repeat(6000)}"; Parameters = 10000]`]);
      const headers = await json('lhcb_prmgr');
      return async () => expectOk(await post(w, '/api/jobs/jdl', body, headers), 'parametric');
    }
    case 'parametric-small': {
      const body = JSON.stringify(['[Executable = "x"; Arguments = "%n"; Parameters = 10000]']);
      const headers = await json('lhcb_prmgr');
      return async () => expectOk(await post(w, '/api/jobs/jdl', body, headers), 'parametric-small');
    }
    case 'bulk': {
      const one = (i: number): string =>
        `[Executable = "x"; JobName = "bulk-${i}"; Arguments = "${'z'.repeat(1600)}";]`;
      const body = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => one(i)));
      if (body.length > 16 * MiB) throw new Error(`bulk body ${body.length} over the limit`);
      const headers = await json('lhcb_prmgr');
      return async () => expectOk(await post(w, '/api/jobs/jdl', body, headers), 'bulk');
    }
    case 'single': {
      const body = JSON.stringify([
        `[Executable = "x"; ${Array.from({ length: 150_000 }, (_, i) => `A${i} = "${'s'.repeat(90)}";`).join(' ')}]`
          .slice(0, 16 * MiB - 4000)
          .replace(/[^;]*$/, ']'),
      ]);
      const headers = await json('lhcb_user');
      return async () => {
        const res = await post(w, '/api/jobs/jdl', body, headers);
        if (res.status !== 400) throw new Error(`single: expected 400, got ${res.status}`);
        await res.arrayBuffer();
      };
    }
    case 'upload': {
      const upload = await prepareUpload(w, STORE_SETTINGS.maxSizeBytes, 1);
      return upload;
    }
    case 'uploads8': {
      const uploads = await Promise.all(
        Array.from({ length: 8 }, (_, i) => prepareUpload(w, STORE_SETTINGS.maxSizeBytes, i + 2)),
      );
      return () => Promise.all(uploads.map((u) => u()));
    }
    case 'mcp': {
      const lines = Array.from({ length: 40_000 }, (_, i) => `A${i} = "${'m'.repeat(90)}";`);
      const jdl = `[Executable = "x"; ${lines.join(' ')}]`.slice(0, 4 * MiB - 2000).replace(/[^;]*$/, ']');
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'validate_jdl', arguments: { jdl_content: jdl } },
      });
      const headers = {
        authorization: await w.bearer('lhcb_user', true),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        host: '127.0.0.1',
      };
      return async () => expectOk(await w.app.handler(new Request(MCP_URL, { method: 'POST', headers, body })), 'mcp');
    }
  }
}

async function measure(scenario: Scenario): Promise<{ rss: number; heap: number }> {
  const w = await world();
  const run = await prepare(w, scenario);
  Bun.gc(true);
  await Bun.sleep(100);
  Bun.gc(true);
  const base = { rss: process.memoryUsage.rss(), heap: heapStats().heapSize };
  let peakRss = base.rss;
  let peakHeap = base.heap;
  // JSC's heap size counts garbage not yet collected: the most the request had live at once, or more.
  const sample = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, heapStats().heapSize);
  };
  const timer = setInterval(sample, 2);
  await run();
  sample();
  clearInterval(timer);
  await w.app.dispose();
  await rm(w.root, { recursive: true, force: true });
  return { rss: (peakRss - base.rss) / MiB, heap: (peakHeap - base.heap) / MiB };
}

const requested = Bun.argv.slice(2);
if (requested[0] === '--child') {
  const result = await measure(requested[1] as Scenario);
  console.log(JSON.stringify(result));
  process.exit(0);
}
for (const scenario of requested.length > 0 ? (requested as Scenario[]) : SCENARIOS) {
  const child = Bun.spawn([process.execPath, import.meta.path, '--child', scenario], {
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const out = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`${scenario} failed`);
  const { rss, heap } = JSON.parse(out.trim().split('\n').at(-1)!) as { rss: number; heap: number };
  console.log(
    `${scenario.padEnd(12)} RSS + ${rss.toFixed(0).padStart(4)} MiB   heap + ${heap.toFixed(0).padStart(4)} MiB`,
  );
}
