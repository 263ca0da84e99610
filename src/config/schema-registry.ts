/**
 * @module config/schema-registry
 *
 * The `Registry` part of the DiracX configuration: one entry per VO with its
 * identity provider, users (keyed by the IdP `sub`) and groups (a set of
 * security properties and a set of member subs). Keys are the YAML/wire
 * names (pydantic aliases); every model here rejects unknown keys, as
 * upstream's `extra="forbid"` does. Also the tiny lookups upstream defines
 * on these models. Web-standard JS only.
 */
import { z } from 'zod';
import { pyBool, pyEmail, pyFloat, pyInt, pyStr, sortedStrSet, strList } from './schema-primitives.ts';
import { checkServiceClients, ServiceClientsSchema } from './schema-service-clients.ts';

/** One user of a VO (`Registry.<vo>.Users.<sub>`). */
export const UserConfigSchema = z.strictObject({
  /** Preferred username (sic: upstream's spelling of the key). */
  PreferedUsername: pyStr,
  /** Distinguished names of the user's certificates. */
  DNs: strList.default(() => []),
  /** E-mail address. */
  Email: pyEmail.nullable().default(null),
  /** VOs in which the user is suspended. */
  Suspended: strList.default(() => []),
  /** Quota in MB. */
  Quota: pyInt.nullable().default(null),
});
export type UserConfig = z.output<typeof UserConfigSchema>;

/** One group of a VO (`Registry.<vo>.Groups.<group>`). */
export const GroupConfigSchema = z.strictObject({
  AutoAddVOMS: pyBool.default(false),
  AutoUploadPilotProxy: pyBool.default(false),
  AutoUploadProxy: pyBool.default(false),
  /** Fair-share weight of the group. */
  JobShare: pyInt.default(1000),
  /**
   * Security properties granted to members. Any string is accepted (upstream's
   * `SecurityProperty` is a plain `str` subtype); de-duplicated and sorted.
   */
  Properties: sortedStrSet,
  Quota: pyInt.nullable().default(null),
  /** Subs of the members; de-duplicated and sorted. */
  Users: sortedStrSet,
  AllowBackgroundTQs: pyBool.default(false),
  VOMSRole: pyStr.nullable().default(null),
  AutoSyncVOMS: pyBool.default(false),
});
export type GroupConfig = z.output<typeof GroupConfigSchema>;

/** The identity provider of a VO (`Registry.<vo>.IdP`). */
export const IdPConfigSchema = z.strictObject({
  /** Issuer identifier (https URL without query or fragment). */
  URL: pyStr,
  /** OAuth 2.0 client id registered at the IdP. */
  ClientID: pyStr,
});
export type IdPConfig = z.output<typeof IdPConfigSchema>;

/** Support contact of a VO (`Registry.<vo>.Support`). */
export const SupportInfoSchema = z.strictObject({
  Email: pyStr.nullable().default(null),
  Webpage: pyStr.nullable().default(null),
  Message: pyStr.default('Please contact system administrator'),
});
export type SupportInfo = z.output<typeof SupportInfoSchema>;

/** One VO (`Registry.<vo>`) whose users follow `users` (the core's, or one with extension fields). */
export function registryConfigSchemaWith<U extends z.ZodType>(users: U) {
  return z
    .strictObject({
      IdP: IdPConfigSchema,
      Support: SupportInfoSchema.prefault(() => ({})),
      /** Group used when a user does not ask for one. */
      DefaultGroup: pyStr,
      /** Default storage quota in GB. */
      DefaultStorageQuota: pyFloat.default(0),
      /** Default proxy lifetime in seconds (12 h). */
      DefaultProxyLifeTime: pyInt.default(12 * 60 * 60),
      VOMSName: pyStr.nullable().default(null),
      /** Users keyed by IdP `sub`. */
      Users: z.record(z.string(), users),
      /** Groups keyed by group name. */
      Groups: z.record(z.string(), GroupConfigSchema),
      /** OAuth service accounts for agents (our addition; absent from DiracX configurations). */
      ServiceClients: ServiceClientsSchema.default(() => ({})),
    })
    .superRefine(checkServiceClients);
}

/** One VO (`Registry.<vo>`). */
export const RegistryConfigSchema = registryConfigSchemaWith(UserConfigSchema);
export type RegistryConfig = z.output<typeof RegistryConfigSchema>;

/** Where the IdP publishes its OpenID Connect discovery document. */
export function idpServerMetadataUrl(idp: IdPConfig): string {
  return `${idp.URL}/.well-known/openid-configuration`;
}

/**
 * The `sub` of the VO user whose `PreferedUsername` is `username`, or
 * undefined if there is none (upstream raises KeyError). When several users
 * share a username the last one listed wins, as upstream's reverse map does.
 */
export function subFromPreferredUsername(registry: RegistryConfig, username: string): string | undefined {
  let found: string | undefined;
  for (const [sub, user] of Object.entries(registry.Users)) {
    if (user.PreferedUsername === username) found = sub;
  }
  return found;
}
