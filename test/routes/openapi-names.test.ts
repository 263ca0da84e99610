/**
 * /api/openapi.json reads like DiracX 0.7.0's document to a client generator. Compared with the
 * names of 0.7.0's document (test/fixtures/diracx-0.7.0-openapi-names.json, reduced from it by
 * ./openapi-names/extract.ts, which reduces ours here the same way): every operation both serve
 * has DiracX's operationId and tags, its parameters (names and types) and the named components
 * of its bodies and the headers of its responses; every component those reach is one of ours
 * under DiracX's name, with DiracX's properties and values. What only one side has is listed
 * here, each with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../harness/app.ts';
import fixture from '../fixtures/diracx-0.7.0-openapi-names.json';
import {
  closureOf,
  extractOpenApiNames,
  type OpenApiDocument,
  type OpenApiNames,
  type OperationNames,
} from './openapi-names/extract.ts';

const diracx = fixture as OpenApiNames;

/** Operations of DiracX 0.7.0 that we do not serve: none (the resource status ones included). */
const DIRACX_ONLY: Record<string, string> = {};

/** Operations we serve that DiracX 0.7.0 does not. */
const OURS_ONLY: Record<string, string> = {
  'GET /.well-known/oauth-protected-resource': 'RFC 9728 metadata, for MCP hosts',
  'GET /.well-known/oauth-protected-resource/mcp': 'RFC 9728 metadata of the MCP endpoint',
  'GET /.well-known/oauth-authorization-server': 'RFC 8414 metadata, for MCP hosts',
  'GET /api/auth/authorize/vo': 'the VO choice page of our authorization flow (MCP hosts do not say the VO)',
  'POST /api/auth/authorize/consent': 'the consent page of our authorization flow (third-party MCP clients)',
  'POST /api/auth/register': 'RFC 7591 dynamic client registration, for MCP hosts',
  'GET /api/auth/legacy-exchange': 'DiracX serves it outside its document (include_in_schema=False); we document it',
  'POST /api/jobs/sandbox/local-store/upload': 'the sandbox store on local disk (DiracX has S3 only)',
  'GET /api/jobs/sandbox/local-store/download': 'the sandbox store on local disk (DiracX has S3 only)',
};

/** Parameters of shared operations that only we take. */
const OUR_EXTRA_PARAMETERS: Record<string, string[]> = {
  // RFC 8707: the audience of the token (the REST API or /mcp), for MCP hosts.
  'POST /api/auth/device': ['query:resource:string'],
  'GET /api/auth/authorize': ['query:resource:string'],
};

/** Responses DiracX documents that we document under another status, per operation. */
const OTHER_STATUSES: Record<string, Record<string, string>> = {
  // Both servers answer these with a redirect; FastAPI documents its default 200, we the 307.
  'GET /api/auth/device': { '200': '307' },
  'GET /api/auth/device/complete': { '200': '307' },
  'GET /api/auth/authorize': { '200': '307' },
};

/** Components of DiracX that we do not have, and why. */
const DIRACX_ONLY_COMPONENTS: Record<string, string> = {
  // DiracX removes the 422 responses from its document (for AutoRest) but keeps their models.
  HTTPValidationError: 'referred to by no operation of DiracX',
  ValidationError: 'referred to by no operation of DiracX',
};

/** Components whose references differ from DiracX's: component → the references only DiracX has. */
const OTHER_COMPONENT_REFS: Record<string, string[]> = {
  // A job's status as stored: an update without `Status` echoes it, and a stored status need
  // not be one of JobStatus's values, so ours documents a string.
  SetJobStatusReturnSuccess: ['JobStatus'],
};

let app: TestApp;
let ours: OpenApiNames;
let shared: string[];
beforeAll(async () => {
  app = await createTestApp();
  ours = extractOpenApiNames((await (await app.fetch('/api/openapi.json')).json()) as OpenApiDocument);
  shared = Object.keys(diracx.operations).filter((key) => key in ours.operations);
});
afterAll(() => app.dispose());

/** `fn(key, theirs, ours)` for each shared operation; the mismatches it returns, labelled. */
function mismatches(fn: (key: string, theirs: OperationNames, mine: OperationNames) => unknown[]): string[] {
  return shared.flatMap((key) =>
    fn(key, diracx.operations[key]!, ours.operations[key]!).map((m) => `${key}: ${JSON.stringify(m)}`),
  );
}

