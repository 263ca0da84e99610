/**
 * Service clients for client-credentials tests: the shipped development configuration plus two
 * registered clients of VO lhcb, one authenticating with a secret, one with private_key_jwt,
 * and the secret and private key their owners hold.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { parseConfig } from '../../src/config/parse.ts';
import type { Config } from '../../src/config/schema.ts';
import { generateClientSecret, hashClientSecret } from '../../src/logic/auth/clients/client-secret.ts';

export const SECRET_CLIENT = 'lhcb-monitor';
export const JWT_CLIENT = 'lhcb-jwt-agent';
export const CHAEN_SUB = 'b824d4dc-1f9d-4ee8-8df5-c0ae55d46041';
export const ALBDR_SUB = 'c935e5ed-2g0e-5ff9-9eg6-d1bf66e57152';

export interface ServiceClientFixture {
  /** Raw configuration document (YAML-decoded) with the two clients. */
  raw: Record<string, unknown>;
  config: Config;
  secret: string;
  /** The private key of JWT_CLIENT (extractable, so examples can be handed it as a JWK). */
  privateKey: CryptoKey;
  kid: string;
  /** A client assertion for JWT_CLIENT with the given audience and claims. */
  assertion(audience: string, claims?: { jti?: string; expiresInSeconds?: number; iss?: string }): Promise<string>;
}

export async function createServiceClientFixture(): Promise<ServiceClientFixture> {
  const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as {
    Registry: Record<string, Record<string, unknown>>;
  } & Record<string, unknown>;
  const secret = generateClientSecret();
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'agent-key-1';
  raw.Registry.lhcb!.ServiceClients = {
    [SECRET_CLIENT]: { Subject: CHAEN_SUB, Group: 'lhcb_user', ClientSecretHash: await hashClientSecret(secret, 1000) },
    [JWT_CLIENT]: {
      Subject: ALBDR_SUB,
      Group: 'lhcb_user',
      Properties: ['NormalUser'],
      JWKS: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256' }] },
      AccessTokenLifetimeSeconds: 300,
    },
  };
  return {
    raw,
    config: parseConfig(raw),
    secret,
    privateKey,
    kid,
    assertion: (audience, claims = {}) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(claims.iss ?? JWT_CLIENT)
        .setSubject(claims.iss ?? JWT_CLIENT)
        .setAudience(audience)
        .setJti(claims.jti ?? crypto.randomUUID())
        .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expiresInSeconds ?? 60))
        .sign(privateKey),
  };
}
