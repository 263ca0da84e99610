/**
 * Files into a job (issue 20, item 2), as a host's agent sends them through the MCP client:
 * `create_sandbox` packs inline files (text and base64) as DiracX's client does (`tar.zst`,
 * SHA-256, the same PFN) and stores them; the archive the REST download gives is that one, and
 * DiracX 0.7.0's client unpacks it (skipped, with the reason, without DiracX's venv unless
 * DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1). The same files again reuse the sandbox. `submit_job`
 * with an inline script and input file submits a job whose JDL names the uploaded sandbox, which
 * submission assigns to the job as its input sandbox (read back with list_job_sandbox_files); once
 * its pilot assigns the output sandbox, the agent reads StdErr's tail (the issue's "done when").
 * Bad names, duplicates, bad base64, too much data and callers the sandbox policy refuses are
 * refused with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { SANDBOX_PFN_REGEX, shortPfn } from '../../src/logic/sandboxes/pfn.ts';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LocalObjectStore, MemoryBlobDirectory } from '../../src/storage/local-store.ts';
import { toHex } from '../../src/storage/object-store.ts';
import { diracxAvailability, DIRACX_CLIENT_TESTS_REQUIRED, runPython } from '../interop/diracx-python.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';
import { assignOutput, uploadArchive } from '../harness/sandbox-seed.ts';
import { call, PEOPLE } from '../routes/jobs/harness.ts';
import { STORE_SETTINGS } from '../routes/sandboxes/app.ts';
import { countSandboxes } from '../harness/sandbox-rows.ts';

interface Outcome {
  isError?: boolean;
  content: { text: string }[];
  structuredContent?: Record<string, unknown>;
}
type Who = 'owner' | 'admin';

const FIXTURE = new URL('../fixtures/sandboxes/pilot-output.tar.bz2', import.meta.url);
const SCRIPT = '#!/bin/sh\nwc -l data.txt\n';
const DATA = 'line one\nline two\nline three\n';
const BINARY = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
const FILES = [
  { name: 'run.sh', content: SCRIPT, executable: true },
  { name: 'data.txt', content: DATA },
  { name: 'inputs/table.bin', content_base64: Buffer.from(BINARY).toString('base64') },
];

let server: McpTestServer;
let small: McpTestServer;
const clients = new Map<string, Client>();

async function connect(on: McpTestServer, who: Who): Promise<Client> {
  const [vo, group, user] = PEOPLE[who];
  const client = new Client({ name: `host-${who}`, version: '1.0.0' });
  const requestInit = { headers: { authorization: `Bearer ${await on.token(vo, group, user)}` } };
  await client.connect(new StreamableHTTPClientTransport(on.mcpUrl, { requestInit }));
  return client;
}

async function localStore(): Promise<{ store: LocalObjectStore; settings: typeof STORE_SETTINGS }> {
  const store = new LocalObjectStore({
    directory: new MemoryBlobDirectory(),
    signingKey: await importSigningSecret(crypto.getRandomValues(new Uint8Array(32))),
    maxSizeBytes: STORE_SETTINGS.maxSizeBytes,
  });
  return { store, settings: STORE_SETTINGS };
}

beforeAll(async () => {
  server = await startMcpTestServer({ sandboxes: await localStore() });
  small = await startMcpTestServer({ sandboxes: await localStore(), inlineFilesMaxBytes: 1000 });
  clients.set('owner', await connect(server, 'owner'));
  clients.set('admin', await connect(server, 'admin'));
  clients.set('small', await connect(small, 'owner'));
});
afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await Promise.all([server.stop(), small.stop()]);
});

const tool = async (client: string, name: string, args: Record<string, unknown>): Promise<Outcome> =>
  (await clients.get(client)!.callTool({ name, arguments: args })) as unknown as Outcome;
const sandboxRows = (on: McpTestServer): Promise<number> => countSandboxes(on.app.database);

/** The archive behind `pfn`, as DiracX's client downloads it (REST URL, then a plain GET). */
async function download(pfn: string): Promise<Uint8Array> {
  const res = await call(server.app, 'owner', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`);
  expect(res.status).toBe(200);
  const got = await server.app.handler(new Request((res.body as { url: string }).url));
  expect(got.status).toBe(200);
  return new Uint8Array(await got.arrayBuffer());
}

describe('create_sandbox', () => {
  let created: { pfn: string; checksum: string; size: number; format: string; reused: boolean };

  beforeAll(async () => {
    const result = await tool('owner', 'create_sandbox', { files: FILES });
    expect(result.isError).toBeFalsy();
    created = result.structuredContent as typeof created;
  });

  it("answers a PFN in the caller's namespace, named by the archive's checksum, as DiracX's client makes", async () => {
    expect(created.pfn).toMatch(SANDBOX_PFN_REGEX);
    expect(created.pfn).toBe(
      `SB:SandboxSE|/S3/${STORE_SETTINGS.bucketName}/lhcb/lhcb_user/chaen/sha256:${created.checksum}.tar.zst`,
    );
    expect(created).toMatchObject({ format: 'tar.zst', reused: false });
    const archive = await download(created.pfn);
    expect(archive.length).toBe(created.size);
    expect(toHex(await crypto.subtle.digest('SHA-256', new Uint8Array(archive)))).toBe(created.checksum);
    expect([...archive.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]); // zstd
  });

  const diracx = diracxAvailability();
  const unpackTitle = diracx.available
    ? "is what DiracX 0.7.0's client unpacks: the same names, bytes and executable bit"
    : `is what DiracX 0.7.0's client unpacks (skipped: ${diracx.reason}; set DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1 ` +
      'to fail instead)';
  it.skipIf(!diracx.available && !DIRACX_CLIENT_TESTS_REQUIRED)(unpackTitle, async () => {
    if (!diracx.available) throw new Error(diracx.reason);
    const file = `${Bun.env.TMPDIR ?? '/tmp'}/sandbox-${crypto.randomUUID()}.tar.zst`;
    await Bun.write(file, await download(created.pfn));
    const script = new URL('./unpack_sandbox.py', import.meta.url).pathname;
    const run = await runPython(diracx.python, [script, file], {});
    await Bun.file(file).delete();
    expect(run.code).toBe(0);
    const unpacked = JSON.parse(run.stdout) as { name: string; executable: boolean; content_base64: string }[];
    expect(unpacked).toEqual([
      { name: 'data.txt', executable: false, content_base64: Buffer.from(DATA).toString('base64') },
      { name: 'inputs/table.bin', executable: false, content_base64: Buffer.from(BINARY).toString('base64') },
      { name: 'run.sh', executable: true, content_base64: Buffer.from(SCRIPT).toString('base64') },
    ]);
  });

  it('reuses the stored sandbox for the same files, storing nothing new', async () => {
    const before = await sandboxRows(server);
    const again = await tool('owner', 'create_sandbox', { files: FILES.map((f) => ({ ...f })) });
    expect(again.structuredContent).toMatchObject({ pfn: created.pfn, reused: true });
    expect(await sandboxRows(server)).toBe(before);
  });

  const refusals: [string, Record<string, unknown>[], string][] = [
    ['a path escaping the sandbox', [{ name: '../etc/passwd', content: 'x' }], '".." path segment'],
    ['an absolute path', [{ name: '/tmp/x', content: 'x' }], 'is an absolute path'],
    [
      'a duplicate name',
      [
        { name: 'a', content: 'x' },
        { name: 'a', content: 'y' },
      ],
      'is given twice',
    ],
    [
      'a file that is also a directory',
      [
        { name: 'a', content: 'x' },
        { name: 'a/b', content: 'y' },
      ],
      'inside',
    ],
    ['a backslash', [{ name: 'dir\\x', content: 'x' }], 'backslash'],
    ['both contents', [{ name: 'a', content: 'x', content_base64: 'eA==' }], 'exactly one of'],
    ['no content', [{ name: 'a' }], 'exactly one of'],
    ['bad base64', [{ name: 'a', content_base64: 'not base64!' }], 'not valid base64'],
  ];
  for (const [what, files, message] of refusals) {
    it(`refuses ${what} with INVALID_INPUT, storing nothing`, async () => {
      const before = await sandboxRows(server);
      const result = await tool('owner', 'create_sandbox', { files });
      expect(result.isError).toBe(true);
      expect(result.content[0]!.text).toStartWith('INVALID_INPUT: ');
      expect(result.content[0]!.text).toContain(message);
      expect(await sandboxRows(server)).toBe(before);
    });
  }

  it('refuses files larger than DIRACX_MCP_INLINE_FILES_MAX_BYTES together', async () => {
    const files = [
      { name: 'a', content: 'x'.repeat(600) },
      { name: 'b', content: 'y'.repeat(600) },
    ];
    const result = await tool('small', 'create_sandbox', { files });
    expect(result.content[0]!.text).toStartWith('TOO_LARGE: ');
    expect(await sandboxRows(small)).toBe(0);
    const fits = await tool('small', 'create_sandbox', { files: files.slice(0, 1) });
    expect(fits.isError).toBeFalsy();
  });

  it('refuses whom the sandbox policy refuses an upload, as POST /api/jobs/sandbox does', async () => {
    const rest = await call(server.app, 'admin', 'POST', '/api/jobs/sandbox', {
      checksum_algorithm: 'sha256',
      checksum: 'ab'.repeat(32),
      size: 10,
      format: 'tar.zst',
    });
    expect(rest.status).toBe(403);
    const before = await sandboxRows(server);
    const result = await tool('admin', 'create_sandbox', { files: [{ name: 'x', content: 'admin' }] });
    expect(result.content[0]!.text).toStartWith('FORBIDDEN: ');
    expect(await sandboxRows(server)).toBe(before);
  });
});

