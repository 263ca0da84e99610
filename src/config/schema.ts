/**
 * @module config/schema
 *
 * The DiracX configuration ("CS", `default.yml`) as a zod schema. Object keys
 * are upstream's pydantic aliases, so a parsed `Config` already has the
 * by-alias shape that `GET /api/config/` serves: defaults are filled in,
 * sets (group `Properties` and `Users`, OS compatibility lists) are sorted
 * arrays, `Operations.Defaults` has been merged into every VO's entry.
 * Strictness follows upstream: `extra="forbid"` models reject unknown keys,
 * `extra="ignore"` ones (Resources, InputDataPolicy) drop them, `Any` fields
 * pass through. Web-standard JS only (imported by the request handler).
 */
import { z } from 'zod';
import { OperationsConfigSchema, applyOperationsDefaults } from './schema-operations.ts';
import { registryConfigSchemaWith, RegistryConfigSchema, UserConfigSchema } from './schema-registry.ts';
import { anyValue, compareCodePoints, pyBool, pyStr } from './schema-primitives.ts';

export {
  GroupConfigSchema,
  IdPConfigSchema,
  RegistryConfigSchema,
  SupportInfoSchema,
  UserConfigSchema,
  idpServerMetadataUrl,
  subFromPreferredUsername,
} from './schema-registry.ts';
export type { GroupConfig, IdPConfig, RegistryConfig, SupportInfo, UserConfig } from './schema-registry.ts';
export {
  JobDescriptionConfigSchema,
  OperationsConfigSchema,
  ServicesConfigSchema,
  applyOperationsDefaults,
  recursiveMerge,
} from './schema-operations.ts';
export type { JobDescriptionConfig, OperationsConfig, ServicesConfig } from './schema-operations.ts';

/** The `DIRAC` section. */
export const DIRACConfigSchema = z.strictObject({
  NoSetup: pyBool.default(false),
});

/**
 * `Resources.Computing`; unknown keys are dropped. Each `OSCompatibility`
 * platform is made compatible with itself; lists come out de-duplicated and
 * sorted.
 */
export const ResourcesComputingConfigSchema = z.object({
  OSCompatibility: z
    .record(z.string(), z.array(pyStr))
    .default(() => ({}))
    .transform((matrix) => {
      const out: Record<string, string[]> = {};
      for (const [platform, compatible] of Object.entries(matrix)) {
        out[platform] = [...new Set([...compatible, platform])].sort(compareCodePoints);
      }
      return out;
    }),
});

/** The `Resources` section; unknown keys are dropped. */
export const ResourcesConfigSchema = z.object({
  Computing: ResourcesComputingConfigSchema.prefault(() => ({})),
});
export type ResourcesConfig = z.output<typeof ResourcesConfigSchema>;

/** The whole configuration document, before the Operations defaults step. */
export const ConfigObjectSchema = z.strictObject({
  DIRAC: DIRACConfigSchema,
  /** Per-VO operations settings (Defaults already merged in). */
  Operations: z.record(z.string(), OperationsConfigSchema),
  /** VOs keyed by name. */
  Registry: z.record(z.string(), RegistryConfigSchema),
  Resources: ResourcesConfigSchema.prefault(() => ({})),
  LocalSite: anyValue,
  LogLevel: anyValue,
  MCTestingDestination: anyValue,
  Systems: anyValue,
  WebApp: anyValue,
});

/** The configuration document: merges `Operations.Defaults`, then validates. */
export const ConfigSchema = z.preprocess(applyOperationsDefaults, ConfigObjectSchema);
export type Config = z.output<typeof ConfigSchema>;

/** A schema of the whole document: the core's, or one with extension additions. */
export type ConfigDocumentSchema = z.ZodType<Config>;

/**
 * The document schema with extension fields on every user (`Registry.<vo>.Users.<sub>`). The
 * result is still typed `Config`: an extension reads its own fields with its own schema.
 */
export function buildConfigSchema(additions: { userFields: z.ZodRawShape }): ConfigDocumentSchema {
  return z.preprocess(applyOperationsDefaults, buildConfigObjectSchema(additions)) as unknown as ConfigDocumentSchema;
}

/**
 * The document with extension fields on every user, before the defaults step: the shape
 * `GET /api/config/` serves, so its OpenAPI description names the extensions' fields too.
 */
export function buildConfigObjectSchema(additions: { userFields: z.ZodRawShape }): z.ZodType {
  const users = UserConfigSchema.extend(additions.userFields);
  return ConfigObjectSchema.extend({ Registry: z.record(z.string(), registryConfigSchemaWith(users)) });
}
