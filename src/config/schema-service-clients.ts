/**
 * @module config/schema-service-clients
 * Service accounts for agents (our addition beside DiracX's Registry):
 * `Registry.<vo>.ServiceClients.<client_id>` registers an OAuth client that obtains access
 * tokens with the `client_credentials` grant, acting as one user of the VO in one group.
 * It authenticates with a client secret (only its PBKDF2 hash is stored here) or with
 * `private_key_jwt` (its public JWKS is stored here). Cross-checks against the VO's users and
 * groups run in `checkServiceClients`. Web-standard JS only.
 */
import { z } from 'zod';
import { pyInt, pyStr, sortedStrSet } from './schema-primitives.ts';

/** Format of a stored client secret hash: `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`. */
export const CLIENT_SECRET_HASH_PATTERN = /^pbkdf2-sha256\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/;

const PublicJwkSchema = z
  .looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional() })
  .refine((jwk) => !['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in jwk), {
    error: 'must be a public key (no private or symmetric key material)',
  });

export const ServiceClientConfigSchema = z
  .strictObject({
    /** The IdP `sub` of the VO user the client acts as (a key of `Registry.<vo>.Users`). */
    Subject: pyStr,
    /** The group the client's tokens carry; the subject must be a member. */
    Group: pyStr,
    /** Properties of its tokens; default: the group's. Never more than the group's. */
    Properties: sortedStrSet.optional(),
    /** Hash of the client secret (see `bun run client-secret`). */
    ClientSecretHash: pyStr
      .regex(CLIENT_SECRET_HASH_PATTERN, { error: 'expected pbkdf2-sha256$<iterations>$<salt>$<hash>' })
      .optional(),
    /** Public keys that verify the client's `private_key_jwt` assertions. */
    JWKS: z.strictObject({ keys: z.array(PublicJwkSchema).min(1) }).optional(),
    /** Lifetime of the access tokens it gets (short: no refresh token is issued). */
    AccessTokenLifetimeSeconds: pyInt.pipe(z.number().min(30).max(3600)).default(600),
  })
  .refine((c) => c.ClientSecretHash !== undefined || c.JWKS !== undefined, {
    error: 'needs ClientSecretHash or JWKS to authenticate',
  });
export type ServiceClientConfig = z.output<typeof ServiceClientConfigSchema>;

export const ServiceClientsSchema = z.record(z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/), ServiceClientConfigSchema);

interface RegistryShape {
  Users: Record<string, unknown>;
  Groups: Record<string, { Properties: string[]; Users: string[] }>;
  ServiceClients: Record<string, ServiceClientConfig>;
}

/** Adds an issue for every service client whose subject, group or properties do not fit the VO. */
export function checkServiceClients(registry: RegistryShape, ctx: z.core.$RefinementCtx): void {
  for (const [clientId, client] of Object.entries(registry.ServiceClients)) {
    const path = ['ServiceClients', clientId];
    if (!Object.hasOwn(registry.Users, client.Subject)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'Subject'],
        message: `${client.Subject} is not a user of this VO`,
      });
    }
    const group = Object.hasOwn(registry.Groups, client.Group) ? registry.Groups[client.Group] : undefined;
    if (!group) {
      ctx.addIssue({ code: 'custom', path: [...path, 'Group'], message: `${client.Group} is not a group of this VO` });
      continue;
    }
    if (!group.Users.includes(client.Subject)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'Group'],
        message: `${client.Subject} is not a member of ${client.Group}`,
      });
    }
    const extra = (client.Properties ?? []).filter((p) => !group.Properties.includes(p));
    if (extra.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'Properties'],
        message: `${extra.join(', ')} not granted by group ${client.Group}`,
      });
    }
  }
}
