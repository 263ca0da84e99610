/**
 * `tools/call` through the real /mcp endpoint (in-process handler) with generated arguments
 * (fast-check) for every tool `tools/list` names, on both legs of /mcp: 2025-era JSON-RPC and
 * 2026-07-28 requests (standard headers and the per-request `_meta` envelope, declaring
 * elicitation or not). Arguments are arbitrary JSON, values built from each tool's advertised
 * input schema, and mutations of them (missing required keys, wrong types, extra keys, oversized
 * strings and arrays). The answer is always a JSON-RPC result or a client error (-32602 ...),
 * never an HTTP 5xx, -32603, an INTERNAL tool error or internal text; arguments the schema
 * refuses never run the tool (no 'tool call' audit line). Destructive tools run on valid
 * arguments: they act on throwaway jobs of the caller; a 2026-07-28 call that answers
 * `input_required` (a confirmation to ask) has changed none of the jobs it names, a call above
 * the confirmation threshold from a client that cannot be asked answers a preview and changes
 * none either, and the jobs of another VO are checked to be untouched at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  type ClientCapabilities,
} from '@modelcontextprotocol/client';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { INTERNALS } from '../harness/leaks.ts';
import { runs } from '../harness/property.ts';
import { call, submitJob } from '../routes/jobs/harness.ts';

const RESOURCE = 'http://mcp.test/mcp';
/** Destructive calls naming more jobs than this ask for confirmation (when the client can be asked). */
const CONFIRM_THRESHOLD = 2;

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
  annotations?: { readOnlyHint?: boolean };
}
interface RpcAnswer {
  status: number;
  text: string;
  body: {
    result?: {
      resultType?: string;
      inputRequests?: Record<string, { method?: string }>;
      isError?: boolean;
      content?: { text?: string }[];
    };
    error?: { code: number; message: string };
  };
}

/** One way of speaking to /mcp: how a request for `method` is dressed on the wire. */
interface Leg {
  name: string;
  /** What the client declares it can do (2026-07-28: in every request's envelope; 2025-era: nothing per request). */
  capabilities: fc.Arbitrary<ClientCapabilities | undefined>;
  /** The `resultType` of a finished call's result: 2026-07-28 marks it, older revisions have no such field. */
  completeResultType: string | undefined;
  request(
    method: string,
    params: Record<string, unknown>,
    capabilities: ClientCapabilities | undefined,
  ): { headers: Record<string, string>; params: Record<string, unknown> };
}

const LEGACY_LEG: Leg = {
  name: '2025-era JSON-RPC',
  capabilities: fc.constant(undefined),
  completeResultType: undefined,
  request: (_method, params) => ({ headers: {}, params }),
};

/**
 * A 2026-07-28 request as the v2 client (`@modelcontextprotocol/client` pinned to 2026-07-28)
 * sends it: `MCP-Protocol-Version`, `Mcp-Method` and, for `tools/call`, `Mcp-Name` mirroring
 * `params.name` (SEP-2243), and the envelope in `params._meta` (protocol version and client
 * capabilities are required, client info is a SHOULD).
 */
const MODERN_LEG: Leg = {
  name: '2026-07-28 with the per-request envelope',
  capabilities: fc.constantFrom<ClientCapabilities>({}, { elicitation: { form: {} } }),
  completeResultType: 'complete',
  request: (method, params, capabilities) => ({
    headers: {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(typeof params.name === 'string' ? { 'mcp-name': params.name } : {}),
    },
    params: {
      ...params,
      _meta: {
        [PROTOCOL_VERSION_META_KEY]: '2026-07-28',
        [CLIENT_INFO_META_KEY]: { name: 'property-test', version: '1.0.0' },
        [CLIENT_CAPABILITIES_META_KEY]: capabilities ?? {},
      },
    },
  }),
};

/** One leg's server and seeded jobs. */
interface Fixture {
  leg: Leg;
  app: TestApp;
  token: string;
  tools: Tool[];
  /** Jobs of the caller that destructive calls may change. */
  throwaway: number[];
  otherVoJobs: number[];
}

async function rpc(
  fx: Fixture,
  method: string,
  params: Record<string, unknown>,
  capabilities?: ClientCapabilities,
): Promise<RpcAnswer> {
  const dressed = fx.leg.request(method, params, capabilities);
  const res = await fx.app.handler(
    new Request(RESOURCE, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fx.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...dressed.headers,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: dressed.params }),
    }),
  );
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as RpcAnswer['body'] };
}

