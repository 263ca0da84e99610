/**
 * @module tools/paging
 * What the search-like tools share: dirac-agentic's flattened conditions (one top-level
 * `parameter/operator/value|values` plus `extra_conditions`, a JSON string of more) turned into
 * the REST search body, small pages (10 rows by default, never more than 100) described the way
 * dirac-agentic does (`content_range`, `pagination`) with a sentence telling the model how to
 * get the next page, capped summaries, and rows made JSON-safe with REST's datetime format.
 * It decides nothing about access and touches no data.
 */
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import { formatUtc } from '../logic/jobs/models.ts';
import {
  SCALAR_OPERATORS,
  SearchParams,
  VECTOR_OPERATORS,
  type ScalarSearchSpec,
  type SearchSpec,
  type VectorSearchSpec,
} from '../logic/jobs/search-params.ts';

/** Rows a tool returns unless asked for fewer. */
export const DEFAULT_ROWS = 10;
/** Rows a tool ever returns in one call (keeps results far below client output limits). */
export const MAX_ROWS = 100;

const OPERATORS = [...SCALAR_OPERATORS, ...VECTOR_OPERATORS] as const;
const VECTOR: readonly string[] = VECTOR_OPERATORS;
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** The input fields of one flattened condition; required for `search_jobs`, optional elsewhere. */
export const CONDITION_FIELDS = {
  parameter: z
    .string()
    .min(1)
    .describe('Attribute to filter on, e.g. Status, Site, JobID, JobName, MinorStatus, Owner, SubmissionTime.'),
  operator: z
    .enum(OPERATORS)
    .describe('eq, neq, gt, lt, like (% wildcards), not like, regex take `value`; in, not in take `values`.'),
  value: Scalar.nullish().describe('The value for eq/neq/gt/lt/like/not like/regex.'),
  values: z.array(Scalar).nullish().describe('The list of values for in/not in.'),
  extra_conditions: z
    .string()
    .nullish()
    .describe(
      'More conditions, all AND-ed, as a JSON array string, e.g. ' +
        '\'[{"parameter": "Site", "operator": "eq", "value": "LCG.CERN.cern"}]\'.',
    ),
};

export const PAGE_FIELDS = {
  page: z.number().int().min(1).default(1).describe('Page number, from 1.'),
  per_page: z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_ROWS)
    .describe(`Rows per page; default ${DEFAULT_ROWS}, at most ${MAX_ROWS}.`),
};

/** A flattened condition as the model wrote it. */
export interface FlatCondition {
  parameter?: string | null | undefined;
  operator?: string | null | undefined;
  value?: string | number | boolean | null | undefined;
  values?: readonly (string | number | boolean)[] | null | undefined;
}

/** dirac-agentic's `SearchCondition` rules: scalar operators take `value`, vector ones `values`. */
function toSpec(c: FlatCondition, where: string): SearchSpec {
  const { parameter, operator } = c;
  if (!parameter || !operator) throw new InvalidInputError(`Invalid ${where}: needs "parameter" and "operator".`);
  const hasValue = c.value !== null && c.value !== undefined;
  const hasValues = c.values !== null && c.values !== undefined;
  if (VECTOR.includes(operator)) {
    if (!c.values || hasValue)
      throw new InvalidInputError(`Invalid ${where}: operator "${operator}" takes "values" (a list), not "value".`);
    return { parameter, operator: operator as VectorSearchSpec['operator'], values: c.values.map(String) };
  }
  if (!(SCALAR_OPERATORS as readonly string[]).includes(operator)) {
    throw new InvalidInputError(
      `Invalid ${where}: unknown operator "${operator}"; use one of ${OPERATORS.join(', ')}.`,
    );
  }
  if (!hasValue || hasValues)
    throw new InvalidInputError(`Invalid ${where}: operator "${operator}" takes "value", not "values".`);
  // Every value as text: the search engine reads numbers, booleans and flags from text as REST does.
  return { parameter, operator: operator as ScalarSearchSpec['operator'], value: String(c.value) };
}

function parseExtra(text: string): FlatCondition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError(
      'Invalid extra_conditions: not JSON. Pass a JSON array of {"parameter", "operator", "value" | "values"} objects.',
    );
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (!list.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
    throw new InvalidInputError(
      'Invalid extra_conditions: each condition must be an ' +
        'object with "parameter", "operator" and "value" or "values".',
    );
  }
  return list as FlatCondition[];
}

