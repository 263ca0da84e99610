/**
 * @module logic/auth/clients/client-registration
 * OAuth 2.0 dynamic client registration (RFC 7591) for public clients: MCP hosts (Claude Code,
 * Claude Desktop, Cursor, ...) register themselves before their first login and get a random
 * `client_id`, no secret and no registration access token (no RFC 7592 management).
 *
 * What is accepted: `redirect_uris` (required, 1 to 10, each valid for a native or web client,
 * see `redirect-uris.ts`), `client_name` (optional, at most 200 characters), `grant_types`
 * within authorization_code and refresh_token (default both), `response_types` within `code`,
 * `token_endpoint_auth_method` `none` (the default; a client that wants a secret is refused).
 * `scope` is accepted and ignored: MCP clients commonly send `openid profile email
 * offline_access`, and what a token may do is decided at login, not here. Other fields
 * (`client_uri`, `logo_uri`, `application_type`, `software_id`, ...) are ignored.
 * Refusals are RFC 7591 errors: `invalid_redirect_uri` or `invalid_client_metadata`.
 *
 * A registration expires when unused for `clientRegistrationTtlDays`: every use
 * (`touchRegisteredClient`) moves its expiry forward, and the clean-up deletes expired ones.
 * The field checks are shared with client ID metadata documents.
 */
import { insertOAuthClient, useOAuthClient } from '../../../db/oauth-clients.ts';
import type { OAuthClientRow } from '../../../db/schema/oauth-clients.ts';
import { OAuthError } from '../../../core/errors.ts';
import type { AuthFlowContext } from '../flows/flow-context.ts';
import { redirectUriProblem } from './redirect-uris.ts';

/** Most redirect URIs one registration may carry. */
export const MAX_REGISTERED_REDIRECT_URIS = 10;
/** Longest `client_name` (the `OAuthClients.ClientName` column). */
export const MAX_CLIENT_NAME_LENGTH = 200;
/** Grants a public client may use with us. */
export const CLIENT_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
export type ClientGrantType = (typeof CLIENT_GRANT_TYPES)[number];

/** The RFC 7591 §3.2.1 answer to a successful registration. */
export interface ClientRegistrationResponse {
  client_id: string;
  /** Seconds since the epoch. */
  client_id_issued_at: number;
  client_name?: string;
  redirect_uris: string[];
  grant_types: ClientGrantType[];
  response_types: ['code'];
  token_endpoint_auth_method: 'none';
}

export type RegistrationContext = Pick<AuthFlowContext, 'database' | 'settings' | 'now'>;

const invalidMetadata = (description: string) =>
  new OAuthError('INVALID_INPUT', 'invalid_client_metadata', description);
const invalidRedirectUri = (description: string) =>
  new OAuthError('INVALID_INPUT', 'invalid_redirect_uri', description);

/** A field a client sent as JSON `null` counts as absent. */
const absent = (v: unknown): v is undefined | null => v === undefined || v === null;

/**
 * The validated, de-duplicated `redirect_uris`, or why they cannot be accepted.
 * @param max most URIs accepted.
 */
export function checkRedirectUris(
  value: unknown,
  max: number,
): { ok: true; uris: string[] } | { ok: false; problem: string } {
  if (absent(value)) return { ok: false, problem: 'redirect_uris is required' };
  if (!Array.isArray(value)) return { ok: false, problem: 'redirect_uris must be an array of URIs' };
  if (value.length === 0) return { ok: false, problem: 'redirect_uris must name at least one URI' };
  if (value.length > max) return { ok: false, problem: `redirect_uris may name at most ${max} URIs` };
  for (const uri of value) {
    const problem = redirectUriProblem(uri);
    if (problem) return { ok: false, problem };
  }
  return { ok: true, uris: [...new Set(value as string[])] };
}

