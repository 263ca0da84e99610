/**
 * @module logic/auth/flows/idp-client
 * Our side of the login at a VO's identity provider (DiracX's `logic/auth/utils.py`): OpenID
 * discovery of `Registry.<vo>.IdP.URL` (cached one hour), the authorization URL we send the
 * person to (code flow, PKCE S256, `openid profile`, our sealed state), and the exchange of the
 * code the IdP returns for an ID token, as a public client. The ID token is verified with the
 * IdP's JWKS (one jose remote key set per IdP): `iss`, `aud` containing our client id, `exp`,
 * `iat`, `sub`, and an algorithm the IdP advertises.
 *
 * Failures: an IdP that cannot be reached, answers 5xx or garbage is `UpstreamError` (502, as
 * DiracX's `IAMServerError`); an IdP that refuses our code, or an ID token that does not verify,
 * is `UnauthenticatedError` with the caller's detail (401, DiracX's `IAMClientError`).
 * HTTP goes through an injected `fetch`; time through `now`. Never logs codes or tokens.
 */
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { idpServerMetadataUrl, type IdPConfig } from '../../../config/schema-registry.ts';
import type { IdTokenClaims } from '../../../db/schema/auth.ts';
import { UnauthenticatedError, UpstreamError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';

/** The part of `fetch` we use; injectable so tests can fake an unreachable IdP. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

const MetadataSchema = z.looseObject({
  issuer: z.string().min(1),
  authorization_endpoint: z.string().min(1),
  token_endpoint: z.string().min(1),
  jwks_uri: z.string().min(1),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});
export type IdpMetadata = z.output<typeof MetadataSchema>;

export interface IdpClientOptions {
  fetch: FetchLike;
  now: () => Date;
  log: Logger;
  /** Per HTTP call to the IdP (default 10 s). */
  timeoutMs?: number;
  /** How long discovery documents are reused (default one hour, as DiracX). */
  metadataTtlMs?: number;
}

export interface CodeExchange {
  code: string;
  codeVerifier: string;
  /** The redirect URI the authorization request named (our callback). */
  redirectUri: string;
}

/** DiracX's detail for an IdP that failed us. */
export const IAM_SERVER_FAILED = 'Failed to contact IAM server';

/** jose error codes that mean "this token is not acceptable" (rather than "the IdP failed"). */
const TOKEN_REFUSALS = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

/** Tolerated clock difference with the IdP when checking its ID tokens. */
const ID_TOKEN_CLOCK_TOLERANCE_S = 60;

export class IdpClient {
  readonly #options: Required<IdpClientOptions>;
  readonly #metadata = new Map<string, { value: IdpMetadata; expiresAt: number }>();
  readonly #keySets = new Map<string, JWTVerifyGetKey>();

  constructor(options: IdpClientOptions) {
    this.#options = { timeoutMs: 10_000, metadataTtlMs: 3_600_000, ...options };
  }

  /** The IdP's discovery document, fetched at most once an hour. */
  async metadata(idp: IdPConfig): Promise<IdpMetadata> {
    const url = idpServerMetadataUrl(idp);
    const now = this.#options.now().getTime();
    const cached = this.#metadata.get(url);
    if (cached && cached.expiresAt > now) return cached.value;
    const response = await this.#call(url, { method: 'GET', headers: { accept: 'application/json' } });
    const parsed = response.ok ? MetadataSchema.safeParse(await response.json().catch(() => undefined)) : undefined;
    if (!parsed?.success) {
      this.#options.log.warn('identity provider metadata unusable', { url, status: response.status });
      throw new UpstreamError('Failed to retrieve IAM server metadata');
    }
    this.#metadata.set(url, { value: parsed.data, expiresAt: now + this.#options.metadataTtlMs });
    return parsed.data;
  }

  /** Where to send the person: the IdP's authorization endpoint with our request in the query. */
  async authorizationUrl(
    idp: IdPConfig,
    request: { redirectUri: string; state: string; codeChallenge: string },
  ): Promise<string> {
    const { authorization_endpoint: endpoint } = await this.metadata(idp);
    const params: [string, string][] = [
      ['response_type', 'code'],
      ['code_challenge', request.codeChallenge],
      ['code_challenge_method', 'S256'],
      ['client_id', idp.ClientID],
      ['redirect_uri', request.redirectUri],
      ['scope', 'openid profile'],
      ['state', request.state],
    ];
    const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return `${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}`;
  }

  /**
   * Redeems the IdP's authorization code and returns the verified ID token's claims.
   * @param refusedDetail what the client sees when the IdP refuses (DiracX differs per flow).
   */
  async exchangeCode(idp: IdPConfig, exchange: CodeExchange, refusedDetail: string): Promise<IdTokenClaims> {
    const metadata = await this.metadata(idp);
    const response = await this.#call(metadata.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: idp.ClientID,
        code: exchange.code,
        code_verifier: exchange.codeVerifier,
        redirect_uri: exchange.redirectUri,
      }).toString(),
    });
    if (response.status >= 500) throw new UpstreamError(IAM_SERVER_FAILED);
    if (response.status >= 400) {
      this.#options.log.warn('identity provider refused the code', { status: response.status });
      throw new UnauthenticatedError(refusedDetail);
    }
    const body: unknown = await response.json().catch(() => undefined);
    const idToken = typeof body === 'object' && body !== null ? (body as { id_token?: unknown }).id_token : undefined;
    if (typeof idToken !== 'string') throw new UpstreamError(IAM_SERVER_FAILED);
    return this.#verifyIdToken(idp, metadata, idToken, refusedDetail);
  }

  async #verifyIdToken(
    idp: IdPConfig,
    metadata: IdpMetadata,
    idToken: string,
    refusedDetail: string,
  ): Promise<IdTokenClaims> {
    try {
      const { payload } = await jwtVerify(idToken, this.#keySet(metadata.jwks_uri), {
        issuer: metadata.issuer,
        audience: idp.ClientID,
        algorithms: metadata.id_token_signing_alg_values_supported ?? ['RS256'],
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: this.#options.now(),
        clockTolerance: ID_TOKEN_CLOCK_TOLERANCE_S,
      });
      return payload as IdTokenClaims;
    } catch (err) {
      const code = err instanceof errors.JOSEError ? err.code : err instanceof Error ? err.name : 'unknown';
      // Anything but a refusal of the token itself (key set unreachable, not JSON, ...) is
      // the IdP's fault, not the person's.
      if (!TOKEN_REFUSALS.has(code)) {
        this.#options.log.warn('identity provider key set unusable', { reason: code });
        throw new UpstreamError(IAM_SERVER_FAILED);
      }
      this.#options.log.warn('identity provider ID token refused', { reason: code });
      throw new UnauthenticatedError(refusedDetail);
    }
  }

  #keySet(jwksUri: string): JWTVerifyGetKey {
    let keySet = this.#keySets.get(jwksUri);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUri), {
        cacheMaxAge: this.#options.metadataTtlMs,
        timeoutDuration: this.#options.timeoutMs,
        [customFetch]: this.#options.fetch,
      });
      this.#keySets.set(jwksUri, keySet);
    }
    return keySet;
  }

  /** One HTTP call to the IdP; an unreachable or slow IdP is `UpstreamError`. */
  async #call(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#options.fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (err) {
      this.#options.log.warn('identity provider unreachable', {
        url,
        reason: err instanceof Error ? err.name : 'unknown',
      });
      throw new UpstreamError(IAM_SERVER_FAILED);
    }
  }
}