async function statusesOf(fx: Fixture, jobIds: number[]): Promise<string[]> {
  const admin = await fx.app.tokens.tokenFor('gridpp', 'gridpp_admin', 'gridppadmin');
  const res = await fx.app.fetch('/api/jobs/search', {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      parameters: ['JobID', 'Status'],
      search: [{ parameter: 'JobID', operator: 'in', values: jobIds }],
    }),
  });
  return ((await res.json()) as { Status: string }[]).map((r) => r.Status);
}

/** The caller's view of the jobs `args.job_ids` names (what a destructive call could change). */
async function namedJobs(fx: Fixture, args: unknown): Promise<unknown> {
  const named =
    typeof args === 'object' && args !== null && 'job_ids' in args && Array.isArray(args.job_ids) ? args.job_ids : [];
  const ids = [...new Set(named.filter((id): id is number => Number.isSafeInteger(id)))].slice(0, 100);
  if (ids.length === 0) return [];
  const res = await call(fx.app, 'owner', 'POST', '/api/jobs/search', {
    parameters: ['JobID', 'Status', 'MinorStatus', 'RescheduleCounter'],
    search: [{ parameter: 'JobID', operator: 'in', values: ids }],
    sort: [{ parameter: 'JobID', direction: 'asc' }],
  });
  expect(res.status).toBeLessThan(300);
  return res.body;
}

const auditLines = (fx: Fixture, from: number): Record<string, unknown>[] =>
  fx.app.logs.slice(from).filter((l) => l.msg === 'tool call');
const serverFaults = (fx: Fixture, from: number): Record<string, unknown>[] =>
  fx.app.logs.slice(from).filter((l) => l.level === 'error');

/**
 * Calls `tool` with `args` and checks the contract every answer keeps; returns whether the
 * tool ran (a result), was refused before running (a JSON-RPC error), or stopped to ask for a
 * confirmation (`input_required`, 2026-07-28 with elicitation only) having changed nothing.
 */
async function callChecked(
  fx: Fixture,
  tool: Tool,
  args: unknown,
  capabilities?: ClientCapabilities,
): Promise<'ran' | 'refused' | 'asked'> {
  const before = fx.app.logs.length;
  const mayAsk = capabilities?.elicitation !== undefined && tool.annotations?.readOnlyHint !== true;
  const jobsBefore = mayAsk ? await namedJobs(fx, args) : undefined;
  const res = await rpc(fx, 'tools/call', { name: tool.name, arguments: args }, capabilities);
  expect(res.status).toBeLessThan(500);
  expect(res.text).not.toMatch(INTERNALS);
  expect(serverFaults(fx, before)).toEqual([]);
  if (res.body.error) {
    expect([-32700, -32600, -32601, -32602]).toContain(res.body.error.code);
    expect(auditLines(fx, before)).toEqual([]);
    return 'refused';
  }
  expect(res.body.result).toBeDefined();
  const audits = auditLines(fx, before);
  expect(audits).toHaveLength(1);
  expect(audits[0]).toMatchObject({ tool: tool.name });
  if (res.body.result?.resultType === 'input_required') {
    expect(mayAsk).toBe(true);
    expect(res.body.result.inputRequests?.confirm).toMatchObject({ method: 'elicitation/create' });
    expect(audits[0]).toMatchObject({ outcome: 'input_required' });
    expect(await namedJobs(fx, args)).toEqual(jobsBefore);
    return 'asked';
  }
  // Which leg answered: a 2026-07-28 request must not fall back to the 2025-era one.
  expect(res.body.result?.resultType).toBe(fx.leg.completeResultType);
  const text = res.body.result?.content?.[0]?.text ?? '';
  if (res.body.result?.isError) expect(text).not.toMatch(/^INTERNAL/);
  return 'ran';
}

