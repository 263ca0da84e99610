/**
 * @module db/search/filters
 * Turns the search DSL's filters into drizzle conditions (DiracX's `apply_search_filters`):
 * `eq` `=`, `neq` `<>`, `gt` `>`, `lt` `<`, `in`, `not in`, `like`/`not like` (user wildcards,
 * no escaping) and `regex` (PostgreSQL `~`, search semantics). Values are bound parameters and
 * column identifiers come from the table description only; nothing the user sends is spliced
 * into SQL text. Comparisons are case-sensitive (PostgreSQL collation; DiracX on MySQL is not).
 */
import { eq, gt, inArray, like, lt, ne, notInArray, notLike, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { findColumn } from './columns.ts';
import { datetimeScalarCondition, datetimeVectorCondition } from './datetime.ts';
import { invalidRegex, unknownColumn, unsupportedOperator } from './messages.ts';
import type { ScalarFilter, SearchColumn, SearchFilter, SearchTable, VectorFilter } from './types.ts';
import { toComparable, toPattern } from './values.ts';

/**
 * Answers whether PostgreSQL accepts a pattern as a regular expression. Asked of the database
 * itself because its ARE syntax is neither JavaScript's nor Python's (`(?i)`, `[[:alpha:]]`,
 * `\m`...), so only PostgreSQL can say what it will run.
 */
export type RegexValidator = (pattern: string) => Promise<boolean>;

/**
 * A LIKE pattern PostgreSQL will accept: one that ends in a lone escape character (`abc\`) is
 * an error there (a 500), while MySQL matches that backslash literally; so double it.
 */
function likePattern(parameter: string, value: ScalarFilter['value']): string {
  const pattern = toPattern(parameter, value);
  const trailing = pattern.length - pattern.replace(/\\+$/, '').length;
  return trailing % 2 === 1 ? `${pattern}\\` : pattern;
}

function vectorCondition(spec: SearchColumn, filter: VectorFilter): SQL {
  if (spec.kind === 'datetime') return datetimeVectorCondition(spec.column, filter);
  const values = filter.values.map((v) => toComparable(filter.parameter, spec, v));
  // drizzle renders an empty list as `false` / `true`, as SQLAlchemy does for DiracX.
  return filter.operator === 'in' ? inArray(spec.column, values) : notInArray(spec.column, values);
}

/**
 * The text a pattern operator applies to: integers are matched on their decimal text, as MySQL
 * does; flags and floating-point values (whose text form is not stable) take no patterns.
 */
function patternTarget(spec: SearchColumn, operator: string, parameter: string): PgColumn | SQL {
  if (spec.kind === 'bool' || spec.kind === 'float') throw unsupportedOperator(operator, parameter);
  return spec.kind === 'int' ? sql`cast(${spec.column} as text)` : spec.column;
}

async function scalarCondition(spec: SearchColumn, filter: ScalarFilter, isValidRegex: RegexValidator): Promise<SQL> {
  if (spec.kind === 'datetime') return datetimeScalarCondition(spec.column, filter);
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
      return like(patternTarget(spec, operator, parameter), likePattern(parameter, value));
    case 'not like':
      return notLike(patternTarget(spec, operator, parameter), likePattern(parameter, value));
    case 'regex': {
      const target = patternTarget(spec, operator, parameter);
      const pattern = toPattern(parameter, value);
      if (!(await isValidRegex(pattern))) throw invalidRegex(pattern);
      return sql`${target} ~ ${pattern}`;
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
  isValidRegex: RegexValidator,
): Promise<SQL[]> {
  const conditions: SQL[] = [];
  for (const filter of filters) {
    const spec = findColumn(table, filter.parameter);
    if (!spec) throw unknownColumn(filter.parameter);
    conditions.push(
      'values' in filter ? vectorCondition(spec, filter) : await scalarCondition(spec, filter, isValidRegex),
    );
  }
  return conditions;
}
