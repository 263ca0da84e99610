/**
 * @module logic/auth/tokens/tokens
 * Signing DiracX tokens with the keystore's signing key, and the claims they carry
 * (`diracx-core/.../models/auth.py: AccessTokenPayload, RefreshTokenPayload`): access tokens
 * have `sub`, `vo`, `iss`, `dirac_properties`, `jti`, `preferred_username`, `dirac_group`,
 * `exp`, `dirac_policies` and no `aud` unless one is asked for; refresh tokens have `jti`,
 * `exp`, `legacy_exchange`, `dirac_policies`. Ours issued to another client than DiracX's own,
 * or for a resource (RFC 8707), also name the client (`client_id`) and the resource their
 * access tokens are for (`resource`), so that a refresh is bound to both (see
 * `../grants/refresh-token.ts`); those of DiracX's own client for the REST API carry exactly
 * DiracX's claims, so that a DiracX server in the same fleet reads them as its own.
 */
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { signingKey, type Keystore } from './keystore.ts';
import { newUuid7, uuid7Time } from '../uuid7.ts';

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  vo: string;
  iss: string;
  dirac_properties: string[];
  jti: string;
  preferred_username: string;
  dirac_group: string;
  exp: number;
  dirac_policies: Record<string, unknown>;
  /** Present only on tokens minted for a named audience (e.g. an MCP resource). */
  aud?: string;
  /** The OAuth client the token was issued to, when it is not DiracX's own client. */
  client_id?: string;
}

export interface RefreshTokenClaims extends JWTPayload {
  jti: string;
  exp: number;
  legacy_exchange: boolean;
  dirac_policies: Record<string, unknown>;
  /** The OAuth client the token was issued to; absent on DiracX's tokens. */
  client_id?: string;
  /** The resource (RFC 8707) the token's access tokens are for; absent: the REST API, audience-less. */
  resource?: string;
}

/**
 * Signs `claims` with the keystore's signing key. The header is joserfc's, as DiracX writes it:
 * `typ: JWT`, then the key's `alg` and `kid`.
 */
export async function signToken(keystore: Keystore, claims: JWTPayload): Promise<string> {
  const key = signingKey(keystore);
  // WebCrypto refuses `verify` in key_ops of a private key; jose derives the usage itself.
  const { key_ops: _ops, ...material } = key;
  const privateKey = await importJWK(material, key.alg);
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: key.alg, kid: key.kid }).sign(privateKey);
}

export interface AccessTokenRequest {
  vo: string;
  group: string;
  properties: readonly string[];
  /** The user's `sub` at the VO's identity provider (the token's `sub` is `<vo>:<this>`). */
  idpSub: string;
  preferredUsername: string;
  lifetimeSeconds: number;
  /** Restricts the token to one resource (e.g. the MCP endpoint); DiracX's own tokens have none. */
  audience?: string | undefined;
  clientId?: string | undefined;
  policies?: Record<string, unknown>;
}

export interface IssuedToken<Claims> {
  token: string;
  claims: Claims;
}

/**
 * Mints a DiracX access token. As in DiracX, `jti` is a uuid7 and `exp` is the jti's time plus
 * the lifetime, so the token's age can be read from its id.
 */
export async function issueAccessToken(
  keystore: Keystore,
  issuer: string,
  request: AccessTokenRequest,
  now: Date,
): Promise<IssuedToken<AccessTokenClaims>> {
  const jti = newUuid7(now);
  const claims: AccessTokenClaims = {
    sub: `${request.vo}:${request.idpSub}`,
    vo: request.vo,
    iss: issuer,
    dirac_properties: [...request.properties],
    jti,
    preferred_username: request.preferredUsername,
    dirac_group: request.group,
    exp: Math.floor(uuid7Time(jti).getTime() / 1000) + request.lifetimeSeconds,
    dirac_policies: request.policies ?? {},
    ...(request.audience ? { aud: request.audience } : {}),
    ...(request.clientId ? { client_id: request.clientId } : {}),
  };
  return { token: await signToken(keystore, claims), claims };
}
