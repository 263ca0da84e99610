/**
 * @module db/schema/client-assertions
 * The `jti`s of `private_key_jwt` client assertions already used at the token endpoint, kept
 * until the assertion expires, so a replayed assertion is refused by every server process.
 */
import { index, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

export const clientAssertions = pgTable(
  'ClientAssertions',
  {
    clientId: varchar('ClientID', { length: 128 }).notNull(),
    jti: varchar('JTI', { length: 255 }).notNull(),
    /** The assertion's `exp`: after it, the assertion is refused anyway and the row can go. */
    expiresAt: timestamp('ExpiresAt', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'ClientAssertions_pk', columns: [t.clientId, t.jti] }),
    index('ClientAssertions_ExpiresAt').on(t.expiresAt),
  ],
);
