/**
 * @module logic/auth/clients/client-credentials
 * The OAuth `client_credentials` grant for agents (our addition beside DiracX's flows): a
 * service client registered in `Registry.<vo>.ServiceClients` authenticates with its secret
 * (`client_secret_post`/`client_secret_basic`) or a `private_key_jwt` assertion (RFC 7523,
 * single use, addressed to our token endpoint under the configured issuer or to the issuer), and
 * gets a short-lived access token for its user, VO and group; never a refresh
 * token, never more properties than its group grants. Failures are OAuth errors (RFC 6749 §5.2).
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { Config } from '../../../config/schema.ts';
import type { ServiceClientConfig } from '../../../config/schema-service-clients.ts';
import { recordClientAssertion } from '../../../db/client-assertions.ts';
import type { Database } from '../../../db/database.ts';
import { OAuthError } from '../../../core/errors.ts';
import { decoyClientSecretHash, verifyClientSecret } from './client-secret.ts';
import { TOKEN_ENDPOINT_PATH, urlUnder } from '../discovery.ts';
import type { Keystore } from '../tokens/keystore.ts';
import { checkUserMayUseScope } from '../tokens/scope.ts';
import { issueAccessToken } from '../tokens/tokens.ts';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Asymmetric algorithms accepted on client assertions. */
const ASSERTION_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];
/** An assertion may not be valid for longer than this (it is single use anyway). */
const MAX_ASSERTION_LIFETIME_SECONDS = 600;

export interface ClientCredentialsContext {
  config: Config;
  keystore: Keystore;
  issuer: string;
  database: Database;
  now: Date;
}

export interface ClientCredentialsInput {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  clientAssertionType?: string | undefined;
  clientAssertion?: string | undefined;
  scope?: string | undefined;
  /** The resource the token is for (RFC 8707), e.g. the MCP endpoint. */
  audience?: string | undefined;
}

export interface ClientCredentialsToken {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
}

interface RegisteredClient {
  clientId: string;
  vo: string;
  client: ServiceClientConfig;
}

const invalidClient = (description: string): OAuthError =>
  new OAuthError('UNAUTHENTICATED', 'invalid_client', description);

function findClient(config: Config, clientId: string): RegisteredClient | undefined {
  for (const [vo, registry] of Object.entries(config.Registry)) {
    const client = Object.hasOwn(registry.ServiceClients, clientId) ? registry.ServiceClients[clientId] : undefined;
    if (client) return { clientId, vo, client };
  }
  return undefined;
}

/** Every service client's secret hash, for the decoy's cost. */
function* configuredSecretHashes(config: Config): Generator<string | undefined> {
  for (const registry of Object.values(config.Registry))
    for (const client of Object.values(registry.ServiceClients)) yield client.ClientSecretHash;
}

/** The client an assertion claims to be (`iss`), read before verification only to find its keys. */
function assertedClientId(assertion: string): string | undefined {
  try {
    return decodeJwt(assertion).iss;
  } catch {
    return undefined;
  }
}

