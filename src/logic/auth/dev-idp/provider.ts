/**
 * @module logic/auth/dev-idp/provider
 * The development identity provider: a small OpenID Connect provider built into the server so
 * that the shipped configuration can be logged into without a real IdP. It serves the VOs whose
 * `Registry.<vo>.IdP.URL` is a loopback URL with the path `/dev-idp/<vo>`; that URL is its issuer
 * identifier for the VO (the `iss` of its ID tokens), while its endpoints live under our own
 * public URL (`<base>/dev-idp/<vo>/authorize`, `/token`, `/jwks`), where a browser reaches them.
 *
 * To our login flows it is an ordinary provider: discovery, a JWKS, the authorization-code
 * grant with PKCE S256 (mandatory) for the VO's `ClientID` as a public client, and a signed ID
 * token. Its users are the VO's users in the configuration; the person picks one (no password).
 * Redirect URIs are our own login callbacks on a loopback host only.
 *
 * Its signing key (ES256) is generated per process and never written anywhere: an ID token lives
 * the few seconds between the code exchange and our check of it, and this process is the only
 * one that checks them. Codes are kept in memory (two minutes, single use): the provider serves
 * one development process, not a cluster.
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { Config } from '../../../config/schema.ts';
import type { IdPConfig } from '../../../config/schema-registry.ts';
import { InvalidInputError, NotFoundError, OAuthError } from '../../../core/errors.ts';
import { isLoopbackUrl } from '../../net/loopback.ts';
import { constantTimeEqual, cryptoRandom, pkceChallenge, randomToken, type RandomSource } from '../encoding.ts';

/** Where the provider lives under a server's public URL, and the path of an issuer in the configuration. */
export const DEV_IDP_PATH = '/dev-idp';

/** Our login flows' callbacks: the only places the provider sends a browser back to. */
const CALLBACK_PATHS = ['/api/auth/device/complete', '/api/auth/authorize/complete'] as const;

const ALGORITHM = 'ES256';
const CODE_LIFETIME_MS = 120_000;
const ID_TOKEN_LIFETIME_S = 300;
/** Pending codes held at most; the oldest goes first beyond it. */
const MAX_PENDING_CODES = 10_000;
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE_LENGTH = 8192;
const MAX_NONCE_LENGTH = 512;

/**
 * The VO a development-provider issuer names (`http://localhost:8000/dev-idp/lhcb` names `lhcb`):
 * a loopback http(s) URL whose path is exactly `/dev-idp/<vo>`, without query or fragment.
 */
export function devIdpVoOf(issuer: string): string | undefined {
  if (!isLoopbackUrl(issuer)) return undefined;
  const url = new URL(issuer);
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) return undefined;
  const match = new RegExp(`^${DEV_IDP_PATH}/([^/]+)$`).exec(url.pathname);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/** The VOs of `config` whose identity provider is the development one. */
export function devIdpVos(config: Config): string[] {
  return Object.entries(config.Registry)
    .filter(([vo, registry]) => devIdpVoOf(registry.IdP.URL) === vo)
    .map(([vo]) => vo);
}

export interface DevIdpUser {
  readonly sub: string;
  /** `PreferedUsername` of the configuration. */
  readonly username: string;
  /** The groups that list this user, sorted. */
  readonly groups: readonly string[];
}

/** The users of `vo` in the configuration, by user name. */
export function devIdpUsers(config: Config, vo: string): DevIdpUser[] {
  const registry = Object.hasOwn(config.Registry, vo) ? config.Registry[vo] : undefined;
  if (!registry) return [];
  const groups = Object.entries(registry.Groups);
  return Object.entries(registry.Users)
    .map(([sub, user]) => ({
      sub,
      username: user.PreferedUsername,
      groups: groups
        .filter(([, group]) => group.Users.includes(sub))
        .map(([name]) => name)
        .sort(),
    }))
    .sort((a, b) => a.username.localeCompare(b.username) || a.sub.localeCompare(b.sub));
}

