/**
 * @module extensions/compose
 * Turns the manifest's extensions into what the server runs with: the tool list (core first),
 * the policy registry (overrides in force), the route registrations, the migrations to apply,
 * the configuration schema and the known security properties. Everything that could conflict is
 * checked here, before anything is served, and refused with one `ExtensionError` line: a bad or
 * duplicate name, an unsupported contract version, a tool, policy or property defined twice, an
 * override of a policy that does not exist, a route outside the extension's `/api/<name>/`.
 */
import type { z } from 'zod';
import {
  buildConfigObjectSchema,
  buildConfigSchema,
  ConfigObjectSchema,
  ConfigSchema,
  type ConfigDocumentSchema,
} from '../config/schema.ts';
import { SECURITY_PROPERTIES } from '../config/properties.ts';
import type { AccessPolicy } from '../policies/base.ts';
import { CORE_POLICIES } from '../policies/core.ts';
import { PolicyRegistry } from '../policies/registry.ts';
import { defineRoute } from '../routes/access.ts';
import type { RegisterExtensionRoutes } from '../routes/api-app.ts';
import { checkToolDefs, CORE_TOOLS } from '../tools/core.ts';
import type { ToolDef } from '../tools/define.ts';
import { SUPPORTED_CONTRACT_VERSIONS, type Extension, type ExtensionMigration } from './contract.ts';

/** A contribution the server cannot run with; the message is one line naming the extension. */
export class ExtensionError extends Error {
  override readonly name = 'ExtensionError';
}

/** An extension migration with the extension it belongs to. */
export interface OwnedMigration extends ExtensionMigration {
  readonly extension: string;
}