describe('the operations of /api/openapi.json and of DiracX 0.7.0', () => {
  it('differ only by those listed, with a reason', () => {
    const diracxOnly = Object.keys(diracx.operations).filter((key) => !(key in ours.operations));
    const oursOnly = Object.keys(ours.operations).filter((key) => !(key in diracx.operations));
    expect(diracxOnly.sort()).toEqual(Object.keys(DIRACX_ONLY).sort());
    expect(oursOnly.sort()).toEqual(Object.keys(OURS_ONLY).sort());
    expect(shared.length).toBeGreaterThan(30);
  });

  it("have DiracX's operation ids and tags (the `.well-known` ones included)", () => {
    const differ = mismatches((_, theirs, mine) =>
      theirs.operationId === mine.operationId && Bun.deepEquals(theirs.tags, mine.tags)
        ? []
        : [{ diracx: [theirs.operationId, theirs.tags], ours: [mine.operationId, mine.tags] }],
    );
    expect(differ).toEqual([]);
    expect(ours.operations['GET /.well-known/openid-configuration']).toMatchObject({
      operationId: '.well-known_get_openid_configuration',
      tags: ['.well-known'],
    });
  });

  it("take DiracX's parameters, with the same names and types (force and reset_jobs are booleans)", () => {
    const differ = mismatches((key, theirs, mine) => {
      const extra = OUR_EXTRA_PARAMETERS[key] ?? [];
      const expected = [...theirs.parameters, ...extra].sort();
      return Bun.deepEquals(mine.parameters, expected) ? [] : [{ diracx: expected, ours: mine.parameters }];
    });
    expect(differ).toEqual([]);
    expect(ours.operations['PATCH /api/jobs/status']?.parameters).toEqual(['query:force:boolean']);
    expect(ours.operations['POST /api/jobs/reschedule']?.parameters).toEqual(['query:reset_jobs:boolean']);
  });

  it("refer to DiracX's named components in their request bodies", () => {
    const differ = mismatches((_, theirs, mine) =>
      Bun.deepEquals(theirs.requestBody, mine.requestBody)
        ? []
        : [{ diracx: theirs.requestBody, ours: mine.requestBody }],
    );
    expect(differ).toEqual([]);
  });

  it("answer DiracX's statuses with its named components and headers (206 with Content-Range)", () => {
    const differ = mismatches((key, theirs, mine) =>
      Object.entries(theirs.responses).flatMap(([status, response]) => {
        const ourStatus = OTHER_STATUSES[key]?.[status] ?? status;
        const our = mine.responses[ourStatus];
        return Bun.deepEquals(our, response) ? [] : [{ status, diracx: response, ours: our ?? 'absent' }];
      }),
    );
    expect(differ).toEqual([]);
    expect(ours.operations['POST /api/jobs/search']?.responses['206']?.headers).toEqual(['Content-Range']);
  });
});

describe('the components of /api/openapi.json', () => {
  it('include, under its name, every component of DiracX that the shared operations reach', () => {
    const reached = closureOf(
      shared.flatMap((key) => {
        const op = diracx.operations[key]!;
        return [...op.requestBody, ...Object.values(op.responses).flatMap((r) => r.refs)];
      }),
      diracx.components,
    );
    expect([...reached].filter((name) => !(name in ours.components))).toEqual([]);
    expect(reached).toContain('SearchParams');
    expect(reached).toContain('SetJobStatusReturn');
  });

  it('lack only the components of DiracX listed, with a reason', () => {
    const missing = Object.keys(diracx.components).filter((name) => !(name in ours.components));
    expect(missing.sort()).toEqual(Object.keys(DIRACX_ONLY_COMPONENTS).sort());
  });

  it("have DiracX's properties, values and references (ours may add properties)", () => {
    const differ = Object.entries(diracx.components).flatMap(([name, theirs]) => {
      const mine = ours.components[name];
      if (!mine) return [];
      const problems: string[] = [];
      const lacking = theirs.properties.filter((p) => !mine.properties.includes(p));
      if (lacking.length > 0) problems.push(`${name}: lacks properties ${lacking.join(', ')}`);
      if (!Bun.deepEquals(theirs.enum, mine.enum)) problems.push(`${name}: values ${JSON.stringify(mine.enum)}`);
      const refs = mine.refs.concat(OTHER_COMPONENT_REFS[name] ?? []).sort();
      if (!Bun.deepEquals(theirs.refs, refs)) problems.push(`${name}: refers to ${mine.refs.join(', ')}`);
      return problems;
    });
    expect(differ).toEqual([]);
  });
});
