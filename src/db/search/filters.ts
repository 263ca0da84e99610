/**
 * @module db/search/filters
 * Turns the search DSL's filters into drizzle conditions (DiracX's `apply_search_filters`):
 * `eq` `=`, `neq` `<>`, `gt` `>`, `lt` `<`, `in`, `not in`, `like`/`not like` (user wildcards,
 * no escaping) and `regex` (search semantics: PostgreSQL `~`, MySQL `REGEXP`, see
 * `./backend.ts`). Values are bound parameters and column identifiers come from the table
 * description only; nothing the user sends is spliced into SQL text. Comparisons follow the
 * database's collation (case-sensitive on PostgreSQL; DiracX's tables on MySQL are not).
 */
import { type Column, eq, gt, inArray, like, lt, ne, notInArray, notLike, type SQL } from 'drizzle-orm';
import type { FilterContext } from './backend.ts';
import { findColumn } from './columns.ts';
import { datetimeScalarCondition, datetimeVectorCondition } from './datetime.ts';
import { invalidRegex, unknownColumn, unsupportedOperator } from './messages.ts';
import type { ScalarFilter, SearchColumn, SearchFilter, SearchTable, VectorFilter } from './types.ts';
import { toComparable, toPattern } from './values.ts';

function vectorCondition(ctx: FilterContext, spec: SearchColumn, filter: VectorFilter): SQL {
  if (spec.kind === 'datetime') return datetimeVectorCondition(ctx.dialect, spec.column, filter);
  const values = filter.values.map((v) => toComparable(filter.parameter, spec, v));
  // drizzle renders an empty list as `false` / `true`, as SQLAlchemy does for DiracX.
  return filter.operator === 'in' ? inArray(spec.column, values) : notInArray(spec.column, values);
}

/**
 * The text a pattern operator applies to: integers are matched on their decimal text, as MySQL
 * does; flags and floating-point values (whose text form is not stable) take no patterns.
 */
function patternTarget(ctx: FilterContext, spec: SearchColumn, operator: string, parameter: string): Column | SQL {
  if (spec.kind === 'bool' || spec.kind === 'float') throw unsupportedOperator(operator, parameter);
  return spec.kind === 'int' ? ctx.dialect.asText(spec.column) : spec.column;
}

async function scalarCondition(ctx: FilterContext, spec: SearchColumn, filter: ScalarFilter): Promise<SQL> {
  if (spec.kind === 'datetime') return datetimeScalarCondition(ctx.dialect, spec.column, filter);
  const { parameter, operator, value } = filter;
  switch (operator) {
    case 'eq':
      return eq(spec.column, toComparable(parameter, spec, value));
    case 'neq':
      return ne(spec.column, toComparable(parameter, spec, value));
    case 'gt':
    case 'lt': {
      if (spec.kind === 'bool') throw unsupportedOperator(operator, parameter);
      const operand = toComparable(parameter, spec, value);
      return operator === 'gt' ? gt(spec.column, operand) : lt(spec.column, operand);
    }
    case 'like':
      return like(patternTarget(ctx, spec, operator, parameter), ctx.dialect.likePattern(toPattern(parameter, value)));
    case 'not like': {
      const pattern = ctx.dialect.likePattern(toPattern(parameter, value));
      return notLike(patternTarget(ctx, spec, operator, parameter), pattern);
    }
    case 'regex': {
      const target = patternTarget(ctx, spec, operator, parameter);
      const pattern = toPattern(parameter, value);
      if (!(await ctx.isValidRegex(pattern))) throw invalidRegex(pattern);
      return ctx.dialect.regexMatch(target, pattern);
    }
  }
}

/**
 * The conditions of a search, in request order, so the first bad filter is the one reported
 * (DiracX raises on the first too). Unknown parameters are DiracX's `Unknown column <p>`.
 */
export async function buildFilters(
  table: SearchTable,
  filters: readonly SearchFilter[],
  ctx: FilterContext,
): Promise<SQL[]> {
  const conditions: SQL[] = [];
  for (const filter of filters) {
    const spec = findColumn(table, filter.parameter);
    if (!spec) throw unknownColumn(filter.parameter);
    conditions.push('values' in filter ? vectorCondition(ctx, spec, filter) : await scalarCondition(ctx, spec, filter));
  }
  return conditions;
}
