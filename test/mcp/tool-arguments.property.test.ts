/**
 * `tools/call` through the real /mcp endpoint (in-process handler, 2025-era JSON-RPC) with
 * generated arguments (fast-check) for every tool `tools/list` names: arbitrary JSON, values
 * built from each tool's advertised input schema, and mutations of them (missing required keys,
 * wrong types, extra keys, oversized strings and arrays). The answer is always a JSON-RPC result
 * or a client error (-32602 ...), never an HTTP 5xx, -32603, an INTERNAL tool error or internal
 * text; arguments the schema refuses never run the tool (no 'tool call' audit line).
 * Destructive tools run on valid arguments: they act on throwaway jobs of the caller, and the
 * jobs of another VO are checked to be untouched at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { INTERNALS } from '../harness/leaks.ts';
import { submitJob } from '../routes/jobs/harness.ts';

const RESOURCE = 'http://mcp.test/mcp';

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}
interface Tool {
  name: string;
  inputSchema: JsonSchema;
}
interface RpcAnswer {
  status: number;
  text: string;
  body: { result?: { isError?: boolean; content?: { text?: string }[] }; error?: { code: number; message: string } };
}

let app: TestApp;
let token: string;
let tools: Tool[] = [];
let otherVoJobs: number[] = [];

async function rpc(method: string, params: unknown): Promise<RpcAnswer> {
  const res = await app.handler(
    new Request(RESOURCE, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    }),
  );
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as RpcAnswer['body'] };
}

async function statusesOf(jobIds: number[]): Promise<string[]> {
  const admin = await app.tokens.tokenFor('gridpp', 'gridpp_admin', 'gridppadmin');
  const res = await app.fetch('/api/jobs/search', {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ parameters: ['JobID', 'Status'], search: [{ parameter: 'JobID', operator: 'in', values: jobIds }] }),
  });
  return ((await res.json()) as { Status: string }[]).map((r) => r.Status);
}

beforeAll(async () => {
  app = await createTestApp({
    issuer: 'http://mcp.test',
    mcp: { resourceUrl: RESOURCE, allowedHosts: ['mcp.test'], allowedOrigins: ['http://mcp.test'], confirmThreshold: 10, rateLimitPerMinute: 0 },
  });
  token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', { audience: RESOURCE });
  for (let i = 0; i < 4; i++) await submitJob(app, 'owner');
  for (let i = 0; i < 3; i++) otherVoJobs.push(await submitJob(app, 'otherVo'));
  tools = ((await rpc('tools/list', {})).body.result as unknown as { tools: Tool[] }).tools;
});
afterAll(() => app.dispose());

const auditLines = (from: number): Record<string, unknown>[] => app.logs.slice(from).filter((l) => l.msg === 'tool call');
const serverFaults = (from: number): Record<string, unknown>[] => app.logs.slice(from).filter((l) => l.level === 'error');

/**
 * Calls `tool` with `args` and checks the contract every answer keeps; returns whether the
 * tool ran (a result) or was refused before running (a JSON-RPC error).
 */
async function callChecked(tool: string, args: unknown): Promise<'ran' | 'refused'> {
  const before = app.logs.length;
  const res = await rpc('tools/call', { name: tool, arguments: args });
  expect(res.status).toBeLessThan(500);
  expect(res.text).not.toMatch(INTERNALS);
  expect(serverFaults(before)).toEqual([]);
  if (res.body.error) {
    expect([-32700, -32600, -32601, -32602]).toContain(res.body.error.code);
    expect(auditLines(before)).toEqual([]);
    return 'refused';
  }
  expect(res.body.result).toBeDefined();
  const text = res.body.result?.content?.[0]?.text ?? '';
  if (res.body.result?.isError) expect(text).not.toMatch(/^INTERNAL/);
  const audits = auditLines(before);
  expect(audits).toHaveLength(1);
  expect(audits[0]).toMatchObject({ tool });
  return 'ran';
}

const TRICKY = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'Status', 'JobID', 'Site', 'LCG.CERN.cern', "'; drop table \"Jobs\"; --", '%', '_', '\\', '\u0000', '(', '[Executable = "x";]', 'SB:x|/S3/a', 'LFN:/lhcb/f', 'é😀'),
);
/** `extra_conditions` is JSON text: sometimes well-formed conditions, sometimes not. */
const CONDITIONS_TEXT = fc.oneof(
  fc.array(fc.record({ parameter: fc.oneof(fc.constantFrom('Status', 'JobID', 'Site', 'Owner', 'VO', 'Nope'), TRICKY), operator: fc.oneof(fc.constantFrom('eq', 'in', 'like', 'regex', 'gt'), TRICKY), value: fc.oneof(TRICKY, fc.integer()), values: fc.array(fc.oneof(TRICKY, fc.integer()), { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 3 }).map((c) => JSON.stringify(c)),
  fc.constantFrom('[', '{}', 'null', '[1]', '"x"'),
);

/** Values a JSON Schema accepts (mostly: constraints the generator does not model are the server's to check). */
function fromSchema(schema: JsonSchema, name = ''): fc.Arbitrary<unknown> {
  if (name === 'extra_conditions') return fc.oneof(CONDITIONS_TEXT, fc.constant(null));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fromSchema(s, name)));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'integer': {
          const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
          const max = Math.min(schema.maximum ?? 2 ** 31 - 1, 2 ** 31 - 1);
          // Mostly small: job ids of the seeded jobs, pages that exist.
          return fc.oneof(fc.integer({ min, max: Math.max(min, Math.min(max, 12)) }), fc.integer({ min, max }));
        }
        case 'number':
          return fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(fromSchema(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
        case 'object':
          return fc.dictionary(fc.string({ maxLength: 5 }), TRICKY, { maxKeys: 2 });
        default:
          return fc.oneof(TRICKY, fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) }));
      }
    }),
  );
}

