/**
 * Files out of a job (issue 20, item 3), as an agent reads them through the MCP client: a job's
 * output sandbox is seeded as in production (the owner's upload of DIRAC's `tar.bz2`, assigned
 * by the VO's pilot through the REST route), then `list_job_sandbox_files` lists it and
 * `read_job_sandbox_file` reads StdErr's tail, a byte range, a whole small file and a file under
 * a long (pax) name; a binary file is described, not dumped; a truncated read says so and how to
 * read on. Another user of the VO and a user of another VO are refused, as the download route
 * refuses them; a missing file is NOT_FOUND naming what the sandbox holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LocalObjectStore, MemoryBlobDirectory } from '../../src/storage/local-store.ts';
import { packTar } from '../../src/logic/sandboxes/archive/tar-write.ts';
import { assignOutput, uploadArchive, zstd } from '../harness/sandbox-seed.ts';
import { MAX_LISTED_FILES } from '../../src/tools/sandbox-files.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';
import { call, PEOPLE, submitJob } from '../routes/jobs/harness.ts';
import { STORE_SETTINGS } from '../routes/sandboxes/app.ts';

const FIXTURE = new URL('../fixtures/sandboxes/pilot-output.tar.bz2', import.meta.url);
const LONG_NAME = `logs/${'reconstruction-'.repeat(8)}step.log`;

interface Read {
  kind: string;
  size: number;
  content: string | null;
  start: number | null;
  end: number | null;
  truncated: boolean;
  notice: string | null;
}
interface Outcome {
  isError?: boolean;
  content: { text: string }[];
  structuredContent?: Record<string, unknown>;
}

let server: McpTestServer;
let job = 0;
let bareJob = 0;
let pfn = '';
const clients = new Map<'owner' | 'sameGroup' | 'otherVo', Client>();
let stdErr = '';

beforeAll(async () => {
  const store = new LocalObjectStore({
    directory: new MemoryBlobDirectory(),
    signingKey: await importSigningSecret(crypto.getRandomValues(new Uint8Array(32))),
    maxSizeBytes: STORE_SETTINGS.maxSizeBytes,
  });
  server = await startMcpTestServer({ sandboxes: { store, settings: STORE_SETTINGS } });
  job = await submitJob(server.app, 'owner');
  bareJob = await submitJob(server.app, 'owner');
  pfn = await uploadArchive(server.app, 'owner', await Bun.file(FIXTURE).bytes(), 'tar.bz2');
  await assignOutput(server.app, job, pfn);
  for (const who of ['owner', 'sameGroup', 'otherVo'] as const) {
    const [vo, group, user] = PEOPLE[who];
    const client = new Client({ name: `agent-${who}`, version: '1.0.0' });
    const requestInit = { headers: { authorization: `Bearer ${await server.token(vo, group, user)}` } };
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl, { requestInit }));
    clients.set(who, client);
  }
  stdErr = Array.from({ length: 5000 }, (_, i) => `stderr line ${i + 1}: processing event ${(i + 1) * 7}\n`).join('');
  stdErr += 'Error: segmentation violation in Reco::Track::fit\n';
});
afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await server.stop();
});

const tool = async (who: 'owner' | 'sameGroup' | 'otherVo', name: string, args: Record<string, unknown>) =>
  (await clients.get(who)!.callTool({ name, arguments: args })) as unknown as Outcome;
const read = async (args: Record<string, unknown>): Promise<Read> => {
  const result = await tool('owner', 'read_job_sandbox_file', { job_id: job, ...args });
  expect(result.isError).toBeFalsy();
  return result.structuredContent as unknown as Read;
};

describe('list_job_sandbox_files', () => {
  it("lists the output sandbox's files as the pilot uploaded them", async () => {
    const result = await tool('owner', 'list_job_sandbox_files', { job_id: job });
    expect(result.isError).toBeFalsy();
    const { sandboxes } = result.structuredContent as {
      sandboxes: { pfn: string; compression: string; files: { name: string; size: number }[]; truncated: boolean }[];
    };
    expect(sandboxes).toHaveLength(1);
    expect(sandboxes[0]!.pfn).toBe(pfn.split('|')[1]!);
    expect(sandboxes[0]!.compression).toBe('bzip2');
    expect(sandboxes[0]!.truncated).toBe(false);
    expect(sandboxes[0]!.files.map((f) => [f.name, f.size])).toEqual([
      ['StdOut', 58],
      ['StdErr', stdErr.length],
      ['plot.png', 2008],
      ['notes.txt', 23],
      [LONG_NAME, 24],
    ]);
  });

  it(`lists at most ${MAX_LISTED_FILES} files of a sandbox, saying the list is truncated`, async () => {
    const many = packTar(
      Array.from({ length: MAX_LISTED_FILES + 5 }, (_, i) => ({ name: `f${i}.log`, data: new Uint8Array(0) })),
    );
    const crowded = await submitJob(server.app, 'owner');
    await assignOutput(server.app, crowded, await uploadArchive(server.app, 'owner', await zstd(many), 'tar.zst'));
    const result = await tool('owner', 'list_job_sandbox_files', { job_id: crowded });
    const [listing] = (result.structuredContent as { sandboxes: { files: unknown[]; truncated: boolean }[] }).sandboxes;
    expect(listing).toMatchObject({ truncated: true });
    expect(listing!.files).toHaveLength(MAX_LISTED_FILES);
  });

  it('answers an empty list with a notice for a job without an output sandbox', async () => {
    const result = await tool('owner', 'list_job_sandbox_files', { job_id: bareJob });
    expect(result.structuredContent).toMatchObject({ sandboxes: [], notice: `Job ${bareJob} has no output sandbox.` });
  });
});

describe('read_job_sandbox_file', () => {
  it("reads StdErr's tail by lines, with a truncation notice saying how to read on", async () => {
    const got = await read({ path: 'StdErr', tail_lines: 3 });
    expect(got.content).toBe(
      'stderr line 4999: processing event 34993\nstderr line 5000: processing event 35000\n' +
        'Error: segmentation violation in Reco::Track::fit\n',
    );
    expect(got).toMatchObject({ kind: 'text', size: stdErr.length, end: stdErr.length, truncated: true });
    expect(stdErr.slice(got.start!, got.end!)).toBe(got.content!);
    expect(got.notice).toStartWith(`TRUNCATED: showing bytes ${got.start}-${stdErr.length} of ${stdErr.length}.`);
    expect(got.notice).toContain(`read_job_sandbox_file(job_id=${job}, path="StdErr"`);
  });

  it('reads a byte range, capped by max_bytes, and names the offset to continue from', async () => {
    const got = await read({ path: 'StdErr', offset: 1000, max_bytes: 200 });
    expect(got).toMatchObject({
      kind: 'text',
      start: 1000,
      end: 1200,
      truncated: true,
      content: stdErr.slice(1000, 1200),
    });
    expect(got.notice).toContain('offset=1200 for what follows');
  });

  it('reads the last max_bytes bytes with tail=true', async () => {
    const got = await read({ path: 'StdErr', tail: true, max_bytes: 64 });
    expect(got.content).toBe(stdErr.slice(-64));
    expect(got.start).toBe(stdErr.length - 64);
  });

  it('reads a small file whole, without notice, keeping its UTF-8 intact', async () => {
    const got = await read({ path: 'notes.txt' });
    expect(got).toMatchObject({ kind: 'text', content: 'café – résumé ✓\n', start: 0, end: 23, truncated: false });
    expect(got.notice).toBeNull();
  });

  it('never cuts a UTF-8 character in two at a range boundary', async () => {
    // Bytes 0-4 are "caf" and the first byte of "é": the partial character is left out.
    const got = await read({ path: 'notes.txt', max_bytes: 4 });
    expect(got).toMatchObject({ content: 'caf', start: 0, end: 3, truncated: true });
  });

  it('reads a file stored under a long (pax) name', async () => {
    expect((await read({ path: LONG_NAME })).content).toBe('a log under a long name\n');
  });

  it('describes a binary file instead of returning it', async () => {
    const got = await read({ path: 'plot.png' });
    expect(got).toMatchObject({ kind: 'binary', size: 2008, content: null, truncated: false });
    expect(got.notice).toBe('Binary file (PNG image, 2008 bytes): not shown.');
  });

  it('answers a missing file with NOT_FOUND naming the files there are', async () => {
    const result = await tool('owner', 'read_job_sandbox_file', { job_id: job, path: 'std.err' });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toStartWith('NOT_FOUND: No file std.err in sandbox');
    expect(result.content[0]!.text).toContain('It holds: StdOut, StdErr, plot.png');
  });

  it("looks for the file in each of the job's output sandboxes", async () => {
    const two = await submitJob(server.app, 'owner');
    await assignOutput(server.app, two, pfn);
    const second = packTar([{ name: 'second.log', data: new TextEncoder().encode('from the second sandbox\n') }]);
    await assignOutput(server.app, two, await uploadArchive(server.app, 'owner', await zstd(second), 'tar.zst'));
    const got = await read({ job_id: two, path: 'second.log' });
    expect(got.content).toBe('from the second sandbox\n');
    expect((await read({ job_id: two, path: 'StdOut' })).content).toStartWith('Job started');
    const missing = await tool('owner', 'read_job_sandbox_file', { job_id: two, path: 'nowhere' });
    expect(missing.content[0]!.text).toStartWith('NOT_FOUND: No file nowhere in sandbox');
  });

  it('answers NOT_FOUND for a job without an output sandbox', async () => {
    const result = await tool('owner', 'read_job_sandbox_file', { job_id: bareJob, path: 'StdErr' });
    expect(result.content[0]!.text).toStartWith(`NOT_FOUND: Job ${bareJob} has no output sandbox`);
  });

  it('refuses arguments out of bounds before anything is read', async () => {
    const err = await clients
      .get('owner')!
      .callTool({ name: 'read_job_sandbox_file', arguments: { job_id: job, path: 'StdErr', max_bytes: 1_000_000 } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: -32602 });
  });
});

describe('who may read', () => {
  for (const who of ['sameGroup', 'otherVo'] as const) {
    it(`refuses ${who} as the download route does, saying nothing of the content`, async () => {
      const rest = await call(server.app, who, 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`);
      expect([400, 403]).toContain(rest.status);
      for (const [name, args] of [
        ['list_job_sandbox_files', { job_id: job }],
        ['read_job_sandbox_file', { job_id: job, path: 'StdErr', tail_lines: 5 }],
      ] as const) {
        const result = await tool(who, name, args);
        expect(result.isError).toBe(true);
        expect(result.content[0]!.text).toStartWith('FORBIDDEN: Forbidden.');
        expect(JSON.stringify(result)).not.toContain('segmentation');
      }
    });
  }
});
