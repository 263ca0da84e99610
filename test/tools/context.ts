/**
 * Shared fixture of the tool tests: `createTestApp()` (its database, configuration, policy
 * registry and REST handler) with an in-memory sandbox store, and a `ToolContext` per person
 * whose `access` records every policy check before running the real policy (the spy), whose
 * `confirm` answers as told and records what it was asked, and which carries the sandbox store.
 */
import type { z } from 'zod';
import type { AuthedUser } from '../../src/core/user.ts';
import type { JobStatus } from '../../src/logic/jobs/job-status.ts';
import { submitJdlJobs } from '../../src/logic/jobs/submit.ts';
import { setJobStatuses } from '../../src/logic/jobs/set-status.ts';
import type { SandboxDeps, SandboxStoreSettings } from '../../src/logic/sandboxes/models.ts';
import { initiateSandboxUpload } from '../../src/logic/sandboxes/upload.ts';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LocalObjectStore, MemoryBlobDirectory } from '../../src/storage/local-store.ts';
import { toHex } from '../../src/storage/object-store.ts';
import type { ConfirmationOutcome, ConfirmationRequest, ToolContext, ToolDef } from '../../src/tools/define.ts';
import { createCallContext } from '../../src/wire/call-context.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

/** The people of the shipped configuration, by their relation to chaen's jobs. */
export const PEOPLE = {
  owner: ['lhcb', 'lhcb_user', 'chaen'],
  sameVo: ['lhcb', 'lhcb_user', 'albdr'],
  prmgr: ['lhcb', 'lhcb_prmgr', 'chaen'],
  admin: ['lhcb', 'lhcb_admin', 'lhcbadmin'],
  otherVo: ['gridpp', 'gridpp_user', 'alice'],
  otherVoAdmin: ['gridpp', 'gridpp_admin', 'gridppadmin'],
  pilot: ['lhcb', 'lhcb_pilot', 'lhcbpilot'],
} as const satisfies Record<string, readonly [string, string, string]>;
export type Person = keyof typeof PEOPLE;

export const STORE: SandboxStoreSettings = {
  bucketName: 'sandboxes',
  seName: 'SandboxSE',
  urlValiditySeconds: 300,
  maxSizeBytes: 1024 * 1024,
};

export interface PolicyCall {
  policy: string;
  args: unknown;
}

/** How the test's confirmer answers: as the person would, or as for a client that cannot ask. */
export type ConfirmAnswer = 'accepted' | 'declined' | 'preview';

/** The token the test's confirmer hands out for a preview. */
export const PREVIEW_TOKEN = 'preview-token-of-the-test';

export interface TestToolContext extends ToolContext {
  /** Every policy check, in order, made through `access`. */
  readonly calls: PolicyCall[];
  /** Every confirmation message shown. */
  readonly confirmations: string[];
  /** Every confirmation asked for, with the state it was bound to. */
  readonly confirmationRequests: ConfirmationRequest[];
}

export interface ContextOptions {
  confirm?: ConfirmAnswer;
  confirmThreshold?: number;
  /** Largest total size of inline files (default 10 MiB). */
  inlineFilesMaxBytes?: number;
  now?: () => Date;
}