/** The search conditions of a flattened call: the primary one (when given) and the extra ones. */
export function toSearchSpecs(primary: FlatCondition | undefined, extra: string | null | undefined): SearchSpec[] {
  const specs: SearchSpec[] = [];
  const given = primary && (primary.parameter || primary.operator || primary.value != null || primary.values != null);
  if (given) specs.push(toSpec(primary, 'primary condition'));
  if (extra && extra.trim() !== '') {
    for (const [i, c] of parseExtra(extra).entries()) specs.push(toSpec(c, `extra_conditions[${i}]`));
  }
  return specs;
}

/** The REST search body for these conditions, validated by the REST schema itself. */
export function toSearchParams(
  parameters: readonly string[] | null,
  search: SearchSpec[],
  sort: SearchParams['sort'] = [],
): SearchParams {
  const parsed = SearchParams.safeParse({ parameters: parameters ? [...parameters] : null, search, sort });
  if (!parsed.success)
    throw new InvalidInputError(`Invalid search: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A copy with every `Date` written as REST writes it (`2026-01-02T03:04:05Z`). */
export function toJson(value: unknown): JsonValue {
  if (value instanceof Date) return formatUtc(value.getTime() * 1000);
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

export const PageOutput = {
  content_range: z.string().describe('e.g. "jobs 0-9/42": rows 0 to 9 of 42.'),
  pagination: z.object({
    start: z.number().int(),
    end: z.number().int(),
    total: z.number().int(),
    has_more: z.boolean(),
  }),
  next_page_hint: z.string(),
};

export interface PageInfo {
  content_range: string;
  pagination: { start: number; end: number; total: number; has_more: boolean };
  next_page_hint: string;
}

/** `per_page` within 1..MAX_ROWS. */
export const cappedPerPage = (perPage: number): number => Math.min(Math.max(1, perPage), MAX_ROWS);

/**
 * The page description of `count` rows of page `page` out of `total` (DiracX's Content-Range).
 * @throws InvalidInputError for a page past the end (REST's 416), saying which pages exist.
 */
export function describePage(
  unit: string,
  tool: string,
  page: number,
  perPage: number,
  count: number,
  total: number,
  requestedPerPage = perPage,
): PageInfo {
  const pages = Math.ceil(total / perPage);
  if (count === 0 && total > 0) {
    throw new InvalidInputError(
      `Page ${page} is past the end: ${total} ${unit} match, ` +
        `${pages} page(s) of ${perPage}. Use page between 1 and ${pages}.`,
    );
  }
  const start = perPage * (page - 1);
  const end = start + count - 1;
  const hasMore = end < total - 1;
  const hint =
    total === 0
      ? `No ${unit} match.`
      : hasMore
        ? `Showing ${unit} ${start + 1}-${end + 1} of ${total}. For the next page call ${tool} again with the same ` +
          `arguments and page=${page + 1} (page ${page} of ${pages}).`
        : `This is the last page: ${unit} ${start + 1}-${end + 1} of ${total}.`;
  const capped =
    requestedPerPage > perPage ? ` per_page is at most ${MAX_ROWS}; narrow the search or page through it.` : '';
  return {
    content_range: count === 0 ? `${unit} */${total}` : `${unit} ${start}-${end}/${total}`,
    pagination: { start, end, total, has_more: hasMore },
    next_page_hint: hint + capped,
  };
}

export const SummaryOutput = {
  grouping: z.array(z.string()),
  groups: z
    .array(z.record(z.string(), z.unknown()))
    .describe(`One row per group with its count, largest first, at most ${MAX_ROWS}.`),
  total_groups: z.number().int(),
  truncated: z.boolean(),
};

/** Summary rows largest count first, capped at MAX_ROWS, and the total they count. */
export function capSummary(rows: readonly Record<string, unknown>[]): {
  groups: { [key: string]: JsonValue }[];
  total: number;
  total_groups: number;
  truncated: boolean;
} {
  const count = (row: Record<string, unknown>): number => Number(row.count ?? 0);
  const sorted = [...rows].sort((a, b) => count(b) - count(a));
  const groups = sorted.slice(0, MAX_ROWS).map((row) => toJson(row) as { [key: string]: JsonValue });
  return {
    groups,
    total: rows.reduce((n, row) => n + count(row), 0),
    total_groups: rows.length,
    truncated: rows.length > MAX_ROWS,
  };
}
