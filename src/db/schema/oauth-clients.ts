/**
 * @module db/schema/oauth-clients
 * OAuth clients registered by themselves (RFC 7591 dynamic client registration): public MCP
 * clients (Claude, Cursor, ...) with no secret, identified by a random uuid we issue. Not in
 * DiracX, whose only client is its own configured one. A registration expires when it is not
 * used for a while (`ExpiresAt`, moved forward on every use) and the clean-up deletes it.
 * No rules live here.
 */
import { index, jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';

const utcTimestamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const oauthClients = pgTable(
  'OAuthClients',
  {
    /** A random uuid (v4) we issue at registration. */
    clientId: varchar('ClientID', { length: 64 }).primaryKey(),
    /** What the client calls itself (`client_name`), shown to the person logging in. */
    clientName: varchar('ClientName', { length: 200 }),
    /** The validated `redirect_uris`, in the order registered. */
    redirectUris: jsonb('RedirectURIs').$type<string[]>().notNull(),
    /** The `grant_types` registered (a subset of authorization_code and refresh_token). */
    grantTypes: jsonb('GrantTypes').$type<string[]>().notNull(),
    createdAt: utcTimestamp('CreatedAt').notNull(),
    /** When the client last started a login or redeemed a token; null until then. */
    lastUsedAt: utcTimestamp('LastUsedAt'),
    /** After this the registration is unknown; every use moves it forward. */
    expiresAt: utcTimestamp('ExpiresAt').notNull(),
  },
  (t) => [index('OAuthClients_ExpiresAt').on(t.expiresAt)],
);

export type OAuthClientRow = typeof oauthClients.$inferSelect;