async function authenticate(ctx: ClientCredentialsContext, input: ClientCredentialsInput): Promise<RegisteredClient> {
  const usesAssertion = input.clientAssertion !== undefined || input.clientAssertionType !== undefined;
  if (usesAssertion && input.clientSecret !== undefined)
    throw new OAuthError('INVALID_INPUT', 'invalid_request', 'Use one client authentication method');
  const clientId = input.clientId ?? (input.clientAssertion ? assertedClientId(input.clientAssertion) : undefined);
  if (!clientId) throw invalidClient('Client authentication is required');
  const registered = findClient(ctx.config, clientId);

  if (usesAssertion) {
    if (!registered) throw invalidClient('Client authentication failed');
    if (input.clientAssertionType !== JWT_BEARER_ASSERTION || !input.clientAssertion) {
      throw new OAuthError('INVALID_INPUT', 'invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    }
    await verifyAssertion(ctx, registered, input.clientAssertion);
    return registered;
  }
  // One derivation whatever the client id: an unknown one, or one without a secret, is checked
  // against a decoy hash, so a refusal does not take less work for client ids that do not exist.
  const hash = registered?.client.ClientSecretHash;
  const matches = await verifyClientSecret(
    input.clientSecret ?? '',
    hash ?? decoyClientSecretHash(configuredSecretHashes(ctx.config)),
  );
  if (!registered || hash === undefined || input.clientSecret === undefined || !matches)
    throw invalidClient('Client authentication failed');
  return registered;
}

/**
 * The audiences an assertion may name (RFC 7523 §3, point 3): our token endpoint as derived from
 * the configured issuer, or the issuer itself. Never the URL the request came to: a Host or
 * X-Forwarded-Host header is the caller's to choose, and accepting it would let an assertion
 * made for another server (the audience-injection attack) be replayed here.
 */
const assertionAudiences = (issuer: string): string[] => [urlUnder(issuer, TOKEN_ENDPOINT_PATH), issuer];

async function verifyAssertion(
  ctx: ClientCredentialsContext,
  registered: RegisteredClient,
  assertion: string,
): Promise<void> {
  const jwks = registered.client.JWKS;
  if (!jwks) throw invalidClient('Client authentication failed');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(jwks as JSONWebKeySet), {
      issuer: registered.clientId,
      subject: registered.clientId,
      audience: assertionAudiences(ctx.issuer),
      algorithms: ASSERTION_ALGORITHMS,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: 10,
      currentDate: ctx.now,
    }));
  } catch {
    throw invalidClient('Client authentication failed');
  }
  const exp = payload.exp;
  // requiredClaims already refused an assertion without exp; this only tells the compiler.
  if (exp === undefined) throw invalidClient('Client authentication failed');
  if (exp - ctx.now.getTime() / 1000 > MAX_ASSERTION_LIFETIME_SECONDS)
    throw invalidClient('Client assertion lives too long');
  const outcome = await ctx.database.transaction((tx) =>
    recordClientAssertion(tx, {
      clientId: registered.clientId,
      jti: String(payload.jti),
      expiresAt: new Date(exp * 1000),
    }),
  );
  if (outcome === 'replayed') throw invalidClient('Client assertion was already used');
}

/** Properties the token gets: those requested (`property:` scopes) or all the client may have. */
function grantedProperties(config: Config, registered: RegisteredClient, scope: string | undefined): string[] {
  const { vo, client } = registered;
  const allowed = client.Properties ?? config.Registry[vo]?.Groups[client.Group]?.Properties ?? [];
  const requested: string[] = [];
  for (const item of (scope ?? '').split(' ').filter(Boolean)) {
    const [kind, value] = [item.slice(0, item.indexOf(':')), item.slice(item.indexOf(':') + 1)];
    if (kind === 'vo' && value === vo) continue;
    if (kind === 'group' && value === client.Group) continue;
    if (kind === 'property') requested.push(value);
    else throw new OAuthError('INVALID_INPUT', 'invalid_scope', `Scope ${item} is not available to this client`);
  }
  const beyond = requested.filter((p) => !allowed.includes(p));
  if (beyond.length > 0)
    throw new OAuthError('INVALID_INPUT', 'invalid_scope', `${beyond.join(' ')} not granted to this client`);
  return requested.length > 0 ? [...new Set(requested)].sort() : [...allowed];
}

/** Authenticates the client and issues its access token. */
export async function grantClientCredentials(
  ctx: ClientCredentialsContext,
  input: ClientCredentialsInput,
): Promise<ClientCredentialsToken> {
  const registered = await authenticate(ctx, input);
  const { vo, client } = registered;
  const properties = grantedProperties(ctx.config, registered, input.scope);
  let preferredUsername: string;
  try {
    // The configuration may have changed since it was validated: check membership again.
    ({ preferredUsername } = checkUserMayUseScope(ctx.config, { vo, group: client.Group, properties }, client.Subject));
  } catch (err) {
    throw new OAuthError('INVALID_INPUT', 'unauthorized_client', err instanceof Error ? err.message : String(err));
  }
  const { token } = await issueAccessToken(
    ctx.keystore,
    ctx.issuer,
    {
      vo,
      group: client.Group,
      properties,
      idpSub: client.Subject,
      preferredUsername,
      lifetimeSeconds: client.AccessTokenLifetimeSeconds,
      clientId: registered.clientId,
      audience: input.audience,
    },
    ctx.now,
  );
  return { access_token: token, expires_in: client.AccessTokenLifetimeSeconds, token_type: 'Bearer' };
}
