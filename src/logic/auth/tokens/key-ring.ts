/**
 * @module logic/auth/tokens/key-ring
 * Where this process gets its token keys. An issuing process holds the keystore (swappable on
 * rotation without a restart); a verifier-only process fetches the issuer's JWKS from a URL
 * through jose's remote key set (cached, with a cooldown, refetched when an unknown `kid`
 * appears). Both expose the same `getKey` for verification and the JWKS to publish.
 */
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { UnavailableError } from '../../../core/errors.ts';
import { publicJwks, type Keystore } from './keystore.ts';

export interface KeyRing {
  /** Resolves the verification key of a token. */
  readonly getKey: JWTVerifyGetKey;
  /** The public JWKS this process publishes at `/.well-known/jwks.json`. */
  publishedJwks(): Promise<JSONWebKeySet>;
  /** The keystore that signs tokens; throws `UnavailableError` on a verifier-only process. */
  keystore(): Keystore;
}

/** Key ring of an issuing process; `replace` installs a rotated keystore at once. */
export class LocalKeyRing implements KeyRing {
  #keystore: Keystore;
  #jwks: ReturnType<typeof createLocalJWKSet>;

  constructor(keystore: Keystore) {
    this.#keystore = keystore;
    this.#jwks = createLocalJWKSet(publicJwks(keystore) as JSONWebKeySet);
  }

  readonly getKey: JWTVerifyGetKey = (header, token) => this.#jwks(header, token);

  async publishedJwks(): Promise<JSONWebKeySet> {
    return publicJwks(this.#keystore) as JSONWebKeySet;
  }

  keystore(): Keystore {
    return this.#keystore;
  }

  replace(keystore: Keystore): void {
    this.#keystore = keystore;
    this.#jwks = createLocalJWKSet(publicJwks(keystore) as JSONWebKeySet);
  }
}

export interface RemoteKeyRingOptions {
  /** How long a fetched JWKS is used before it is fetched again (ms). */
  cacheMaxAgeMs: number;
  /** Minimum time between two fetches triggered by unknown key ids (ms). */
  cooldownMs: number;
  timeoutMs?: number;
}

/** Key ring of a verifier-only process, reading the issuer's JWKS from `url`. */
export function createRemoteKeyRing(url: URL, options: RemoteKeyRingOptions): KeyRing {
  const remote = createRemoteJWKSet(url, {
    cacheMaxAge: options.cacheMaxAgeMs,
    cooldownDuration: options.cooldownMs,
    timeoutDuration: options.timeoutMs ?? 5000,
  });
  return {
    getKey: remote,
    publishedJwks: async () => {
      if (!remote.fresh) await remote.reload().catch(() => undefined);
      const jwks = remote.jwks();
      if (!jwks) throw new UnavailableError('The issuer key set cannot be fetched');
      return jwks;
    },
    keystore: () => {
      throw new UnavailableError('This server only verifies tokens; it does not issue them');
    },
  };
}