export interface ToolHarness {
  app: TestApp;
  sandboxes: SandboxDeps;
  user(who: Person): Promise<AuthedUser>;
  context(who: Person, options?: ContextOptions): Promise<TestToolContext>;
  /** A JSON call to the REST API as `who`. */
  rest(who: Person, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Submits JDLs as `who` through the submission logic; returns the job ids. */
  submit(who: Person, jdls?: string[]): Promise<number[]>;
  /** Forces a status on jobs (as a pilot would have set it), bypassing the state machine. */
  forceStatus(jobIds: readonly number[], status: JobStatus, minorStatus?: string): Promise<void>;
  /** Registers and uploads a small sandbox as `who`; returns its full PFN. */
  uploadSandbox(who: Person): Promise<string>;
  dispose(): Promise<void>;
}

export async function createToolHarness(): Promise<ToolHarness> {
  const directory = new MemoryBlobDirectory();
  const signingKey = await importSigningSecret(crypto.getRandomValues(new Uint8Array(32)));
  const store = new LocalObjectStore({ directory, signingKey, maxSizeBytes: STORE.maxSizeBytes });
  const sandboxes: SandboxDeps = { store, settings: STORE };
  const app = await createTestApp({ sandboxes });
  const users = new Map<Person, AuthedUser>();
  let clock = Date.now();
  // The real clock, strictly increasing: REST calls in the same test use the real clock too.
  const tick = (): Date => {
    clock = Math.max(clock + 1, Date.now());
    return new Date(clock);
  };

  const user = async (who: Person): Promise<AuthedUser> => {
    const known = users.get(who);
    if (known) return known;
    const [vo, group, name] = PEOPLE[who];
    const verified = await app.tokens.auth.verifier(await app.tokens.tokenFor(vo, group, name));
    users.set(who, verified);
    return verified;
  };

  const context = async (who: Person, options: ContextOptions = {}): Promise<TestToolContext> => {
    const calls: PolicyCall[] = [];
    const confirmations: string[] = [];
    const confirmationRequests: ConfirmationRequest[] = [];
    // The context the MCP endpoint builds (`wire/call-context`), on this test's clock and store.
    const call = createCallContext(
      { ...app.apiDeps, now: options.now ?? tick, sandboxes },
      await user(who),
      'http://test',
    );
    return {
      ...call,
      confirmThreshold: options.confirmThreshold ?? 10,
      inlineFilesMaxBytes: options.inlineFilesMaxBytes ?? 10 * 1024 * 1024,
      confirm: async (request): Promise<ConfirmationOutcome> => {
        confirmations.push(request.message);
        confirmationRequests.push(request);
        const answer = options.confirm ?? 'preview';
        if (answer === 'preview')
          return { kind: 'preview', token: PREVIEW_TOKEN, expiresAt: new Date(Date.now() + 300_000).toISOString() };
        return { kind: answer === 'accepted' ? 'confirmed' : 'declined' };
      },
      access: {
        async check(policy, args) {
          calls.push({ policy: policy.id, args });
          await call.access.check(policy, args);
        },
        get called() {
          return call.access.called;
        },
      },
      calls,
      confirmations,
      confirmationRequests,
    };
  };

  return {
    app,
    sandboxes,
    user,
    context,
    async rest(who, method, path, body) {
      const [vo, group, name] = PEOPLE[who];
      const headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${await app.tokens.tokenFor(vo, group, name)}`,
      };
      const res = await app.fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async submit(who, jdls = ['[Executable = "echo"; Arguments = "hello";]']) {
      const inserted = await submitJdlJobs(
        { database: app.database, config: app.config.current().config, user: await user(who), now: tick },
        jdls,
      );
      return inserted.map((j) => j.JobID);
    },
    async forceStatus(jobIds, status, minorStatus = 'set by the test') {
      const at = tick().toISOString();
      const body = Object.fromEntries(
        jobIds.map((id) => [id, { [at]: { Status: status, MinorStatus: minorStatus, Source: 'Test' } }]),
      );
      await setJobStatuses({ database: app.database, now: tick }, body, true);
    },
    async uploadSandbox(who) {
      const data = crypto.getRandomValues(new Uint8Array(64));
      const checksum = toHex(await crypto.subtle.digest('SHA-256', data));
      const ctx = {
        ...sandboxes,
        database: app.database,
        user: await user(who),
        now: () => new Date(),
        origin: 'http://test',
      };
      const res = await initiateSandboxUpload(ctx, {
        checksum_algorithm: 'sha256',
        checksum,
        size: data.length,
        format: 'tar.bz2',
      });
      if (res.url) await store.receiveUpload(res.fields, new Blob([data]));
      return res.pfn;
    },
    dispose: () => app.dispose(),
  };
}

/**
 * Runs `tool` as the MCP layer would: arguments through the input schema, then the result
 * checked against the output schema (it becomes `structuredContent`) and for JSON safety.
 */
export async function runTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDef<I, O>,
  ctx: ToolContext,
  args: z.input<I>,
): Promise<z.output<O>> {
  const result = await tool.run(ctx, tool.input.parse(args));
  tool.output.parse(result);
  if (!Bun.deepEquals(JSON.parse(JSON.stringify(result)), result))
    throw new Error(`${tool.name} result is not JSON-safe`);
  return result;
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const outcome = await promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error('expected a rejection');
  return outcome.error as { code: string; message: string };
}
