/**
 * The core tool list as a whole: its fixed order, dirac-agentic's names, argument names and
 * defaults, annotations and access declarations, JSON Schemas the SDK can publish, and that
 * every policy tool checks its declared policy before anything else (through the spy `access`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { z } from 'zod';
import { CORE_TOOLS, DIRAC_AGENTIC_TOOL_NAMES, checkToolDefs } from '../../src/tools/core.ts';
import type { ToolDef } from '../../src/tools/define.ts';
import { createToolHarness, type ToolHarness } from './context.ts';

const tool = (name: string): ToolDef => {
  const found = CORE_TOOLS.find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};
const argNames = (name: string): string[] => Object.keys(tool(name).input.shape).sort();

describe('CORE_TOOLS', () => {
  it("lists dirac-agentic's seven first, in its order, then ours", () => {
    expect(CORE_TOOLS.map((t) => t.name)).toEqual([
      ...DIRAC_AGENTIC_TOOL_NAMES,
      'whoami',
      'get_job_status_history',
      'get_job_jdl',
      'list_job_sandbox_files',
      'read_job_sandbox_file',
      'summarize_jobs',
      'show_job_monitor',
      'validate_jdl',
      'create_sandbox',
      'kill_jobs',
      'delete_jobs',
      'search_pilots',
      'get_pilot_summary',
      'get_site_status',
      'get_resource_status',
      'get_config_summary',
    ]);
  });

  it("keeps dirac-agentic's argument names (adding only optional ones)", () => {
    expect(argNames('search_jobs')).toEqual(
      expect.arrayContaining([
        'parameter',
        'operator',
        'value',
        'values',
        'extra_conditions',
        'result_fields',
        'page',
        'per_page',
      ]),
    );
    expect(argNames('get_job')).toEqual(['job_id']);
    expect(argNames('submit_job')).toEqual([
      'arguments',
      'executable',
      'input_files', // ours, optional: files sent inline
      'input_sandbox',
      'jdl_content',
      'job_name',
      'max_cpu_time',
      'memory',
      'output_sandbox',
      'site',
    ]);
    expect(argNames('get_job_status_summary')).toEqual([]);
    expect(argNames('get_job_sandboxes')).toEqual(['job_id']);
    // confirmation_token (optional): the second step of a confirmation the client cannot ask for.
    expect(argNames('set_job_statuses')).toEqual([
      'confirmation_token',
      'dry_run',
      'job_ids',
      'minor_status',
      'status',
    ]);
    expect(argNames('reschedule_jobs')).toEqual(['confirmation_token', 'dry_run', 'job_ids', 'reset_counter']);
  });

  it("applies dirac-agentic's defaults", () => {
    expect(tool('search_jobs').input.parse({ parameter: 'Status', operator: 'eq', value: 'Failed' })).toMatchObject({
      page: 1,
      per_page: 10,
    });
    expect(tool('submit_job').input.parse({ executable: 'echo' })).toMatchObject({ job_name: 'Auto-generated Job' });
    expect(tool('reschedule_jobs').input.parse({ job_ids: [1] })).toMatchObject({
      reset_counter: false,
      dry_run: false,
    });
    expect(tool('set_job_statuses').input.parse({ job_ids: [1], status: 'Killed' })).toMatchObject({ dry_run: false });
  });

  it('refuses statuses other than Killed and Deleted in set_job_statuses', () => {
    expect(tool('set_job_statuses').input.safeParse({ job_ids: [1], status: 'Running' }).success).toBe(false);
  });

  it('marks kill, delete and set_job_statuses destructive, reschedule neither destructive nor idempotent', () => {
    for (const name of ['set_job_statuses', 'kill_jobs', 'delete_jobs'])
      expect(tool(name).annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(tool('reschedule_jobs').annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(tool('submit_job').annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    // create_sandbox writes (a sandbox) but changes nothing that was there: idempotent, not destructive.
    expect(tool('create_sandbox').annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
    });
    const writers = new Set([
      'submit_job',
      'set_job_statuses',
      'kill_jobs',
      'delete_jobs',
      'reschedule_jobs',
      'create_sandbox',
    ]);
    for (const t of CORE_TOOLS.filter((t) => !writers.has(t.name))) expect(t.annotations.readOnlyHint).toBe(true);
  });

  it('declares open access only for whoami and get_config_summary', () => {
    expect(CORE_TOOLS.filter((t) => t.access.kind === 'open').map((t) => t.name)).toEqual([
      'whoami',
      'get_config_summary',
    ]);
  });

  it('has a title and an example call in every description', () => {
    for (const t of CORE_TOOLS) {
      expect(t.title.length).toBeGreaterThan(0);
      expect(t.description).toContain(`Example: ${t.name}(`);
    }
  });

  it('publishes object JSON Schemas for every input and output', () => {
    for (const t of CORE_TOOLS) {
      expect(z.toJSONSchema(t.input, { io: 'input', target: 'draft-2020-12' }).type).toBe('object');
      expect(z.toJSONSchema(t.output, { io: 'output', target: 'draft-2020-12' }).type).toBe('object');
    }
  });
});

describe('checkToolDefs', () => {
  it('refuses a duplicate name and a description without an example', () => {
    const search = tool('search_jobs');
    expect(() => checkToolDefs([search, search])).toThrow('search_jobs is defined twice');
    expect(() => checkToolDefs([{ ...search, description: 'Searches.' }])).toThrow('no "Example:" call');
  });
});

describe('policy checks', () => {
  let h: ToolHarness;
  let jobId: number;
  beforeAll(async () => {
    h = await createToolHarness();
    [jobId] = (await h.submit('owner')) as [number];
  });
  afterAll(() => h.dispose());

  const SAMPLE_ARGS: Record<string, Record<string, unknown>> = {
    search_jobs: { parameter: 'Status', operator: 'eq', value: 'Received' },
    submit_job: { executable: 'echo' },
    set_job_statuses: { job_ids: [0], status: 'Killed', dry_run: true },
    kill_jobs: { job_ids: [0], dry_run: true },
    delete_jobs: { job_ids: [0], dry_run: true },
    reschedule_jobs: { job_ids: [0], dry_run: true },
    validate_jdl: { jdl_content: '[Executable = "echo";]' },
    get_resource_status: { kind: 'storage' },
    read_job_sandbox_file: { path: 'StdErr' },
    create_sandbox: { files: [{ name: 'input.txt', content: 'x' }] },
  };
  const argsFor = (name: string): Record<string, unknown> => {
    const args = SAMPLE_ARGS[name] ?? {};
    const fill = (k: string, v: unknown): unknown => (k === 'job_ids' ? [jobId] : v);
    return Object.hasOwn(tool(name).input.shape, 'job_id')
      ? { ...args, job_id: jobId }
      : Object.fromEntries(Object.entries(args).map(([k, v]) => [k, fill(k, v)]));
  };

  it('makes every policy tool check its declared policy first, and open tools check none', async () => {
    for (const t of CORE_TOOLS) {
      const ctx = await h.context('owner');
      // A refusal after the policy passed (read_job_sandbox_file: no output sandbox) still shows the order.
      await t.run(ctx, t.input.parse(argsFor(t.name)) as never).catch((e: { code?: string }) => {
        if (e.code !== 'NOT_FOUND') throw e;
      });
      if (t.access.kind === 'policy')
        expect({ tool: t.name, policy: ctx.calls[0]?.policy }).toEqual({ tool: t.name, policy: t.access.policy.id });
      else expect({ tool: t.name, calls: ctx.calls }).toEqual({ tool: t.name, calls: [] });
    }
  });

  it('answers the owner, another user of the VO, the VO administrator and another VO as REST policies do', async () => {
    const people = ['owner', 'sameVo', 'admin', 'otherVo'] as const;
    // What each person gets for chaen's job (dry runs for the tools that write): ok or an error code.
    const OWNER_OR_ADMIN = ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN'];
    const VISIBLE_IN_VO = ['ok', 'ok', 'ok', 'NOT_FOUND'];
    const SUBMITTERS = ['ok', 'ok', 'FORBIDDEN', 'ok'];
    const EVERYONE = ['ok', 'ok', 'ok', 'ok'];
    const expected: Record<string, string[]> = {
      search_jobs: EVERYONE,
      get_job: VISIBLE_IN_VO,
      submit_job: SUBMITTERS,
      get_job_status_summary: EVERYONE,
      get_job_sandboxes: OWNER_OR_ADMIN,
      set_job_statuses: OWNER_OR_ADMIN,
      reschedule_jobs: OWNER_OR_ADMIN,
      whoami: EVERYONE,
      get_job_status_history: VISIBLE_IN_VO,
      get_job_jdl: OWNER_OR_ADMIN,
      list_job_sandbox_files: OWNER_OR_ADMIN,
      // The job has no output sandbox: who may read it is told so.
      read_job_sandbox_file: ['NOT_FOUND', 'FORBIDDEN', 'NOT_FOUND', 'FORBIDDEN'],
      summarize_jobs: EVERYONE,
      show_job_monitor: EVERYONE,
      validate_jdl: SUBMITTERS,
      create_sandbox: SUBMITTERS,
      kill_jobs: OWNER_OR_ADMIN,
      delete_jobs: OWNER_OR_ADMIN,
      search_pilots: EVERYONE,
      get_pilot_summary: EVERYONE,
      get_site_status: EVERYONE,
      get_resource_status: EVERYONE,
      get_config_summary: EVERYONE,
    };
    for (const t of CORE_TOOLS) {
      const outcomes: string[] = [];
      for (const who of people) {
        const result = await t.run(await h.context(who), t.input.parse(argsFor(t.name)) as never).then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? 'THROWN',
        );
        outcomes.push(result);
      }
      expect({ tool: t.name, outcomes }).toEqual({ tool: t.name, outcomes: expected[t.name]! });
    }
  });

  it('checks the policy before reading anything: a denied caller gets FORBIDDEN with no data read', async () => {
    const ctx = await h.context('otherVo');
    const err = await tool('kill_jobs')
      .run(ctx, tool('kill_jobs').input.parse({ job_ids: [jobId] }) as never)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FORBIDDEN' });
    expect(ctx.calls.map((c) => c.policy)).toEqual(['wms']);
  });
});
