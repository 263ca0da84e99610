/**
 * @module extensions/sdk
 * Everything an extension may build on, in one place: extensions import `@diracx-ts/sdk` (mapped
 * here by `tsconfig.json`), never the core's internal modules, so the core can move files without
 * breaking them. What is exported here is the extension contract; changing it incompatibly means
 * a new `EXTENSION_CONTRACT_VERSION`.
 */
export { defineExtension, EXTENSION_CONTRACT_VERSION } from './contract.ts';
export type { Extension, ExtensionConfig, ExtensionMigration, ExtensionRouter } from './contract.ts';

// MCP tools: the same definitions as the core's.
export { defineTool, READ_ONLY } from '../tools/define.ts';
export type { ToolAnnotations, ToolContext, ToolDef } from '../tools/define.ts';
// The confirmation step of destructive tools (above DIRACX_MCP_CONFIRM_THRESHOLD items).
export {
  confirmAboveThreshold,
  ConfirmationPreviewFields,
  ConfirmationTokenArgument,
  previewNote,
} from '../tools/confirmation.ts';
export type { ConfirmationPreview } from '../tools/confirmation.ts';

// Access policies, and the core ones an extension may wrap or replace.
export { requireAnyProperty } from '../policies/base.ts';
export type { AccessPolicy, PolicyContext } from '../policies/base.ts';
export { wmsPolicy } from '../policies/wms.ts';
export type { WmsAccessArgs, WmsAction } from '../policies/wms.ts';
export { sandboxPolicy } from '../policies/sandbox.ts';
export { pilotPolicy } from '../policies/pilots.ts';
export { JOB_ADMINISTRATOR, NORMAL_USER } from '../config/properties.ts';

// Typed errors: mapped to HTTP statuses and MCP tool errors by the core.
export { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError } from '../core/errors.ts';

// Who is calling, and what they work with.
export { hasProperty } from '../core/user.ts';
export type { AuthedUser } from '../core/user.ts';
export type { Config, UserConfig } from '../config/schema.ts';
export type { Database, Db, Tx } from '../db/database.ts';
// Their tables, per SQL dialect: on PostgreSQL the drizzle handle; on MySQL/MariaDB the handle and
// our own database's name, which qualifies the extension's tables there (`ownMysqlTables`).
export {
  DialectNotSupportedError,
  mysqlHandle,
  postgresHandle,
  type MysqlSession,
  type PostgresSession,
  type Session,
} from '../db/session.ts';
export type { MysqlDb, MysqlTx } from '../db/mysql/database.ts';
export { ownMysqlTables } from './own-mysql-tables.ts';
// A write refused by a unique index, on either dialect (MySQL has no `ON CONFLICT DO NOTHING`).
export { isUniqueViolation } from '../db/driver-errors.ts';
export type { RouteAccess } from '../routes/access.ts';
export type { ApiEnv } from '../routes/env.ts';