export interface ComposedExtensions {
  /** Names of the extensions in force, in manifest order. */
  readonly names: readonly string[];
  /** Core tools, then each extension's. */
  readonly tools: readonly ToolDef[];
  readonly policies: PolicyRegistry;
  /** Every security property: the core's, then the extensions'. */
  readonly properties: ReadonlySet<string>;
  readonly migrations: readonly OwnedMigration[];
  readonly configSchema: ConfigDocumentSchema;
  /**
   * The configuration as `GET /api/config/` serves it (extension user fields included), for its
   * OpenAPI description.
   */
  readonly configObjectSchema: z.ZodType;
  /** Registers every extension's routes on the REST app. */
  readonly registerRoutes: RegisterExtensionRoutes;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

function checkHeader(extension: Extension, seen: Set<string>): void {
  const name = String(extension.name);
  if (!NAME.test(name)) throw new ExtensionError(`extension "${name}": the name must match ${NAME.source}`);
  if (seen.has(name)) throw new ExtensionError(`extension ${name} is listed twice`);
  if (!SUPPORTED_CONTRACT_VERSIONS.includes(extension.contractVersion)) {
    throw new ExtensionError(
      `extension ${name} declares contract version ${extension.contractVersion}; this server supports ` +
        `${SUPPORTED_CONTRACT_VERSIONS.join(', ')}`,
    );
  }
  seen.add(name);
}

/** The policy registry: new ids must be unused, overrides must name an existing id, once. */
function composePolicies(extensions: readonly Extension[]): PolicyRegistry {
  const owner = new Map<string, string>(CORE_POLICIES.map((p) => [p.id, 'the core']));
  for (const ext of extensions) {
    for (const policy of ext.policies ?? []) {
      const existing = owner.get(policy.id);
      if (existing)
        throw new ExtensionError(`extension ${ext.name}: policy ${policy.id} is already defined by ${existing}`);
      owner.set(policy.id, `extension ${ext.name}`);
    }
  }
  const overriddenBy = new Map<string, string>();
  const overrides: AccessPolicy<never>[] = [];
  for (const ext of extensions) {
    for (const policy of ext.policyOverrides ?? []) {
      if (!owner.has(policy.id))
        throw new ExtensionError(`extension ${ext.name}: cannot override policy ${policy.id}, which no one defines`);
      const earlier = overriddenBy.get(policy.id);
      if (earlier)
        throw new ExtensionError(
          `extension ${ext.name}: policy ${policy.id} is already overridden by extension ${earlier}`,
        );
      overriddenBy.set(policy.id, ext.name);
      overrides.push(policy);
    }
  }
  return new PolicyRegistry(overrides);
}

function composeTools(extensions: readonly Extension[]): ToolDef[] {
  const owner = new Map<string, string>(CORE_TOOLS.map((t) => [t.name, 'the core']));
  const tools = [...CORE_TOOLS];
  for (const ext of extensions) {
    for (const tool of ext.tools ?? []) {
      const existing = owner.get(tool.name);
      if (existing)
        throw new ExtensionError(`extension ${ext.name}: MCP tool ${tool.name} is already defined by ${existing}`);
      owner.set(tool.name, `extension ${ext.name}`);
      tools.push(tool);
    }
    try {
      checkToolDefs(ext.tools ?? []);
    } catch (err) {
      throw new ExtensionError(`extension ${ext.name}: ${(err as Error).message}`);
    }
  }
  return tools;
}

function composeProperties(extensions: readonly Extension[]): Set<string> {
  const properties = new Set<string>(SECURITY_PROPERTIES);
  for (const ext of extensions) {
    for (const property of ext.properties ?? []) {
      if (properties.has(property))
        throw new ExtensionError(`extension ${ext.name}: security property ${property} is already defined`);
      properties.add(property);
    }
  }
  return properties;
}

function composeMigrations(extensions: readonly Extension[]): OwnedMigration[] {
  return extensions.flatMap((ext) => {
    const names = new Set<string>();
    return (ext.migrations ?? []).map((m) => {
      if (names.has(m.name)) throw new ExtensionError(`extension ${ext.name}: migration ${m.name} is listed twice`);
      names.add(m.name);
      return { extension: ext.name, name: m.name, sql: m.sql, mysql: m.mysql };
    });
  });
}

function composeConfigSchemas(
  extensions: readonly Extension[],
): Pick<ComposedExtensions, 'configSchema' | 'configObjectSchema'> {
  const userFields: Record<string, unknown> = {};
  for (const ext of extensions) {
    for (const field of Object.keys(ext.config?.userFields ?? {})) {
      if (field in userFields)
        throw new ExtensionError(
          `extension ${ext.name}: user configuration field ${field} is already added by another extension`,
        );
    }
    Object.assign(userFields, ext.config?.userFields);
  }
  if (Object.keys(userFields).length === 0)
    return { configSchema: ConfigSchema, configObjectSchema: ConfigObjectSchema };
  const additions = { userFields: userFields as never };
  return { configSchema: buildConfigSchema(additions), configObjectSchema: buildConfigObjectSchema(additions) };
}

/** Route registration: each extension's `define` keeps it under its own `/api/<name>/`. */
function routeRegistration(extensions: readonly Extension[]): RegisterExtensionRoutes {
  return (app, deps, catalogue) => {
    for (const ext of extensions) {
      if (!ext.routes) continue;
      const prefix = `/api/${ext.name}/`;
      ext.routes({
        app,
        deps,
        define(access, config) {
          if (!config.path.startsWith(prefix))
            throw new ExtensionError(`extension ${ext.name}: route ${config.path} is outside ${prefix}`);
          try {
            return defineRoute(catalogue, deps, access, config);
          } catch (err) {
            throw new ExtensionError(`extension ${ext.name}: ${(err as Error).message}`);
          }
        },
      });
    }
  };
}

/** Checks and combines `extensions` (manifest order); throws `ExtensionError` on any conflict. */
export function composeExtensions(extensions: readonly Extension[]): ComposedExtensions {
  const seen = new Set<string>();
  for (const ext of extensions) checkHeader(ext, seen);
  return {
    names: extensions.map((e) => e.name),
    tools: composeTools(extensions),
    policies: composePolicies(extensions),
    properties: composeProperties(extensions),
    migrations: composeMigrations(extensions),
    ...composeConfigSchemas(extensions),
    registerRoutes: routeRegistration(extensions),
  };
}

/** The core alone. */
export const NO_EXTENSIONS: ComposedExtensions = composeExtensions([]);
