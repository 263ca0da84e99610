/**
 * @module db/search/types
 * The shapes the generic search engine works on: the already-validated search DSL of DiracX
 * (`diracx-core/src/diracx/core/models/search.py`, spec §2.1) and the description of a
 * searchable table (wire parameter name → column and kind), over drizzle's dialect-neutral
 * `Table` and `Column` (PostgreSQL's or MySQL's, see `./backend.ts`). Structural types only, so
 * that the database layer never imports the logic layer's zod schemas; those infer to these.
 */
import type { Column, SQL, Table } from 'drizzle-orm';

export type ScalarOperator = 'eq' | 'neq' | 'gt' | 'lt' | 'like' | 'not like' | 'regex';
export type VectorOperator = 'in' | 'not in';

/** A value as it arrives on the wire (DiracX: `str | int`; booleans for flag columns). */
export type WireScalar = string | number | boolean;

export interface ScalarFilter {
  readonly parameter: string;
  readonly operator: ScalarOperator;
  readonly value: WireScalar;
}

export interface VectorFilter {
  readonly parameter: string;
  readonly operator: VectorOperator;
  readonly values: readonly WireScalar[];
}

export type SearchFilter = ScalarFilter | VectorFilter;

export interface SortSpec {
  readonly parameter: string;
  readonly direction: 'asc' | 'desc';
}

/** The body of `POST .../search` after validation. */
export interface SearchQuery {
  /** Columns to return; `null` or `[]` means every column, in the table's order. */
  readonly parameters: readonly string[] | null;
  readonly search: readonly SearchFilter[];
  readonly sort: readonly SortSpec[];
  readonly distinct: boolean;
}

/** The body of `POST .../summary` after validation; `[]` grouping groups by every column. */
export interface SummaryQuery {
  readonly grouping: readonly string[];
  readonly search: readonly SearchFilter[];
}

/** One value of a result row: datetimes stay `Date` (the route serialises them with `Z`). */
export type SearchCell = string | number | boolean | Date | null;
export type SearchRow = Record<string, SearchCell>;

/** How values of a column are type-checked, compared and returned. */
export type PlainKind = 'string' | 'int' | 'float' | 'datetime';

export interface PlainColumn<C extends Column = Column> {
  readonly kind: PlainKind;
  readonly column: C;
}

/**
 * A flag: booleans on the wire. `stored` names its two values when the database keeps it as
 * text (DiracX's `EnumBackedBool`, `ENUM('True','False')` on MySQL); without it, a boolean column.
 */
export interface FlagColumn<C extends Column = Column> {
  readonly kind: 'bool';
  readonly column: C;
  readonly stored?: { readonly true: string; readonly false: string };
}

/**
 * A text column holding a closed set of stored spellings that the wire shows differently
 * (DIRAC's `AccountedFlag` ENUM('True','False','Failed') ↔ true/false/"Failed").
 */
export interface EnumColumn<C extends Column = Column> {
  readonly kind: 'enum';
  readonly column: C;
  /** Wire value → stored text; `undefined` when the value is not a member. */
  encode(value: WireScalar): string | undefined;
  /** Stored text → wire value. */
  decode(stored: string): SearchCell;
  /** The accepted wire values, for error messages (e.g. `true, false, 'Failed'`). */
  readonly expected: string;
}

export type SearchColumn<C extends Column = Column> = PlainColumn<C> | FlagColumn<C> | EnumColumn<C>;

/**
 * A table the engine may search: the only source of column identifiers in the SQL built. `T`
 * and `C` are the dialect's table and column types (`PgTable`/`PgColumn`, `MySqlTable`/...).
 */
export interface SearchTable<T extends Table = Table, C extends Column = Column> {
  readonly table: T;
  /** Wire name → column, in the table's column order (the order of "all columns"). */
  readonly columns: Readonly<Record<string, SearchColumn<C>>>;
  /** Wire name of the primary key: summary counts it and unsorted pages are ordered by it. */
  readonly key: string;
}

/** The caller's access scope: conditions AND-ed into every query, whatever the user filters. */
export type ScopeConditions = readonly SQL[];