/** An arguments object: the required keys and any of the optional ones. */
function argumentsFor(tool: Tool): fc.Arbitrary<Record<string, unknown>> {
  const properties = tool.inputSchema.properties ?? {};
  const shape = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, fromSchema(s, key)]));
  return fc.record(shape, { requiredKeys: tool.inputSchema.required ?? [] }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A JSON value of another kind than `type`: never valid for a property with that one type. */
function wrongKind(type: string): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 5 }),
    integer: fc.integer(),
    boolean: fc.boolean(),
    array: fc.array(fc.integer(), { maxLength: 2 }),
    object: fc.constant({ a: 1 }),
    null: fc.constant(null),
  };
  const others = Object.entries(all).filter(([kind]) => kind !== type && !(type === 'number' && kind === 'integer')).map(([, arb]) => arb);
  return type === 'integer' ? fc.oneof(fc.constant(1.5), ...others) : fc.oneof(...others);
}

/** Arguments the tool's schema must refuse, built from a valid-looking object. */
function invalidArgumentsFor(tool: Tool): fc.Arbitrary<unknown> {
  const properties = tool.inputSchema.properties ?? {};
  const required = tool.inputSchema.required ?? [];
  const mutations: fc.Arbitrary<unknown>[] = [fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.jsonValue(), { maxLength: 2 }))];
  if (required.length > 0) {
    mutations.push(fc.tuple(argumentsFor(tool), fc.constantFrom(...required)).map(([args, key]) => {
      const { [key]: _dropped, ...rest } = args;
      return rest;
    }));
  }
  for (const [key, schema] of Object.entries(properties)) {
    if (typeof schema.type === 'string' && !schema.anyOf) {
      mutations.push(fc.tuple(argumentsFor(tool), wrongKind(schema.type)).map(([args, value]) => ({ ...args, [key]: value })));
    }
    const lengthLimit = schema.maxLength ?? schema.anyOf?.find((s) => s.maxLength !== undefined)?.maxLength;
    if (lengthLimit !== undefined) mutations.push(argumentsFor(tool).map((args) => ({ ...args, [key]: 'x'.repeat(lengthLimit + 1) })));
    if (schema.maxItems !== undefined) mutations.push(argumentsFor(tool).map((args) => ({ ...args, [key]: Array.from({ length: 10_000 }, (_, i) => i + 1) })));
  }
  return fc.oneof(...mutations);
}

/** Valid-looking arguments with extra keys, oversized strings or arrays: anything may happen, but within the contract. */
function stretchedArgumentsFor(tool: Tool): fc.Arbitrary<unknown> {
  return fc.tuple(argumentsFor(tool), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), fc.nat({ max: 2 })).map(([args, extra, stretch]) => {
    const out: Record<string, unknown> = { ...extra, ...args };
    if (stretch === 1) for (const [key, value] of Object.entries(out)) if (typeof value === 'string') out[key] = value.padEnd(100_000, 'y');
    if (stretch === 2) for (const [key, value] of Object.entries(out)) if (Array.isArray(value)) out[key] = Array.from({ length: 5_000 }, () => value[0] ?? 'z');
    return out;
  });
}

// Bounded: a slow machine runs fewer cases (a failure found is still reported, shrunk so far).
const RUNS = { numRuns: 150, interruptAfterTimeLimit: 25_000 };
const toolArb = (): fc.Arbitrary<Tool> => fc.constantFrom(...tools);

describe('tools/call with generated arguments', () => {
  it('lists tools to call', () => {
    expect(tools.length).toBeGreaterThan(10);
  });

  it('answers arbitrary JSON arguments with a result or a client error, never an internal one', async () => {
    await fc.assert(fc.asyncProperty(toolArb(), fc.jsonValue({ maxDepth: 3 }), async (tool, args) => void (await callChecked(tool.name, args))), RUNS);
  });

  it('runs each tool on arguments built from its schema within the contract', async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(toolArb().chain((tool) => fc.tuple(fc.constant(tool), argumentsFor(tool))), async ([tool, args]) => {
        if ((await callChecked(tool.name, args)) === 'ran') ran++;
      }),
      RUNS,
    );
    expect(ran).toBeGreaterThan(20);
  });

  it('refuses arguments its schema forbids with -32602, and does not run the tool', async () => {
    await fc.assert(
      fc.asyncProperty(
        toolArb().chain((tool) => fc.tuple(fc.constant(tool), invalidArgumentsFor(tool))),
        async ([tool, args]) => {
          expect(await callChecked(tool.name, args)).toBe('refused');
        },
      ),
      RUNS,
    );
  });

  it('keeps the contract with extra keys, huge strings and huge arrays', async () => {
    await fc.assert(fc.asyncProperty(toolArb().chain((tool) => fc.tuple(fc.constant(tool), stretchedArgumentsFor(tool))), async ([tool, args]) => void (await callChecked(tool.name, args))), { ...RUNS, numRuns: 60 });
  });

  it('never changed the jobs of another VO', async () => {
    expect(await statusesOf(otherVoJobs)).toEqual(otherVoJobs.map(() => 'Received'));
  });
});
