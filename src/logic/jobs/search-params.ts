/**
 * @module logic/jobs/search-params
 * The wire bodies of `POST /api/jobs/search` and `/summary` and the paging query string
 * (DiracX's `core/models/search.py`, spec §2.1). A failure here is a validation error (422):
 * unknown operators, a `value` with a vector operator, `values` with a scalar one, mixed-type
 * `values`, `per_page` outside 1..10000. Rules that need the table (unknown columns, value
 * types, datetime syntax) are 400s from `src/db/search`. Shared by jobs and pilots. The schemas
 * carry DiracX's model names (`SearchParams`, `ScalarSearchSpec`, ...) for the OpenAPI document.
 */
import { z } from '../../core/openapi-zod.ts';

export const SCALAR_OPERATORS = ['eq', 'neq', 'gt', 'lt', 'like', 'not like', 'regex'] as const;
export const VECTOR_OPERATORS = ['in', 'not in'] as const;
/** DiracX's `MAX_PER_PAGE` (`logic/jobs/query.py`). */
export const MAX_PER_PAGE = 10_000;
export const DEFAULT_PER_PAGE = 100;

/**
 * DiracX types `value` as `str | int`; pydantic also lets JSON booleans through (as 1/0), so
 * booleans are accepted here and given their meaning by the column (flags) in the database layer.
 */
const ScalarValue = z.union([z.string(), z.int(), z.boolean()]);

export const ScalarSearchSpec = z
  .object({
    parameter: z.string(),
    operator: z.enum(SCALAR_OPERATORS).openapi('ScalarSearchOperator'),
    value: ScalarValue,
  })
  .openapi('ScalarSearchSpec');

export const VectorSearchSpec = z
  .object({
    parameter: z.string(),
    operator: z.enum(VECTOR_OPERATORS).openapi('VectorSearchOperator'),
    values: z.union([z.array(z.string()), z.array(z.int()), z.array(z.boolean())]),
  })
  .openapi('VectorSearchSpec');

export const SearchSpec = z.union([ScalarSearchSpec, VectorSearchSpec]);

export const SortSpec = z
  .object({
    parameter: z.string(),
    direction: z.enum(['asc', 'desc']).openapi('SortDirection'),
  })
  .openapi('SortSpec');

export const SearchParams = z
  .object({
    /** Columns to return; `null` or `[]` means all. `LoggingInfo` is a jobs pseudo-parameter. */
    parameters: z.array(z.string()).nullable().default(null),
    search: z.array(SearchSpec).default([]),
    sort: z.array(SortSpec).default([]),
    distinct: z.boolean().default(false),
  })
  .openapi('SearchParams');

export const SummaryParams = z
  .object({
    /** Required; `[]` groups by every column, as DiracX does. */
    grouping: z.array(z.string()),
    search: z.array(SearchSpec).default([]),
  })
  .openapi('SummaryParams');

/** The search body is optional: absent or `null` means every default. */
export const OptionalSearchParams = z
  .union([SearchParams, z.null(), z.undefined()])
  .transform((body) => body ?? SearchParams.parse({}));

/** `?page=&per_page=` of a search; strings from the query string are coerced. */
export const PaginationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(DEFAULT_PER_PAGE),
});

export type ScalarSearchSpec = z.infer<typeof ScalarSearchSpec>;
export type VectorSearchSpec = z.infer<typeof VectorSearchSpec>;
export type SearchSpec = z.infer<typeof SearchSpec>;
export type SortSpec = z.infer<typeof SortSpec>;
export type SearchParams = z.infer<typeof SearchParams>;
export type SummaryParams = z.infer<typeof SummaryParams>;
export type PaginationQuery = z.infer<typeof PaginationQuery>;
