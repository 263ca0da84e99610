/**
 * @module db/search/columns
 * Resolves wire parameter names to the columns of a `SearchTable` (the only way a column
 * identifier enters the SQL), chooses the returned columns (DiracX's `_get_columns`), and turns
 * driver rows back into wire rows keyed by parameter name.
 */
import type { PgColumn } from 'drizzle-orm/pg-core';
import { unrecognisedParameters } from './messages.ts';
import type { SearchCell, SearchColumn, SearchRow, SearchTable } from './types.ts';

/** The column a wire name names; own properties only, so `constructor` or `__proto__` name nothing. */
export function findColumn(table: SearchTable, parameter: string): SearchColumn | undefined {
  return Object.hasOwn(table.columns, parameter) ? table.columns[parameter] : undefined;
}

/**
 * The wire names to return, in the table's column order whatever the request's order.
 * `null` or `[]` means every column; an unknown name is DiracX's
 * `Unrecognised parameters requested {...}` (also used for summary groupings, as DiracX does).
 */
export function chooseColumns(table: SearchTable, parameters: readonly string[] | null): string[] {
  const all = Object.keys(table.columns);
  if (!parameters || parameters.length === 0) return all;
  const unknown = parameters.filter((p) => findColumn(table, p) === undefined);
  if (unknown.length > 0) throw unrecognisedParameters(unknown);
  const wanted = new Set(parameters);
  return all.filter((name) => wanted.has(name));
}

/** The drizzle selection `{ wireName: column }` for the chosen names. */
export function selection(table: SearchTable, names: readonly string[]): Record<string, PgColumn> {
  const fields: Record<string, PgColumn> = {};
  for (const name of names) {
    const spec = findColumn(table, name);
    if (spec) fields[name] = spec.column;
  }
  return fields;
}

function toCell(value: unknown): SearchCell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}

/** A driver row as a wire row: enum columns decoded (`'True'` → `true`), the rest as read. */
export function decodeRow(table: SearchTable, names: readonly string[], row: Record<string, unknown>): SearchRow {
  const out: SearchRow = {};
  for (const name of names) {
    const spec = findColumn(table, name);
    const cell = toCell(row[name]);
    out[name] = spec?.kind === 'enum' && typeof cell === 'string' ? spec.decode(cell) : cell;
  }
  return out;
}
