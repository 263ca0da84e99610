/**
 * @module db/pg/client-assertions
 * Atomic queries on used client-assertion ids. No rules live here.
 */
import { lte } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { clientAssertions } from '../schema/client-assertions.ts';

type Handle = Db | Tx;

/** Records a used assertion id; `'replayed'` when the client already used it. */
export async function recordClientAssertion(
  db: Handle,
  entry: { clientId: string; jti: string; expiresAt: Date },
): Promise<'recorded' | 'replayed'> {
  const rows = await db
    .insert(clientAssertions)
    .values(entry)
    .onConflictDoNothing()
    .returning({ jti: clientAssertions.jti });
  return rows.length === 1 ? 'recorded' : 'replayed';
}

/** Deletes ids of assertions that have expired; returns how many. */
export async function deleteExpiredClientAssertions(db: Handle, now: Date): Promise<number> {
  const rows = await db
    .delete(clientAssertions)
    .where(lte(clientAssertions.expiresAt, now))
    .returning({ jti: clientAssertions.jti });
  return rows.length;
}
