/**
 * The wire schemas of the search DSL (`src/logic/jobs/search-params.ts`): defaults, and the
 * bodies DiracX refuses with 422 (unknown operators, value/values on the wrong kind of
 * operator, mixed or fractional values, bad sort directions, out-of-range paging).
 */
import { describe, expect, it } from 'bun:test';
import {
  OptionalSearchParams,
  PaginationQuery,
  SearchParams,
  SummaryParams,
} from '../../../src/logic/jobs/search-params.ts';

const filter = (spec: Record<string, unknown>) => SearchParams.safeParse({ search: [spec] }).success;

describe('SearchParams', () => {
  it('fills DiracX defaults', () => {
    expect(SearchParams.parse({})).toEqual({ parameters: null, search: [], sort: [], distinct: false });
    expect(OptionalSearchParams.parse(null)).toEqual({ parameters: null, search: [], sort: [], distinct: false });
    expect(OptionalSearchParams.parse(undefined)).toEqual({ parameters: null, search: [], sort: [], distinct: false });
  });

  it('accepts scalar and vector filters with their operators', () => {
    for (const operator of ['eq', 'neq', 'gt', 'lt', 'like', 'not like', 'regex']) {
      expect(filter({ parameter: 'Owner', operator, value: 'x' })).toBe(true);
    }
    expect(filter({ parameter: 'JobID', operator: 'in', values: [1, 2] })).toBe(true);
    expect(filter({ parameter: 'Owner', operator: 'not in', values: ['a'] })).toBe(true);
    expect(filter({ parameter: 'VerifiedFlag', operator: 'eq', value: true })).toBe(true);
  });

  it('refuses unknown operators', () => {
    for (const operator of ['ilike', 'le', 'EQ', '='])
      expect(filter({ parameter: 'Owner', operator, value: 'x' })).toBe(false);
  });

  it('refuses a value with a vector operator and values with a scalar operator', () => {
    expect(filter({ parameter: 'JobID', operator: 'in', value: 1 })).toBe(false);
    expect(filter({ parameter: 'JobID', operator: 'eq', values: [1] })).toBe(false);
  });

  it('refuses mixed-type lists, fractional numbers, nulls and objects as values', () => {
    expect(filter({ parameter: 'JobID', operator: 'in', values: [1, 'a'] })).toBe(false);
    expect(filter({ parameter: 'JobID', operator: 'eq', value: 1.5 })).toBe(false);
    expect(filter({ parameter: 'JobID', operator: 'eq', value: null })).toBe(false);
    expect(filter({ parameter: 'JobID', operator: 'eq', value: { $gt: 1 } })).toBe(false);
  });

  it('refuses an unknown sort direction and a null search list', () => {
    expect(SearchParams.safeParse({ sort: [{ parameter: 'JobID', direction: 'up' }] }).success).toBe(false);
    expect(SearchParams.safeParse({ search: null }).success).toBe(false);
  });
});

describe('SummaryParams', () => {
  it('requires a grouping and defaults the search', () => {
    expect(SummaryParams.safeParse({}).success).toBe(false);
    expect(SummaryParams.parse({ grouping: [] })).toEqual({ grouping: [], search: [] });
  });
});

describe('PaginationQuery', () => {
  it('defaults to page 1 of 100 and coerces query-string numbers', () => {
    expect(PaginationQuery.parse({})).toEqual({ page: 1, per_page: 100 });
    expect(PaginationQuery.parse({ page: '3', per_page: '10000' })).toEqual({ page: 3, per_page: 10000 });
  });

  it('refuses pages below 1 and page sizes outside 1..10000', () => {
    for (const query of [
      { page: '0' },
      { page: '-1' },
      { per_page: '0' },
      { per_page: '-1' },
      { per_page: '20000' },
      { page: 'x' },
      { page: '1.5' },
    ]) {
      expect(PaginationQuery.safeParse(query).success).toBe(false);
    }
  });
});