const TRICKY = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '',
    'Status',
    'JobID',
    'Site',
    'LCG.CERN.cern',
    '\'; drop table "Jobs"; --',
    '%',
    '_',
    '\\',
    '\u0000',
    '(',
    '[Executable = "x";]',
    'SB:x|/S3/a',
    'LFN:/lhcb/f',
    'é😀',
  ),
);
/** `extra_conditions` is JSON text: sometimes well-formed conditions, sometimes not. */
const CONDITIONS_TEXT = fc.oneof(
  fc
    .array(
      fc.record(
        {
          parameter: fc.oneof(fc.constantFrom('Status', 'JobID', 'Site', 'Owner', 'VO', 'Nope'), TRICKY),
          operator: fc.oneof(fc.constantFrom('eq', 'in', 'like', 'regex', 'gt'), TRICKY),
          value: fc.oneof(TRICKY, fc.integer()),
          values: fc.array(fc.oneof(TRICKY, fc.integer()), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    )
    .map((c) => JSON.stringify(c)),
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
          return fc.array(fromSchema(schema.items ?? {}), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.min(schema.maxItems ?? 5, 5),
          });
        case 'object':
          return fc.dictionary(fc.string({ maxLength: 5 }), TRICKY, { maxKeys: 2 });
        default:
          return fc.oneof(
            TRICKY,
            fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) }),
          );
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
  const others = Object.entries(all)
    .filter(([kind]) => kind !== type && !(type === 'number' && kind === 'integer'))
    .map(([, arb]) => arb);
  return type === 'integer' ? fc.oneof(fc.constant(1.5), ...others) : fc.oneof(...others);
}

/** Arguments the tool's schema must refuse, built from a valid-looking object. */
function invalidArgumentsFor(tool: Tool): fc.Arbitrary<unknown> {
  const properties = tool.inputSchema.properties ?? {};
  const required = tool.inputSchema.required ?? [];
  const mutations: fc.Arbitrary<unknown>[] = [
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.jsonValue(), { maxLength: 2 })),
  ];
  if (required.length > 0) {
    mutations.push(
      fc.tuple(argumentsFor(tool), fc.constantFrom(...required)).map(([args, key]) => {
        const { [key]: _dropped, ...rest } = args;
        return rest;
      }),
    );
  }
  for (const [key, schema] of Object.entries(properties)) {
    if (typeof schema.type === 'string' && !schema.anyOf) {
      mutations.push(
        fc.tuple(argumentsFor(tool), wrongKind(schema.type)).map(([args, value]) => ({ ...args, [key]: value })),
      );
    }
    const lengthLimit = schema.maxLength ?? schema.anyOf?.find((s) => s.maxLength !== undefined)?.maxLength;
    if (lengthLimit !== undefined)
      mutations.push(argumentsFor(tool).map((args) => ({ ...args, [key]: 'x'.repeat(lengthLimit + 1) })));
    if (schema.maxItems !== undefined)
      mutations.push(
        argumentsFor(tool).map((args) => ({ ...args, [key]: Array.from({ length: 10_000 }, (_, i) => i + 1) })),
      );
  }
  return fc.oneof(...mutations);
}

/**
 * Valid-looking arguments with extra keys, oversized strings or arrays: anything may happen, but
 * within the contract.
 */
function stretchedArgumentsFor(tool: Tool): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      argumentsFor(tool),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
      fc.nat({ max: 2 }),
    )
    .map(([args, extra, stretch]) => {
      const out: Record<string, unknown> = { ...extra, ...args };
      if (stretch === 1)
        for (const [key, value] of Object.entries(out))
          if (typeof value === 'string') out[key] = value.padEnd(100_000, 'y');
      if (stretch === 2)
        for (const [key, value] of Object.entries(out))
          if (Array.isArray(value)) out[key] = Array.from({ length: 5_000 }, () => value[0] ?? 'z');
      return out;
    });
}

// Each property runs its count of cases; one that has not finished them in 25 s fails.
const TIME_LIMIT_MS = 25_000;
const RUNS = runs(150, TIME_LIMIT_MS);