/** A checked authorization request (the query of `/authorize`, or the fields its form carries). */
export interface DevAuthorizationRequest {
  readonly vo: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  readonly scope: string;
  readonly nonce: string | undefined;
}

/** The parameters of an authorization request, as received. */
export type AuthorizationParams = Readonly<Record<string, string | undefined>>;

/** The fields of a form that carries `request` through the login page (inverse of the check). */
export function authorizationParams(request: DevAuthorizationRequest): Record<string, string> {
  return {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope,
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  };
}

/** One of our login callbacks on a loopback host, without query or fragment. */
function isOurCallback(redirectUri: string): boolean {
  if (!isLoopbackUrl(redirectUri) || /[?#]/.test(redirectUri)) return false;
  const { pathname } = new URL(redirectUri);
  return CALLBACK_PATHS.some((path) => pathname.endsWith(path));
}

interface PendingCode {
  readonly request: DevAuthorizationRequest;
  readonly sub: string;
  readonly expiresAt: number;
}

export interface DevIdpOptions {
  /** Our public base URL (the token issuer), under which the endpoints live. */
  readonly baseUrl: string;
  readonly now?: () => Date;
  readonly random?: RandomSource;
}

export interface DevIdpTokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly id_token: string;
  readonly scope: string;
}

export class DevIdentityProvider {
  readonly #baseUrl: string;
  readonly #now: () => Date;
  readonly #random: RandomSource;
  readonly #privateKey: CryptoKey;
  readonly #publicJwk: JWK;
  readonly #codes = new Map<string, PendingCode>();

  private constructor(options: DevIdpOptions, privateKey: CryptoKey, publicJwk: JWK) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? cryptoRandom;
    this.#privateKey = privateKey;
    this.#publicJwk = publicJwk;
  }

  /** A provider with a signing key of its own, generated now. */
  static async create(options: DevIdpOptions): Promise<DevIdentityProvider> {
    const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    const kid = `dev-idp-${randomToken(options.random).slice(0, 16)}`;
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
    return new DevIdentityProvider(options, privateKey, publicJwk);
  }

  /** Where the endpoints of `vo` live (`<base>/dev-idp/<vo>`). */
  endpointBase(vo: string): string {
    return `${this.#baseUrl}${DEV_IDP_PATH}/${encodeURIComponent(vo)}`;
  }

  /** `vo`'s identity provider when it is this one. @throws NotFoundError otherwise. */
  served(config: Config, vo: string): IdPConfig {
    const registry = Object.hasOwn(config.Registry, vo) ? config.Registry[vo] : undefined;
    if (!registry || devIdpVoOf(registry.IdP.URL) !== vo) throw new NotFoundError('Not Found');
    return registry.IdP;
  }

  /** The OpenID Connect discovery document of `vo`. */
  metadata(config: Config, vo: string): Record<string, unknown> {
    const idp = this.served(config, vo);
    const base = this.endpointBase(vo);
    return {
      issuer: idp.URL,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [ALGORITHM],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'profile'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username'],
    };
  }

  /** The public signing key. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.#publicJwk] };
  }

  /**
   * Checks an authorization request for `vo`: `response_type=code`, the VO's client id, one of
   * our callbacks on a loopback host, a `state`, `openid` in the scope, and a PKCE S256 challenge.
   * @throws NotFoundError for a VO this provider does not serve; InvalidInputError naming the
   * first problem otherwise.
   */
  checkAuthorizationRequest(config: Config, vo: string, params: AuthorizationParams): DevAuthorizationRequest {
    const idp = this.served(config, vo);
    const get = (name: string): string => params[name] ?? '';
    if (get('response_type') !== 'code') throw new InvalidInputError('response_type must be code');
    if (get('client_id') !== idp.ClientID) throw new InvalidInputError(`unknown client_id for VO ${vo}`);
    if (!isOurCallback(get('redirect_uri'))) {
      throw new InvalidInputError("redirect_uri must be this server's login callback on a loopback address");
    }
    const state = get('state');
    if (state === '' || state.length > MAX_STATE_LENGTH) throw new InvalidInputError('state is missing or too long');
    const scope = get('scope');
    if (!scope.split(' ').includes('openid')) throw new InvalidInputError('scope must include openid');
    if (get('code_challenge_method') !== 'S256' || !CODE_CHALLENGE.test(get('code_challenge'))) {
      throw new InvalidInputError('a PKCE code_challenge with code_challenge_method S256 is required');
    }
    const nonce = params.nonce;
    if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) throw new InvalidInputError('nonce is too long');
    return {
      vo,
      clientId: idp.ClientID,
      redirectUri: get('redirect_uri'),
      state,
      codeChallenge: get('code_challenge'),
      scope,
      nonce: nonce === '' ? undefined : nonce,
    };
  }

  /**
   * Logs the person in as `sub` (a user of the request's VO) and returns the URL that sends the
   * browser back to the client with a fresh code.
   * @throws InvalidInputError when `sub` is not a user of that VO.
   */
  approve(config: Config, request: DevAuthorizationRequest, sub: string): string {
    if (!devIdpUsers(config, request.vo).some((user) => user.sub === sub)) {
      throw new InvalidInputError(`no such user in VO ${request.vo}`);
    }
    const now = this.#now().getTime();
    for (const [code, pending] of this.#codes) {
      if (pending.expiresAt <= now || this.#codes.size >= MAX_PENDING_CODES) this.#codes.delete(code);
    }
    const code = randomToken(this.#random);
    this.#codes.set(code, { request, sub, expiresAt: now + CODE_LIFETIME_MS });
    const query = new URLSearchParams({ code, state: request.state });
    return `${request.redirectUri}?${query}`;
  }

  /**
   * The token endpoint: redeems a code once, for the client, redirect URI and PKCE verifier of
   * its request, and answers an ID token for the user picked.
   * @throws OAuthError invalid_request / unsupported_grant_type / invalid_grant.
   */
  async redeem(config: Config, vo: string, form: AuthorizationParams): Promise<DevIdpTokenResponse> {
    const idp = this.served(config, vo);
    if (form.grant_type !== 'authorization_code') throw new OAuthError('INVALID_INPUT', 'unsupported_grant_type');
    const { code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId } = form;
    if (!code || !verifier || !redirectUri || !clientId) {
      throw new OAuthError('INVALID_INPUT', 'invalid_request', 'code, code_verifier, redirect_uri, client_id');
    }
    const pending = this.#codes.get(code);
    this.#codes.delete(code);
    const now = this.#now();
    const valid =
      pending !== undefined &&
      pending.expiresAt > now.getTime() &&
      pending.request.vo === vo &&
      pending.request.clientId === clientId &&
      clientId === idp.ClientID &&
      pending.request.redirectUri === redirectUri &&
      constantTimeEqual(await pkceChallenge(verifier), pending.request.codeChallenge);
    if (!valid) throw new OAuthError('INVALID_INPUT', 'invalid_grant');
    const user = devIdpUsers(config, vo).find((u) => u.sub === pending.sub);
    if (!user) throw new OAuthError('INVALID_INPUT', 'invalid_grant', 'the user is no longer in the configuration');
    const issuedAt = Math.floor(now.getTime() / 1000);
    const idToken = await new SignJWT({
      preferred_username: user.username,
      auth_time: issuedAt,
      ...(pending.request.nonce === undefined ? {} : { nonce: pending.request.nonce }),
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.#publicJwk.kid ?? '' })
      .setIssuer(idp.URL)
      .setAudience(idp.ClientID)
      .setSubject(user.sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ID_TOKEN_LIFETIME_S)
      .sign(this.#privateKey);
    return {
      access_token: randomToken(this.#random),
      token_type: 'Bearer',
      expires_in: ID_TOKEN_LIFETIME_S,
      id_token: idToken,
      scope: pending.request.scope,
    };
  }
}
