/**
 * @module db/batches
 * Multi-row statements are sent in batches small enough for PostgreSQL's 65 535 bind
 * parameters on the widest table; one statement per batch, never one per row.
 */

/** Rows per multi-row statement. */
export const BATCH_ROWS = 1000;

/** `items` cut into consecutive batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number = BATCH_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
