/**
 * @module eval/model/grammar-schema
 * A tool's input JSON Schema (draft 2020-12, as zod writes it) narrowed to the subset that
 * llama.cpp's JSON-schema grammars take (types, enum, const, object properties with required
 * ones, arrays, oneOf), so that the local model can only emit arguments of the right shape.
 * `anyOf` becomes `oneOf`; objects admit no keys they do not declare; anything the subset cannot
 * say (patterns, numeric bounds, defaults) is dropped, and a schema with no type at all becomes
 * "any scalar". llama.cpp's grammars (as node-llama-cpp builds them) make every listed property
 * mandatory, which drives a small model to fill in every optional argument with noise: so an
 * object with optional properties becomes a `oneOf` of its required properties plus at most
 * `MAX_OPTIONAL` optional ones (each choice in declaration order). Arrays hold at most
 * `MAX_ITEMS` (or their own smaller bound), strings `MAX_STRING`, so that one reply stays short.
 * Pure: no model or runtime here.
 */

export type GrammarScalar = 'string' | 'number' | 'integer' | 'boolean' | 'null';

export type GrammarSchema =
  | { type: GrammarScalar | GrammarScalar[] }
  | { type: 'string'; format: 'date-time' | 'date' | 'time' }
  | { const: string | number | boolean | null }
  | { enum: (string | number | boolean | null)[] }
  | { oneOf: GrammarSchema[] }
  | { type: 'object'; properties: Record<string, GrammarSchema>; required: string[]; additionalProperties: false }
  | { type: 'string'; maxLength: number }
  | { type: 'array'; items: GrammarSchema; minItems?: number; maxItems?: number };

/** How many optional properties one object may carry. */
export const MAX_OPTIONAL = 2;
export const MAX_ITEMS = 10;
export const MAX_STRING = 400;

const SCALARS: readonly string[] = ['string', 'number', 'integer', 'boolean', 'null'];
const FORMATS: readonly string[] = ['date-time', 'date', 'time'];
const ANY_SCALAR: GrammarSchema = { type: ['string', 'number', 'boolean', 'null'] };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isLiteral = (value: unknown): value is string | number | boolean | null =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** The subsets of `items` of at most `max` elements, in order, smallest first. */
function subsets<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [[]];
  for (let size = 1; size <= Math.min(max, items.length); size++) {
    const grow = (start: number, acc: T[]) => {
      if (acc.length === size) {
        out.push(acc);
        return;
      }
      for (let i = start; i < items.length; i++) grow(i + 1, [...acc, items[i]!]);
    };
    grow(0, []);
  }
  return out;
}

function objectSchema(schema: Json): GrammarSchema {
  const props = isObject(schema.properties) ? schema.properties : {};
  const names = Object.keys(props);
  const required = Array.isArray(schema.required)
    ? names.filter((k) => (schema.required as unknown[]).includes(k))
    : [];
  const optional = names.filter((k) => !required.includes(k));
  const variants = subsets(optional, MAX_OPTIONAL).map((extra): GrammarSchema => {
    const keys = names.filter((k) => required.includes(k) || extra.includes(k));
    const properties: Record<string, GrammarSchema> = {};
    for (const key of keys) properties[key] = toGrammarSchema(props[key]);
    return { type: 'object', properties, required: keys, additionalProperties: false };
  });
  return variants.length === 1 ? variants[0]! : { oneOf: variants };
}

function arraySchema(schema: Json): GrammarSchema {
  const out: GrammarSchema = { type: 'array', items: toGrammarSchema(schema.items) };
  if (typeof schema.minItems === 'number') out.minItems = schema.minItems;
  const max = typeof schema.maxItems === 'number' ? Math.min(schema.maxItems, MAX_ITEMS) : MAX_ITEMS;
  out.maxItems = Math.max(max, out.minItems ?? 0);
  return out;
}

/** The grammar-subset schema for one JSON Schema node. */
export function toGrammarSchema(schema: unknown): GrammarSchema {
  if (!isObject(schema)) return ANY_SCALAR;
  if ('const' in schema && isLiteral(schema.const)) return { const: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(isLiteral))
    return { enum: schema.enum };
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union) && union.length > 0) return { oneOf: union.map(toGrammarSchema) };
  const type = schema.type;
  if (type === 'object') return objectSchema(schema);
  if (type === 'array') return arraySchema(schema);
  if (type === 'string' && typeof schema.format === 'string' && FORMATS.includes(schema.format))
    return { type: 'string', format: schema.format as 'date-time' | 'date' | 'time' };
  if (type === 'string') return { type: 'string', maxLength: MAX_STRING };
  if (typeof type === 'string' && SCALARS.includes(type)) return { type: type as GrammarScalar };
  if (Array.isArray(type)) {
    const scalars = type.filter((t): t is GrammarScalar => typeof t === 'string' && SCALARS.includes(t));
    if (scalars.length === type.length && scalars.length > 0) return { type: scalars };
    const others = type
      .filter((t) => t === 'object' || t === 'array')
      .map((t) => toGrammarSchema({ ...schema, type: t }));
    return { oneOf: [...(scalars.length > 0 ? [{ type: scalars }] : []), ...others] };
  }
  return ANY_SCALAR;
}
