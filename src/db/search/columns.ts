/**
 * @module db/search/columns
 * Resolves wire parameter names to the columns of a `SearchTable` (the only way a column
 * identifier enters the SQL), chooses the returned columns (DiracX's `_get_columns`), and turns
 * driver rows back into wire rows keyed by parameter name.
 */
import type { Column, Table } from 'drizzle-orm';
import { unrecognisedParameters } from './messages.ts';
import type { SearchCell, SearchColumn, SearchRow, SearchTable } from './types.ts';

/** The column a wire name names; own properties only, so `constructor` or `__proto__` name nothing. */
export function findColumn<C extends Column>(
  table: SearchTable<Table, C>,
  parameter: string,
): SearchColumn<C> | undefined {
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
export function selection<C extends Column>(table: SearchTable<Table, C>, names: readonly string[]): Record<string, C> {
  const fields: Record<string, C> = {};
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

/** A stored value as the wire shows it: enums and text-stored flags decoded (`'True'` → `true`). */
function decodeCell(spec: SearchColumn | undefined, cell: SearchCell): SearchCell {
  if (typeof cell !== 'string') return cell;
  if (spec?.kind === 'enum') return spec.decode(cell);
  if (spec?.kind === 'bool' && spec.stored) {
    if (cell === spec.stored.true) return true;
    if (cell === spec.stored.false) return false;
  }
  return cell;
}

/** A driver row as a wire row: enum columns and text-stored flags decoded, the rest as read. */
export function decodeRow(table: SearchTable, names: readonly string[], row: Record<string, unknown>): SearchRow {
  const out: SearchRow = {};
  for (const name of names) out[name] = decodeCell(findColumn(table, name), toCell(row[name]));
  return out;
}