/** The `client_name` (undefined when absent or empty), or why it cannot be accepted. */
export function checkClientName(
  value: unknown,
): { ok: true; name: string | undefined } | { ok: false; problem: string } {
  if (absent(value) || value === '') return { ok: true, name: undefined };
  if (typeof value !== 'string') return { ok: false, problem: 'client_name must be a string' };
  if (value.length > MAX_CLIENT_NAME_LENGTH)
    return { ok: false, problem: `client_name is longer than ${MAX_CLIENT_NAME_LENGTH} characters` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
  if (/[\u0000-\u001f\u007f]/.test(value)) return { ok: false, problem: 'client_name contains control characters' };
  return { ok: true, name: value };
}

/** Why `token_endpoint_auth_method` is not acceptable for a public client, or undefined. */
export function authMethodProblem(value: unknown): string | undefined {
  if (absent(value) || value === 'none') return undefined;
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return `token_endpoint_auth_method ${shown} is not supported: only public clients (none) can register`;
}

/** `grant_types`: default both; a non-empty subset of ours that includes authorization_code. */
function grantTypesOf(value: unknown): ClientGrantType[] {
  if (absent(value)) return [...CLIENT_GRANT_TYPES];
  if (!Array.isArray(value) || value.length === 0 || !value.every((g) => typeof g === 'string')) {
    throw invalidMetadata('grant_types must be a non-empty array of strings');
  }
  const unsupported = value.filter((g) => !(CLIENT_GRANT_TYPES as readonly string[]).includes(g));
  if (unsupported.length > 0) {
    throw invalidMetadata(
      `grant_types ${unsupported.join(', ')} not supported (only ${CLIENT_GRANT_TYPES.join(' and ')})`,
    );
  }
  if (!value.includes('authorization_code')) throw invalidMetadata('grant_types must include authorization_code');
  return CLIENT_GRANT_TYPES.filter((g) => value.includes(g));
}

function checkResponseTypes(value: unknown): void {
  if (absent(value)) return;
  if (!Array.isArray(value) || value.length === 0 || !value.every((r) => r === 'code')) {
    throw invalidMetadata('response_types must be ["code"]');
  }
}

/** When a registration used (or made) at `now` expires. */
export function registrationExpiry(ctx: Pick<AuthFlowContext, 'settings'>, now: Date): Date {
  return new Date(now.getTime() + ctx.settings.clientRegistrationTtlDays * 86_400_000);
}

/**
 * Registers a public client from its RFC 7591 metadata (the parsed JSON body).
 * @throws OAuthError `invalid_redirect_uri` or `invalid_client_metadata` (400).
 */
export async function registerClient(
  ctx: RegistrationContext,
  metadata: unknown,
  now: Date,
): Promise<ClientRegistrationResponse> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw invalidMetadata('The client metadata must be a JSON object');
  }
  const m = metadata as Record<string, unknown>;
  const authProblem = authMethodProblem(m.token_endpoint_auth_method);
  if (authProblem) throw invalidMetadata(authProblem);
  const redirects = checkRedirectUris(m.redirect_uris, MAX_REGISTERED_REDIRECT_URIS);
  if (!redirects.ok) throw invalidRedirectUri(redirects.problem);
  const name = checkClientName(m.client_name);
  if (!name.ok) throw invalidMetadata(name.problem);
  const grantTypes = grantTypesOf(m.grant_types);
  checkResponseTypes(m.response_types);
  // m.scope is deliberately ignored (see the module comment).

  const clientId = crypto.randomUUID();
  await ctx.database.transaction((tx) =>
    insertOAuthClient(tx, {
      clientId,
      clientName: name.name ?? null,
      redirectUris: redirects.uris,
      grantTypes,
      createdAt: now,
      expiresAt: registrationExpiry(ctx, now),
    }),
  );
  return {
    client_id: clientId,
    client_id_issued_at: Math.floor(now.getTime() / 1000),
    ...(name.name === undefined ? {} : { client_name: name.name }),
    redirect_uris: redirects.uris,
    grant_types: grantTypes,
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

/** A registration id is a uuid we issued; anything else is not looked up. */
const REGISTERED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The registered client `clientId` if its registration has not expired, after recording the
 * use (its expiry moves to `now` plus the registration lifetime). Undefined when unknown or
 * expired.
 */
export async function touchRegisteredClient(
  ctx: RegistrationContext,
  clientId: string,
  now: Date = ctx.now(),
): Promise<OAuthClientRow | undefined> {
  if (!REGISTERED_ID.test(clientId)) return undefined;
  return ctx.database.transaction((tx) => useOAuthClient(tx, clientId, now, registrationExpiry(ctx, now)));
}