describe('submit_job with input_files', () => {
  it("submits a job whose JDL names the uploaded sandbox, assigned as the job's input sandbox", async () => {
    const result = await tool('owner', 'submit_job', {
      executable: 'run.sh',
      job_name: 'inline-files',
      input_files: [FILES[0], FILES[1]],
    });
    expect(result.isError).toBeFalsy();
    const { job_ids, jdl, input_files_sandbox } = result.structuredContent as {
      job_ids: number[];
      jdl: string;
      input_files_sandbox: string;
    };
    expect(input_files_sandbox).toMatch(SANDBOX_PFN_REGEX);
    expect(jdl).toContain(`InputSandbox = {"${input_files_sandbox}"};`);
    const [job] = job_ids as [number];

    const stored = (await tool('owner', 'get_job_jdl', { job_id: job })).structuredContent as { jdl: string };
    expect(stored.jdl).toContain(input_files_sandbox);
    const rest = await call(server.app, 'owner', 'GET', `/api/jobs/${job}/sandbox/input`);
    expect(rest.body).toEqual([shortPfn(input_files_sandbox)]);

    const listed = await tool('owner', 'list_job_sandbox_files', { job_id: job, sandbox_type: 'input' });
    const files = (listed.structuredContent as { sandboxes: { files: { name: string; size: number }[] }[] })
      .sandboxes[0]!.files;
    expect(files.map((f) => [f.name, f.size])).toEqual([
      ['run.sh', SCRIPT.length],
      ['data.txt', DATA.length],
    ]);
    const read = await tool('owner', 'read_job_sandbox_file', { job_id: job, sandbox_type: 'input', path: 'data.txt' });
    expect((read.structuredContent as { content: string }).content).toBe(DATA);

    // The job ran: its pilot assigns the output sandbox; the agent reads why it failed.
    const output = await uploadArchive(server.app, 'owner', await Bun.file(FIXTURE).bytes(), 'tar.bz2');
    await assignOutput(server.app, job, output);
    const tail = await tool('owner', 'read_job_sandbox_file', { job_id: job, path: 'StdErr', tail_lines: 1 });
    expect(tail.structuredContent).toMatchObject({
      content: 'Error: segmentation violation in Reco::Track::fit\n',
      truncated: true,
    });
  });

  it('refuses input_files with jdl_content, and bad fields before storing anything', async () => {
    const before = await sandboxRows(server);
    const withJdl = await tool('owner', 'submit_job', {
      jdl_content: '[Executable = "run.sh";]',
      input_files: [FILES[0]],
    });
    expect(withJdl.content[0]!.text).toStartWith('INVALID_INPUT: input_files go with executable');
    const badField = await tool('owner', 'submit_job', {
      executable: 'run.sh',
      arguments: 'say "hi"',
      input_files: [{ name: 'unique-never-stored.txt', content: crypto.randomUUID() }],
    });
    expect(badField.content[0]!.text).toStartWith('INVALID_INPUT: arguments cannot hold');
    expect(await sandboxRows(server)).toBe(before);
  });
});
