/**
 * @module db/schema/auth
 * Tables of DiracX's AuthDB (`diracx-db/src/diracx/db/sql/auth/schema.py`): pending device and
 * authorization-code flows, and the refresh tokens issued so far (kept after revocation so a
 * reused token can be detected). Table and column names match DiracX; column keys are
 * camelCase. Codes are stored only as SHA-256 hex digests. No rules live here.
 *
 * Deliberate additions over DiracX: CHECK constraints on the status columns, `CreationTime`
 * indexes for the age-based clean-up of flows, a unique index on `AuthorizationFlows.Code`
 * (DiracX looks flows up by code with a full scan), and `RefreshTokens.ExpiresAt` (see there).
 */
import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

/** Timestamp columns are always time-zone aware UTC (DiracX's `datetime_now`). */
const utcTimestamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * DiracX's `FlowStatus` member names: PENDING (inserted) -> READY (the IdP authenticated the
 * user) -> DONE (the DIRAC token was minted; the flow cannot be used again). ERROR is unused.
 */
export const FLOW_STATUSES = ['PENDING', 'READY', 'DONE', 'ERROR'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/**
 * DiracX's `RefreshTokenStatus` member names: CREATED -> REVOKED. There is no EXPIRED status:
 * expiry is a matter of time. (DiracX's wire shows the enum values, 1 and 2.)
 */
export const REFRESH_TOKEN_STATUSES = ['CREATED', 'REVOKED'] as const;
export type RefreshTokenStatus = (typeof REFRESH_TOKEN_STATUSES)[number];

/** Length of a device flow user code (DiracX's `USER_CODE_LENGTH`). */
export const USER_CODE_LENGTH = 8;

/** The claims of the identity provider's ID token, stored once the IdP calls back. */
export type IdTokenClaims = Record<string, unknown>;

/** `col IN ('A', 'B')` for a CHECK constraint; the values are our own constants, never input. */
const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`"${column}" IN (${values.map((v) => `'${v}'`).join(', ')})`);

/** RFC 8628 device authorization flows, keyed by the short code the user types in. */
export const deviceFlows = pgTable(
  'DeviceFlows',
  {
    userCode: varchar('UserCode', { length: USER_CODE_LENGTH }).primaryKey(),
    status: varchar('Status', { length: 16, enum: FLOW_STATUSES }).notNull().default('PENDING'),
    creationTime: utcTimestamp('CreationTime').notNull().defaultNow(),
    clientId: varchar('ClientID', { length: 255 }).notNull(),
    /** The space-separated scope requested when the flow started. */
    scope: varchar('Scope', { length: 1024 }).notNull(),
    /** SHA-256 hex digest of the device code handed to the client (never the code itself). */
    deviceCode: varchar('DeviceCode', { length: 128 }).notNull().unique('DeviceFlows_DeviceCode_unique'),
    /** The IdP's ID token claims, set when the flow becomes READY. */
    idToken: jsonb('IDToken').$type<IdTokenClaims>(),
  },
  (t) => [
    index('DeviceFlows_CreationTime').on(t.creationTime),
    check('DeviceFlows_Status_check', oneOf('Status', FLOW_STATUSES)),
  ],
);

/** Authorization-code flows with PKCE, keyed by a uuid7 carried in the IdP round trip's state. */
export const authorizationFlows = pgTable(
  'AuthorizationFlows',
  {
    uuid: uuid('UUID').primaryKey(),
    status: varchar('Status', { length: 16, enum: FLOW_STATUSES }).notNull().default('PENDING'),
    clientId: varchar('ClientID', { length: 255 }).notNull(),
    creationTime: utcTimestamp('CreationTime').notNull().defaultNow(),
    /** The space-separated scope requested when the flow started. */
    scope: varchar('Scope', { length: 1024 }).notNull(),
    /** The client's PKCE challenge (base64url SHA-256 of its verifier, unpadded). */
    codeChallenge: varchar('CodeChallenge', { length: 255 }).notNull(),
    /** Always `S256` (the only method DiracX accepts). */
    codeChallengeMethod: varchar('CodeChallengeMethod', { length: 8 }).notNull(),
    redirectUri: varchar('RedirectURI', { length: 255 }).notNull(),
    /** SHA-256 hex digest of the authorization code we issue once the IdP calls back. */
    code: varchar('Code', { length: 255 }),
    /** The IdP's ID token claims, set when the person has logged in (READY, or PENDING consent). */
    idToken: jsonb('IDToken').$type<IdTokenClaims>(),
    /** The resource the client asked a token for (RFC 8707; MCP clients: the `/mcp` URL). */
    resource: varchar('Resource', { length: 1024 }),
    /** The client's own `state` (flows that stop at our consent page keep it here until then). */
    clientState: varchar('ClientState', { length: 1024 }),
  },
  (t) => [
    index('AuthorizationFlows_CreationTime').on(t.creationTime),
    // Unique: the token endpoint finds the flow by code hash; NULLs (not yet READY) do not clash.
    uniqueIndex('AuthorizationFlows_Code').on(t.code),
    check('AuthorizationFlows_Status_check', oneOf('Status', FLOW_STATUSES)),
  ],
);

/**
 * One row per refresh token issued, holding what is needed to mint the next access token.
 * Revoked rows are kept until they expire: presenting a revoked token is a reuse, which
 * revokes every token of the subject (RFC 6749 §10.4 rotation).
 */
export const refreshTokens = pgTable(
  'RefreshTokens',
  {
    /** The token's `jti`, a uuid7: its first 48 bits are the creation time in milliseconds. */
    jti: uuid('JTI').primaryKey(),
    status: varchar('Status', { length: 16, enum: REFRESH_TOKEN_STATUSES }).notNull().default('CREATED'),
    /** The space-separated scope the token was issued for (re-validated on every refresh). */
    scope: varchar('Scope', { length: 1024 }).notNull(),
    /** `<vo>:<IdP sub>`. */
    sub: varchar('Sub', { length: 256 }).notNull(),
    /**
     * When the token's `exp` claim expires. DiracX derives expiry from the jti's uuid7 time plus
     * the configured lifetime, but that is not the token's real expiry: a legacy exchange picks
     * its own lifetime, and a rotated token keeps its predecessor's absolute `exp`. Storing the
     * `exp` makes "delete expired rows" exact and an index range scan; DiracX instead drops
     * whole monthly MySQL partitions after a retention period. NULL on a row a DiracX server
     * sharing the database wrote (DiracX has no such column): the clean-up dates those by the
     * jti's creation time instead.
     */
    expiresAt: utcTimestamp('ExpiresAt'),
  },
  (t) => [
    index('RefreshTokens_Sub').on(t.sub),
    index('RefreshTokens_StatusSub').on(t.status, t.sub),
    index('RefreshTokens_ExpiresAt').on(t.expiresAt),
    check('RefreshTokens_Status_check', oneOf('Status', REFRESH_TOKEN_STATUSES)),
  ],
);

export type DeviceFlowRow = typeof deviceFlows.$inferSelect;
export type AuthorizationFlowRow = typeof authorizationFlows.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
