/**
 * @module logic/auth/clients/clients
 * Who a `client_id` of an authorization (or token) request is, whichever way the client made
 * itself known:
 * - `dirac`: DiracX's own client (`settings.diracClientId`), whose redirect URIs are the
 *   configured `allowedRedirects`;
 * - `registered`: a client that registered itself (RFC 7591, `client-registration.ts`) and
 *   whose registration has not expired; resolving it counts as a use and extends it;
 * - `metadata-document`: an https URL whose client ID metadata document we fetch (or have
 *   cached, `client-metadata-document.ts`).
 * A redirect URI of a request is then checked with `isRedirectAllowed` (exact match, any port
 * on loopback http, see `redirect-uris.ts`).
 */
import type { ClientGrantType } from './client-registration.ts';
import { CLIENT_GRANT_TYPES, touchRegisteredClient } from './client-registration.ts';
import { looksLikeMetadataDocumentUrl } from './client-metadata-document.ts';
import type { AuthFlowContext } from '../flows/flow-context.ts';
import { redirectUriMatches } from './redirect-uris.ts';

export type ClientKind = 'dirac' | 'registered' | 'metadata-document';

export interface ResolvedClient {
  clientId: string;
  /** What the client calls itself (undefined for DiracX's own client or when it gave none). */
  clientName: string | undefined;
  /** Where the client may be sent back to (compare with `isRedirectAllowed`). */
  redirectUris: readonly string[];
  /** Grants the client registered (DiracX's own client: both). */
  grantTypes: readonly ClientGrantType[];
  kind: ClientKind;
}

export type ClientResolutionContext = Pick<AuthFlowContext, 'database' | 'settings' | 'now' | 'clientMetadata'>;

/**
 * The client `clientId` names, or undefined when no client has that id.
 * @throws OAuthError `invalid_client` (400) when `clientId` is a URL whose metadata document
 * cannot be used (its description says why: not https, unreachable, not JSON, wrong
 * `client_id`, a bad redirect URI, ...).
 */
export async function resolveClient(
  ctx: ClientResolutionContext,
  clientId: string,
): Promise<ResolvedClient | undefined> {
  if (clientId === ctx.settings.diracClientId) {
    return {
      clientId,
      clientName: undefined,
      redirectUris: ctx.settings.allowedRedirects,
      grantTypes: CLIENT_GRANT_TYPES,
      kind: 'dirac',
    };
  }
  if (looksLikeMetadataDocumentUrl(clientId)) {
    const document = await ctx.clientMetadata.resolve(clientId);
    return { ...document, kind: 'metadata-document' };
  }
  const row = await touchRegisteredClient(ctx, clientId);
  if (!row) return undefined;
  return {
    clientId: row.clientId,
    clientName: row.clientName ?? undefined,
    redirectUris: row.redirectUris,
    grantTypes: row.grantTypes.filter((g): g is ClientGrantType =>
      (CLIENT_GRANT_TYPES as readonly string[]).includes(g),
    ),
    kind: 'registered',
  };
}

/** Whether `client` may be sent back to `redirectUri` (a registered URI matches it). */
export function isRedirectAllowed(client: Pick<ResolvedClient, 'redirectUris'>, redirectUri: string): boolean {
  return client.redirectUris.some((registered) => redirectUriMatches(registered, redirectUri));
}
