/**
 * @module testing/auth
 * Token machinery of the testing kit: a fresh keystore, the same verifier the server uses, and
 * tokens minted for users of a test configuration (or with any claims). Test-side only: it mints
 * tokens without a login, so nothing the server runs imports it.
 */
import { SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../config/schema.ts';
import { subFromPreferredUsername } from '../config/schema.ts';
import {
  createAuthFlowServices,
  DEFAULT_AUTH_FLOW_SETTINGS,
  type AuthFlowSettings,
} from '../logic/auth/flows/flow-context.ts';
import type { FetchLike } from '../logic/auth/flows/idp-client.ts';
import { LocalKeyRing } from '../logic/auth/tokens/key-ring.ts';
import { generateKeystore, type Keystore } from '../logic/auth/tokens/keystore.ts';
import { generateStateKey } from '../logic/auth/flows/state.ts';
import { importCsrfKey } from '../routes/auth/pages/csrf.ts';
import { issueAccessToken, signToken } from '../logic/auth/tokens/tokens.ts';
import { createAccessTokenVerifier } from '../logic/auth/tokens/verify.ts';
import type { Logger } from '../core/logger.ts';
import type { AuthDeps } from '../routes/deps.ts';

/** The issuer of an in-process test app's tokens (a listening test server uses its own URL). */
export const TEST_ISSUER = 'http://diracx.test.invalid';
/** The signing algorithms a test app accepts. */
export const TEST_ALGORITHMS = ['RS256', 'Ed25519', 'EdDSA'] as const;

/** A test app's keys, its verifier and token minting. */
export interface TestAuth {
  auth: AuthDeps;
  ring: LocalKeyRing;
  keystore: Keystore;
  /** A valid access token for `preferredUsername` in `group` of `vo`, with the group's properties. */
  tokenFor(
    vo: string,
    group: string,
    preferredUsername: string,
    options?: { lifetimeSeconds?: number; properties?: string[]; audience?: string },
  ): Promise<string>;
  /** Signs arbitrary claims with the test keystore (for malformed-token tests). */
  sign(claims: JWTPayload): Promise<string>;
}

/** How the login flows of a test app differ from DiracX's defaults. */
export interface TestFlowOptions {
  settings?: Partial<AuthFlowSettings>;
  /** The flows' clock (default: the system clock). */
  now?: () => Date;
  /** HTTP towards identity providers (default: the global fetch). */
  fetch?: FetchLike;
}

/** A fresh keystore and the auth dependencies of a handler that trusts it; tokens are for users of `config`. */
export async function createTestAuth(
  config: Config,
  log: Logger,
  flowOptions: TestFlowOptions = {},
  issuer: string = TEST_ISSUER,
): Promise<TestAuth> {
  const keystore = await generateKeystore('Ed25519');
  const ring = new LocalKeyRing(keystore);
  const verifier = createAccessTokenVerifier({
    issuer,
    algorithms: TEST_ALGORITHMS,
    keys: ring.getKey,
    clockToleranceSeconds: 10,
    log,
  });
  return {
    auth: {
      issuer,
      verifier,
      keyRing: ring,
      algorithms: TEST_ALGORITHMS,
      flows: createAuthFlowServices({
        settings: { ...DEFAULT_AUTH_FLOW_SETTINGS, ...flowOptions.settings },
        stateKey: await generateStateKey(),
        csrfKey: await importCsrfKey(crypto.getRandomValues(new Uint8Array(32))),
        log,
        ...(flowOptions.now ? { now: flowOptions.now } : {}),
        ...(flowOptions.fetch ? { fetch: flowOptions.fetch } : {}),
      }),
    },
    ring,
    keystore,
    tokenFor: (vo, group, preferredUsername, options) =>
      mintTokenFor(config, ring.keystore(), issuer, { vo, group, preferredUsername, ...options }),
    sign: (claims) => signToken(ring.keystore(), claims),
  };
}

/** Whom a token is for, and how it differs from the default. */
export interface TokenSubject {
  vo: string;
  group: string;
  preferredUsername: string;
  lifetimeSeconds?: number;
  /** Defaults to the group's properties. */
  properties?: string[];
  /** The resource the token is for (e.g. the MCP endpoint). */
  audience?: string;
}

/** Mints an access token for a user of `config`, with the group's properties by default. */
export async function mintTokenFor(
  config: Config,
  keystore: Keystore,
  issuer: string,
  subject: TokenSubject,
): Promise<string> {
  const { vo, group, preferredUsername } = subject;
  const registry = config.Registry[vo];
  const idpSub = registry ? subFromPreferredUsername(registry, preferredUsername) : undefined;
  const properties = subject.properties ?? registry?.Groups[group]?.Properties;
  if (!idpSub || !properties)
    throw new Error(`no user ${preferredUsername} in ${vo}/${group} of the test configuration`);
  const { token } = await issueAccessToken(
    keystore,
    issuer,
    {
      vo,
      group,
      properties,
      idpSub,
      preferredUsername,
      lifetimeSeconds: subject.lifetimeSeconds ?? 1200,
      audience: subject.audience,
    },
    new Date(),
  );
  return token;
}

/** Signs claims with a header and key of the caller's choosing (forged-token tests). */
export function signWith(
  claims: JWTPayload,
  header: { alg: string; kid?: string },
  key: CryptoKey | Uint8Array,
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}
