/**
 * The world of the sandbox attack tests: the real handler (REST and /mcp) with an in-memory
 * local sandbox store, optionally with extensions, the people of the shipped configuration, and
 * what they do with sandboxes as DiracX's clients do (register, upload to the signed URL,
 * submit a job whose InputSandbox names the sandbox), answered as comparable `Answer`s.
 */
import type { Extension } from '../../src/extensions/contract.ts';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LocalObjectStore, MemoryBlobDirectory } from '../../src/storage/local-store.ts';
import { toHex } from '../../src/storage/object-store.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { STORE_SETTINGS } from '../routes/sandboxes/app.ts';
import { answerOf, type Answer } from './same-answer.ts';

export const MCP_URL = 'http://test/mcp';

export const PEOPLE = {
  chaen: ['lhcb', 'lhcb_user', 'chaen'],
  lhcbadmin: ['lhcb', 'lhcb_admin', 'lhcbadmin'],
  alice: ['gridpp', 'gridpp_user', 'alice'],
  gridppadmin: ['gridpp', 'gridpp_admin', 'gridppadmin'],
  gridpppilot: ['gridpp', 'gridpp_pilot', 'gridpppilot'],
} as const satisfies Record<string, readonly [string, string, string]>;
export type Person = keyof typeof PEOPLE;

export interface SandboxWorld {
  app: TestApp;
  /** Registers and uploads random bytes as `who`; the full PFN (`SB:SandboxSE|/S3/...`). */
  upload(who: Person): Promise<string>;
  /** Submits one job as `who`, with these input sandboxes; its id. */
  submit(who: Person, inputSandbox?: readonly string[]): Promise<number>;
  /** A REST call as `who`, answered with `echoed` texts masked. */
  rest(who: Person, method: string, path: string, body: unknown, echoed?: readonly string[]): Promise<Answer>;
  /** An MCP tool call as `who`: the JSON-RPC answer's result, with `echoed` texts masked. */
  tool(who: Person, name: string, args: Record<string, unknown>, echoed?: readonly string[]): Promise<string>;
  dispose(): Promise<void>;
}

/** A PFN of `owner`'s namespace that names no sandbox, as long as a real one. */
export function missingPfn(owner: Person = 'chaen'): string {
  const [vo, group, user] = PEOPLE[owner];
  const checksum = toHex(crypto.getRandomValues(new Uint8Array(32)).buffer);
  const key = `${vo}/${group}/${user}/sha256:${checksum}.tar.zst`;
  return `SB:${STORE_SETTINGS.seName}|/S3/${STORE_SETTINGS.bucketName}/${key}`;
}

export async function createSandboxWorld(extensions: readonly Extension[] = []): Promise<SandboxWorld> {
  const store = new LocalObjectStore({
    directory: new MemoryBlobDirectory(),
    signingKey: await importSigningSecret(crypto.getRandomValues(new Uint8Array(32))),
    maxSizeBytes: STORE_SETTINGS.maxSizeBytes,
  });
  const app = await createTestApp({
    issuer: 'http://test',
    extensions,
    sandboxes: { store, settings: STORE_SETTINGS },
    mcp: {
      resourceUrl: MCP_URL,
      allowedHosts: ['test'],
      allowedOrigins: [],
      confirmThreshold: 1000,
      rateLimitPerMinute: 0,
    },
  });
  const token = (who: Person, forMcp = false): Promise<string> => {
    const [vo, group, user] = PEOPLE[who];
    return app.tokens.tokenFor(vo, group, user, forMcp ? { audience: MCP_URL } : {});
  };
  const request = async (who: Person, method: string, path: string, body: unknown): Promise<Response> =>
    app.fetch(path, {
      method,
      headers: { authorization: `Bearer ${await token(who)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async (res: Response, what: string): Promise<unknown> => {
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : null;
  };

  return {
    app,
    async upload(who) {
      const data = crypto.getRandomValues(new Uint8Array(256));
      const info = {
        checksum_algorithm: 'sha256',
        checksum: toHex(await crypto.subtle.digest('SHA-256', data)),
        size: data.byteLength,
        format: 'tar.zst',
      };
      const { pfn, url, fields } = (await json(
        await request(who, 'POST', '/api/jobs/sandbox', info),
        `register as ${who}`,
      )) as { pfn: string; url: string; fields: Record<string, string> };
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('file', new Blob([data]), 'file');
      // In process there is no HTTP client to add Content-Length, which the store requires.
      const encoded = new Request('http://test/', { method: 'POST', body: form });
      const contentType = encoded.headers.get('content-type')!;
      const body = await encoded.arrayBuffer();
      const headers = { 'content-type': contentType, 'content-length': String(body.byteLength) };
      await json(await app.fetch(new URL(url).pathname, { method: 'POST', body, headers }), `upload as ${who}`);
      return pfn;
    },
    async submit(who, inputSandbox = []) {
      const sandbox = inputSandbox.length ? `InputSandbox = {${inputSandbox.map((p) => `"${p}"`).join(', ')}};` : '';
      const jobs = (await json(
        await request(who, 'POST', '/api/jobs/jdl', [`[Executable = "echo"; ${sandbox}]`]),
        `submit as ${who}`,
      )) as { JobID: number }[];
      return jobs[0]!.JobID;
    },
    async rest(who, method, path, body, echoed = []) {
      return answerOf(await request(who, method, path, body), echoed);
    },
    async tool(who, name, args, echoed = []) {
      const res = await app.fetch('/mcp', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await token(who, true)}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
      });
      const answer = await answerOf(res, echoed);
      if (answer.status !== 200) throw new Error(`${name} as ${who}: ${answer.status} ${answer.body}`);
      return JSON.stringify((JSON.parse(answer.body) as { result: unknown }).result);
    },
    dispose: () => app.dispose(),
  };
}
