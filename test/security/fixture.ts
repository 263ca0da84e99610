/**
 * The security matrix's world: the handler with the gubbins extension and an in-memory sandbox
 * store, the callers (five people of the shipped configuration and six broken credentials),
 * and fresh data per cell — a job of chaen's whose name is a secret marker, a sandbox of
 * chaen's, a pilot of lhcb, a gubbins owner — so that a call that changes something never
 * decides the next cell. Every core policy has an override in force (gubbins' `wms`,
 * pass-through ones for the others), so that the matrix can tell a check made through the
 * policy registry from a direct call of a core policy.
 */
import gubbins from '@diracx-ts/gubbins';
import { decodeJwt, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { AuthedUser } from '../../src/core/user.ts';
import { DiracxError } from '../../src/core/errors.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { toHttpResponse } from '../../src/wire/http-errors.ts';
import { importSigningSecret } from '../../src/storage/local-signature.ts';
import { LocalObjectStore, MemoryBlobDirectory } from '../../src/storage/local-store.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { makeSandbox, STORE_SETTINGS } from '../routes/sandboxes/app.ts';
import { packTar } from '../../src/logic/sandboxes/archive/tar-write.ts';
import { assignOutput, uploadArchive, zstd } from '../harness/sandbox-seed.ts';
import { PASS_THROUGH_OVERRIDES } from './pass-through-overrides.ts';

export const ISSUER = 'http://test';
export const MCP_URL = `${ISSUER}/mcp`;

/** People, by their relation to chaen's job. */
export const PEOPLE = {
  owner: ['lhcb', 'lhcb_user', 'chaen'],
  sameVo: ['lhcb', 'lhcb_user', 'albdr'],
  otherVo: ['gridpp', 'gridpp_user', 'alice'],
  jobAdministrator: ['lhcb', 'lhcb_admin', 'lhcbadmin'],
  pilot: ['lhcb', 'lhcb_pilot', 'lhcbpilot'],
} as const satisfies Record<string, readonly [string, string, string]>;
export type Person = keyof typeof PEOPLE;

/** Credentials that must never get in. */
export const BROKEN = ['noToken', 'expired', 'otherAudience', 'otherSide', 'unknownKey', 'algNone'] as const;
export type Broken = (typeof BROKEN)[number];
export type Caller = Person | Broken;
export const CALLERS: readonly Caller[] = [...(Object.keys(PEOPLE) as Person[]), ...BROKEN];
export const isPerson = (c: Caller): c is Person => c in PEOPLE;

export interface World {
  app: TestApp;
  /** The bearer token of `caller` for REST, or for `/mcp` (undefined: no Authorization). */
  token(caller: Caller, forMcp: boolean): Promise<string | undefined>;
  /** The verified user behind a person's token. */
  user(person: Person): Promise<AuthedUser>;
  /**
   * What the policy in force says to `person` for each check, in order: undefined (allowed) or the
   * first refusal's HTTP status and error code.
   */
  refusal(person: Person, checks: readonly Check[]): Promise<{ status: number; code: string } | undefined>;
  dispose(): Promise<void>;
}

/** One policy check a route or tool makes, with the arguments it makes it with. */
export type Check = readonly [AccessPolicy<never>, unknown];

/** Fresh data of one cell, made on first use. */
export interface Cell {
  /** A job of chaen (lhcb_user) named with `marker`. */
  job(): Promise<number>;
  /** A sandbox of chaen's (lhcb_user): its full PFN (`SB:...`). */
  pfn(): Promise<string>;
  /**
   * `job()` with an output sandbox (a `tar.zst` whose StdErr names `marker`), uploaded by chaen and
   * assigned by the VO's pilot: the job and the sandbox's full PFN.
   */
  jobWithOutput(): Promise<{ jobId: number; pfn: string }>;
  /** A pilot of lhcb: its stamp. */
  pilot(): Promise<string>;
  /** A gubbins owner of lhcb: its id. */
  gubbinsOwner(): Promise<number>;
  /** A name no one else's data carries. */
  readonly marker: string;
}

export async function createWorld(): Promise<World> {
  const directory = new MemoryBlobDirectory();
  const store = new LocalObjectStore({
    directory,
    signingKey: await importSigningSecret(crypto.getRandomValues(new Uint8Array(32))),
    maxSizeBytes: STORE_SETTINGS.maxSizeBytes,
  });
  const app = await createTestApp({
    issuer: ISSUER,
    extensions: [gubbins, PASS_THROUGH_OVERRIDES],
    sandboxes: { store, settings: STORE_SETTINGS },
    mcp: {
      resourceUrl: MCP_URL,
      allowedHosts: ['test'],
      allowedOrigins: [],
      confirmThreshold: 1000,
      rateLimitPerMinute: 0,
    },
    flows: { settings: { tokenRateLimitPerMinute: 0, loginRateLimitPerMinute: 0, registrationRateLimitPerMinute: 0 } },
  });
  const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const strangerKid = `stranger-${crypto.randomUUID()}`;

  const tokenOf = (person: Person, forMcp: boolean): Promise<string> => {
    const [vo, group, name] = PEOPLE[person];
    return app.tokens.tokenFor(vo, group, name, forMcp ? { audience: MCP_URL } : {});
  };
  const claimsOf = async (forMcp: boolean): Promise<JWTPayload> => decodeJwt(await tokenOf('owner', forMcp));
  const now = Math.floor(Date.now() / 1000);
  const broken: Record<Broken, (forMcp: boolean) => Promise<string | undefined>> = {
    noToken: async () => undefined,
    expired: async (forMcp) => app.tokens.sign({ ...(await claimsOf(forMcp)), iat: now - 7200, exp: now - 3600 }),
    otherAudience: async (forMcp) =>
      app.tokens.sign({ ...(await claimsOf(forMcp)), aud: 'https://elsewhere.example/api' }),
    // The owner's valid token for the other entry point: an /mcp token at REST, a REST one at /mcp.
    otherSide: async (forMcp) => tokenOf('owner', !forMcp),
    unknownKey: async (forMcp) =>
      new SignJWT({ ...(await claimsOf(forMcp)) })
        .setProtectedHeader({ alg: 'EdDSA', kid: strangerKid, typ: 'JWT' })
        .sign(stranger.privateKey),
    algNone: async (forMcp) => {
      const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ alg: 'none', typ: 'JWT' })}.${part(await claimsOf(forMcp))}.`;
    },
  };
  const token = async (caller: Caller, forMcp: boolean): Promise<string | undefined> =>
    isPerson(caller) ? tokenOf(caller, forMcp) : broken[caller](forMcp);
  const user = async (person: Person): Promise<AuthedUser> => app.tokens.auth.verifier((await token(person, false))!);

  return {
    app,
    token,
    user,
    async refusal(person, checks) {
      const policyCtx = {
        user: await user(person),
        config: app.config.current().config,
        database: app.database,
        policies: app.extensions.policies,
      };
      for (const [policy, args] of checks) {
        try {
          await app.extensions.policies.resolve(policy).check(policyCtx, args as never);
        } catch (err) {
          if (!(err instanceof DiracxError)) throw err;
          return { status: toHttpResponse(err, app.apiDeps.log).status, code: err.code };
        }
      }
      return undefined;
    },
    dispose: () => app.dispose(),
  };
}

async function asOwner(
  app: TestApp,
  method: string,
  path: string,
  body: unknown,
  as: Person = 'owner',
): Promise<unknown> {
  const res = await app.fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${await app.tokens.tokenFor(PEOPLE[as][0], PEOPLE[as][1], PEOPLE[as][2])}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`fixture ${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

let serial = 0;

/** Fresh data for one cell of the matrix. */
export function newCell(world: World): Cell {
  const marker = `matrix-secret-${crypto.randomUUID()}`;
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const { app } = world;
  const job = once(
    async () =>
      (
        (await asOwner(app, 'POST', '/api/jobs/jdl', [`[Executable = "echo"; JobName = "${marker}";]`])) as {
          JobID: number;
        }[]
      )[0]!.JobID,
  );
  return {
    marker,
    job,
    jobWithOutput: once(async () => {
      const jobId = await job();
      const archive = await zstd(packTar([{ name: 'StdErr', data: new TextEncoder().encode(`failed: ${marker}\n`) }]));
      const pfn = await uploadArchive(app, 'owner', archive, 'tar.zst');
      await assignOutput(app, jobId, pfn);
      return { jobId, pfn };
    }),
    pfn: once(async () => {
      const { info } = await makeSandbox(64 + (++serial % 64));
      return ((await asOwner(app, 'POST', '/api/jobs/sandbox', info)) as { pfn: string }).pfn;
    }),
    pilot: once(async () => {
      const stamp = `matrix-${++serial}`;
      // Pilots register themselves (GenericPilot, into their own VO).
      await asOwner(app, 'POST', '/api/pilots/', { pilot_stamp: stamp, vo: 'lhcb' }, 'pilot');
      return stamp;
    }),
    gubbinsOwner: once(
      async () =>
        ((await asOwner(app, 'POST', '/api/gubbins/owners', { name: `owner-${++serial}` })) as { OwnerID: number })
          .OwnerID,
    ),
  };
}
