/**
 * @module extensions/contract
 * What an extension is: one object, built with `defineExtension`, that its package's entry module
 * exports as default. It may contribute MCP tools (the same `ToolDef`s as the core tools, under
 * the same policy enforcement), REST routes under `/api/<name>/`, new access policies and
 * replacements of existing ones (by id, as DiracX's entry points override a core policy),
 * database tables through SQL migrations (PostgreSQL's and, to run on MySQL/MariaDB, MySQL's),
 * fields on the configuration's users, and security properties. Extensions are listed in
 * `package.json` (`diracx.extensions`) and imported statically by the generated
 * `extensions/manifest.gen.ts`: nothing is discovered at run time.
 */
import type { RouteConfig } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { AccessPolicy } from '../policies/base.ts';
import type { RouteAccess } from '../routes/access.ts';
import type { ApiDeps } from '../routes/deps.ts';
import type { ApiEnv } from '../routes/env.ts';
import type { ToolDef } from '../tools/define.ts';

/** The contract version this core implements; an extension declares the one it was written for. */
export const EXTENSION_CONTRACT_VERSION = 1;
/** Contract versions this core can load. */
export const SUPPORTED_CONTRACT_VERSIONS: readonly number[] = [1];

/**
 * One SQL migration of an extension, applied once, in list order, and recorded by
 * (extension, name). Statements are separated by drizzle-kit's `--> statement-breakpoint`.
 * `sql` is PostgreSQL's (and the embedded database's); `mysql`, the same change for MySQL/MariaDB,
 * run in our own database (`DIRACX_OWN_DB_URL`, never DiracX's): unqualified table names land
 * there. A server on MySQL refuses an extension with a migration that lacks `mysql`. MySQL commits
 * each DDL statement as it runs: a migration that fails half-way keeps its earlier statements and
 * is not recorded, so the next start runs it again from the first statement; write it so that it
 * can (`CREATE TABLE IF NOT EXISTS`, one statement per migration) or repair by hand.
 */
export interface ExtensionMigration {
  readonly name: string;
  /** The PostgreSQL statements. */
  readonly sql: string;
  /**
   * The MySQL/MariaDB statements. Optional, an addition compatible with contract version 1:
   * extensions written without it compile and run as before (on PostgreSQL).
   */
  readonly mysql?: string;
}

/** What an extension's `routes` function registers its REST routes with. */
export interface ExtensionRouter {
  readonly app: OpenAPIHono<ApiEnv>;
  readonly deps: ApiDeps;
  /** `createRoute` with an access declaration; the path must start with `/api/<name>/`. */
  define<R extends RouteConfig>(access: RouteAccess, config: R): R;
}

/** Additions to the configuration schema. */
export interface ExtensionConfig {
  /** Extra fields of `Registry.<vo>.Users.<sub>` (as DiracX's gubbins adds `GubbinsSpecificInfo`). */
  readonly userFields?: z.ZodRawShape;
}

export interface Extension {
  /** Lower-case name (`[a-z][a-z0-9-]*`): its routes live under `/api/<name>/`. */
  readonly name: string;
  /** The contract version the extension was written against (`EXTENSION_CONTRACT_VERSION`). */
  readonly contractVersion: number;
  /** One line saying what it adds. */
  readonly description: string;
  /** Security properties it defines (accepted in scopes and listed in discovery). */
  readonly properties?: readonly string[];
  /** New access policies (ids not used by the core or another extension). */
  readonly policies?: readonly AccessPolicy<never>[];
  /** Replacements of existing policies, by id: in force for core routes and tools alike. */
  readonly policyOverrides?: readonly AccessPolicy<never>[];
  /** MCP tools, registered after the core ones. */
  readonly tools?: readonly ToolDef[];
  /** Registers REST routes. */
  readonly routes?: (router: ExtensionRouter) => void;
  /** Its tables, as SQL migrations. */
  readonly migrations?: readonly ExtensionMigration[];
  readonly config?: ExtensionConfig;
}

/** Declares an extension (an identity function that checks its shape at compile time). */
export function defineExtension(extension: Extension): Extension {
  return extension;
}
