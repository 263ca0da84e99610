/**
 * Rows of tables that no data-layer function lists, on either dialect of the test database
 * (PostgreSQL's schema, `src/db/schema/`, or the MySQL tables, `src/db/mysql/schema/`): how many
 * sandboxes are registered (that a refused call registered none) and the registered OAuth clients'
 * names (that a clean-up deleted a row). The job tables' are in `./job-rows.ts`.
 */
import { count } from 'drizzle-orm';
import { oauthClients } from '../../src/db/schema/oauth-clients.ts';
import { sandboxes } from '../../src/db/schema/sandboxes.ts';
import type { AnyDatabase } from './database.ts';

/** How many sandboxes are registered. */
export async function countSandboxes(database: AnyDatabase): Promise<number> {
  const rows =
    database.driver === 'mysql'
      ? await database.db.select({ n: count() }).from(database.tables.sandboxes)
      : await database.db.select({ n: count() }).from(sandboxes);
  return Number(rows[0]?.n ?? 0);
}

/** The `ClientName` of every registered OAuth client (null where none was given). */
export async function oauthClientNames(database: AnyDatabase): Promise<(string | null)[]> {
  const rows =
    database.driver === 'mysql'
      ? await database.db.select({ name: database.tables.oauthClients.clientName }).from(database.tables.oauthClients)
      : await database.db.select({ name: oauthClients.clientName }).from(oauthClients);
  return rows.map((r) => r.name);
}
