/**
 * @module test/routes/openapi-names/extract
 * Reduces an OpenAPI 3.0 document to the names a client generator builds on: the component
 * schemas (the components each refers to, its property names, its enum values), and per
 * operation its operationId, tags, parameters (name, place, type), the components its request
 * body and responses refer to and the headers its responses declare. The same reduction is
 * applied to DiracX 0.7.0's document (to produce `test/fixtures/diracx-0.7.0-openapi-names.json`)
 * and to ours (in the test), so the two compare like for like. Run as a script, it prints the
 * reduction of a document file:
 *
 *   bun test/routes/openapi-names/extract.ts /tmp/diracx-0.7.0-openapi.json \
 *     > test/fixtures/diracx-0.7.0-openapi-names.json
 */

/** A JSON Schema of an OpenAPI 3.0 document, as far as the reduction reads it. */
export interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  [key: string]: unknown;
}

interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema?: Schema }> }>;
}

/** The parts of an OpenAPI document the reduction reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One operation, reduced to names. */
export interface OperationNames {
  operationId: string;
  tags: string[];
  /** `in:name:type`, sorted (the type as `typeOf` writes it; header names in lower case). */
  parameters: string[];
  /** The components the request body's schema refers to directly, sorted (none when there is no body). */
  requestBody: string[];
  /** Per response status: the components its body refers to directly and the headers it declares. */
  responses: Record<string, { refs: string[]; headers: string[] }>;
}

/** One component schema, reduced to names. */
export interface ComponentNames {
  /** The components it refers to directly, sorted. */
  refs: string[];
  /** Its property names, sorted. */
  properties: string[];
  /** Its values, when it is an enum. */
  enum?: unknown[];
}

/** A document, reduced to names. */
export interface OpenApiNames {
  components: Record<string, ComponentNames>;
  /** Keyed `METHOD path`. */
  operations: Record<string, OperationNames>;
}

const REF_PREFIX = '#/components/schemas/';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** The component names a schema refers to, without following the references. */
export function refsOf(schema: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) refsOf(item, into);
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX))
        into.add(value.slice(REF_PREFIX.length));
      // Examples are data, not schema: a property named `$ref` in one is not a reference.
      else if (key !== 'example' && key !== 'examples') refsOf(value, into);
    }
  }
  return into;
}

/**
 * The type of a parameter's schema, as a generator would type the argument: a reference is its
 * component's name, an array `array<item>`, a nullable or single-branch `anyOf` its one type.
 */
export function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return schema.$ref.slice(REF_PREFIX.length);
  if (schema.type === 'array') return `array<${typeOf(schema.items)}>`;
  if (schema.type) return schema.type;
  const branches = (schema.anyOf ?? schema.oneOf ?? schema.allOf ?? []).filter((s) => s.type !== 'null');
  const types = [...new Set(branches.map(typeOf))];
  return types.length === 1 ? (types[0] as string) : types.length === 0 ? 'any' : types.sort().join('|');
}

const sorted = (names: Iterable<string>): string[] => [...names].sort();

function reduceOperation(op: Operation): OperationNames {
  const responses: OperationNames['responses'] = {};
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    responses[status] = {
      refs: sorted(refsOf(Object.values(response.content ?? {}).map((c) => c.schema))),
      headers: sorted(Object.keys(response.headers ?? {})),
    };
  }
  return {
    operationId: op.operationId ?? '',
    tags: op.tags ?? [],
    parameters: sorted(
      (op.parameters ?? []).map(
        (p) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}:${typeOf(p.schema)}`,
      ),
    ),
    requestBody: sorted(refsOf(Object.values(op.requestBody?.content ?? {}).map((c) => c.schema))),
    responses,
  };
}

/** Reduces a document to the names of its components and operations. */
export function extractOpenApiNames(doc: OpenApiDocument): OpenApiNames {
  const components: Record<string, ComponentNames> = {};
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const properties = schema.properties && typeof schema.properties === 'object' ? Object.keys(schema.properties) : [];
    components[name] = {
      refs: sorted(refsOf(schema)),
      properties: sorted(properties),
      ...(Array.isArray(schema.enum) && { enum: schema.enum }),
    };
  }
  const operations: Record<string, OperationNames> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.has(method)) operations[`${method.toUpperCase()} ${path}`] = reduceOperation(op);
    }
  }
  return { components, operations };
}

/** The components `names` refer to, directly or through other components, `names` included. */
export function closureOf(names: Iterable<string>, components: Record<string, ComponentNames>): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const next of components[name]?.refs ?? []) visit(next);
  };
  for (const name of names) visit(name);
  return seen;
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) throw new TypeError('usage: bun test/routes/openapi-names/extract.ts <openapi.json>');
  const doc = (await Bun.file(file).json()) as OpenApiDocument;
  const source =
    'Names only, reduced by test/routes/openapi-names/extract.ts from the OpenAPI document of DiracX 0.7.0 ' +
    '(diracx-routers 0.7.0 and diracx-testing 0.7.0 from PyPI: diracx.testing.routers:create_app().openapi(), ' +
    'which is what /api/openapi.json serves). Regenerate it the same way; never commit the document itself.';
  const text = JSON.stringify({ source, ...extractOpenApiNames(doc) }, null, 2);
  // Lists of names on one line each, so that the file reads as a list.
  console.log(
    text.replace(
      /\[\n\s+((?:"[^"\n]*"|null)(?:,\n\s+(?:"[^"\n]*"|null))*)\n\s+\]/g,
      (_, items: string) => `[${items.split(/,\n\s+/).join(', ')}]`,
    ),
  );
}