/** The properties, on one leg of /mcp with a server of its own. */
function describeLeg(leg: Leg): void {
  describe(`tools/call with generated arguments (${leg.name})`, () => {
    let fx!: Fixture; // set by beforeAll, before any property is built
    const toolArb = (): fc.Arbitrary<Tool> => fc.constantFrom(...fx.tools);
    const check = (
      tool: Tool,
      args: unknown,
      capabilities: ClientCapabilities | undefined,
    ): Promise<'ran' | 'refused' | 'asked'> => callChecked(fx, tool, args, capabilities);

    beforeAll(async () => {
      const app = await createTestApp({
        issuer: 'http://mcp.test',
        mcp: {
          resourceUrl: RESOURCE,
          allowedHosts: ['mcp.test'],
          allowedOrigins: ['http://mcp.test'],
          confirmThreshold: CONFIRM_THRESHOLD,
          rateLimitPerMinute: 0,
        },
      });
      const token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', { audience: RESOURCE });
      fx = { leg, app, token, tools: [], throwaway: [], otherVoJobs: [] };
      for (let i = 0; i < 4; i++) fx.throwaway.push(await submitJob(fx.app, 'owner'));
      for (let i = 0; i < 3; i++) fx.otherVoJobs.push(await submitJob(fx.app, 'otherVo'));
      fx.tools = ((await rpc(fx, 'tools/list', {}, {})).body.result as unknown as { tools: Tool[] }).tools;
    });
    afterAll(() => fx.app.dispose());

    it('lists tools to call', () => {
      expect(fx.tools.length).toBeGreaterThan(10);
    });

    it('answers arbitrary JSON arguments with a result or a client error, never an internal one', async () => {
      await fc.assert(
        fc.asyncProperty(
          toolArb(),
          fc.jsonValue({ maxDepth: 3 }),
          leg.capabilities,
          async (tool, args, caps) => void (await check(tool, args, caps)),
        ),
        RUNS,
      );
    });

    it('runs each tool on arguments built from its schema within the contract', async () => {
      let ran = 0;
      await fc.assert(
        fc.asyncProperty(
          toolArb().chain((tool) => fc.tuple(fc.constant(tool), argumentsFor(tool))),
          leg.capabilities,
          async ([tool, args], caps) => {
            if ((await check(tool, args, caps)) !== 'refused') ran++;
          },
        ),
        RUNS,
      );
      expect(ran).toBeGreaterThan(20);
    });

    it('refuses arguments its schema forbids with -32602, and does not run the tool', async () => {
      await fc.assert(
        fc.asyncProperty(
          toolArb().chain((tool) => fc.tuple(fc.constant(tool), invalidArgumentsFor(tool))),
          leg.capabilities,
          async ([tool, args], caps) => {
            expect(await check(tool, args, caps)).toBe('refused');
          },
        ),
        RUNS,
      );
    });

    it('keeps the contract with extra keys, huge strings and huge arrays', async () => {
      await fc.assert(
        fc.asyncProperty(
          toolArb().chain((tool) => fc.tuple(fc.constant(tool), stretchedArgumentsFor(tool))),
          leg.capabilities,
          async ([tool, args], caps) => void (await check(tool, args, caps)),
        ),
        runs(60, TIME_LIMIT_MS),
      );
    });

    it('changes none of more jobs than the confirmation threshold unconfirmed: asks or answers a preview', async () => {
      const writers = fx.tools.filter(
        (t) => t.annotations?.readOnlyHint !== true && t.inputSchema.properties?.job_ids !== undefined,
      );
      expect(writers.length).toBeGreaterThanOrEqual(4);
      const outcomes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...writers)
            .chain((tool) =>
              fc.tuple(
                fc.constant(tool),
                argumentsFor(tool),
                fc.subarray(fx.throwaway, { minLength: CONFIRM_THRESHOLD + 1 }),
              ),
            ),
          leg.capabilities,
          async ([tool, args, jobIds], caps) => {
            const { confirmation_token: _token, ...unconfirmed } = args;
            const call = { ...unconfirmed, job_ids: jobIds, dry_run: false };
            const before = await namedJobs(fx, call);
            const outcome = await check(tool, call, caps);
            outcomes.add(outcome);
            expect(outcome).toBe(caps?.elicitation ? 'asked' : 'ran');
            // 'ran' is the two-step protocol's first step: a preview, nothing changed.
            expect(await namedJobs(fx, call)).toEqual(before);
          },
        ),
        runs(40, TIME_LIMIT_MS),
      );
      expect([...outcomes].sort()).toEqual(leg === MODERN_LEG ? ['asked', 'ran'] : ['ran']);
    });

    it('never changed the jobs of another VO', async () => {
      expect(await statusesOf(fx, fx.otherVoJobs)).toEqual(fx.otherVoJobs.map(() => 'Received'));
    });
  });
}

describeLeg(LEGACY_LEG);
describeLeg(MODERN_LEG);
