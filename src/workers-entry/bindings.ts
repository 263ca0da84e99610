/**
 * @module workers-entry/bindings
 * What a Workers-style deployment hands the server instead of environment variables and files:
 * its bindings. Settings are the same variables as the process's (`src/settings.ts`), as text
 * bindings (`[vars]`, secrets); the DiracX configuration is one binding holding the document; the
 * token keystore is the inline-JSON form of `DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE` (a secret); the
 * database is `DATABASE_URL` or a Hyperdrive binding. Everything here turns bindings into
 * validated values or throws `WorkerBindingError` with one line naming the binding.
 * Web-standard only.
 */
import { createConfigSnapshot, type ConfigSnapshot } from '../config/store.ts';
import type { ConfigDocumentSchema } from '../config/schema.ts';
import { parseKeystore, type Keystore } from '../logic/auth/tokens/keystore.ts';
import { describeError } from '../core/logger.ts';
import { parseSettings, type Settings } from '../settings.ts';
import { MYSQL_NEEDS_SERVER_PROCESS, mysqlTarget } from '../mysql-settings.ts';

/** The bindings the worker reads (any other binding is ignored). */
export interface WorkerEnv {
  /**
   * The DiracX configuration document: JSON text (a text or secret binding), or the decoded
   * object (a JSON `[vars]` value). YAML is not read here: convert it when deploying.
   */
  DIRACX_CONFIG_DOCUMENT?: unknown;
  /** When the configuration last changed (an HTTP or ISO date, e.g. its commit date); `Last-Modified`. */
  DIRACX_CONFIG_MODIFIED?: unknown;
  /** The signing keystore as inline JSON (a secret); a file path cannot be read here. */
  DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE?: unknown;
  /** A Hyperdrive binding: its `connectionString` is used when `DATABASE_URL` is not set. */
  HYPERDRIVE?: unknown;
  /** Every other setting of `src/settings.ts`, as text. */
  readonly [name: string]: unknown;
}

/** A binding the worker cannot run with; the message is one line naming it. */
export class WorkerBindingError extends Error {
  override readonly name = 'WorkerBindingError';
}

/** Settings that name a file of the process: a worker cannot read it, so it is refused rather than ignored. */
const PROCESS_ONLY_SETTINGS = ['DIRACX_CONFIG'] as const;

/** The process settings, from the text bindings (`parseSettings` validates them as for the process). */
export function settingsFromBindings(env: WorkerEnv): Settings {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') text[name] = value;
  for (const name of PROCESS_ONLY_SETTINGS) {
    if (text[name])
      throw new WorkerBindingError(
        `${name} names a file, which a worker cannot read; ` +
          `bind the content instead (see src/workers-entry/bindings.ts)`,
      );
  }
  if (text.DIRACX_CONFIG_BACKEND_URL)
    throw new WorkerBindingError(
      'DIRACX_CONFIG_BACKEND_URL names a git repository, which a worker cannot read; ' +
        'bind the content of its default.yml as DIRACX_CONFIG_DOCUMENT instead',
    );
  try {
    return parseSettings(text);
  } catch (err) {
    throw new WorkerBindingError(describeError(err));
  }
}

/** The configuration snapshot from `DIRACX_CONFIG_DOCUMENT` (validated with `schema`). */
export async function configFromBindings(env: WorkerEnv, schema?: ConfigDocumentSchema): Promise<ConfigSnapshot> {
  const binding = env.DIRACX_CONFIG_DOCUMENT;
  let raw: unknown;
  let sourceText: string;
  if (typeof binding === 'string') {
    sourceText = binding;
    try {
      raw = JSON.parse(binding);
    } catch (err) {
      throw new WorkerBindingError(
        `DIRACX_CONFIG_DOCUMENT is not JSON (${describeError(err)}); ` +
          `a YAML configuration must be converted to JSON when deploying`,
      );
    }
  } else if (binding !== null && typeof binding === 'object') {
    raw = binding;
    sourceText = JSON.stringify(binding);
  } else {
    throw new WorkerBindingError('DIRACX_CONFIG_DOCUMENT is not set: bind the DiracX configuration (JSON)');
  }
  const modified = configModified(env.DIRACX_CONFIG_MODIFIED);
  try {
    return await createConfigSnapshot(raw, sourceText, modified, schema);
  } catch (err) {
    throw new WorkerBindingError(
      `DIRACX_CONFIG_DOCUMENT: invalid configuration: ${describeError(err).split('\n').join('; ')}`,
    );
  }
}

/**
 * `Last-Modified` of the configuration. Without the binding: the Unix epoch, the same in every
 * isolate, which never makes a client's `If-Modified-Since` look newer than a changed document.
 */
function configModified(binding: unknown): Date {
  if (binding === undefined || binding === '') return new Date(0);
  const date = typeof binding === 'string' ? new Date(binding) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw new WorkerBindingError('DIRACX_CONFIG_MODIFIED is invalid: expected a date such as 2026-11-26T00:00:00Z');
  return date;
}

/** The keystore from the inline JSON of `DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE`. */
export function keystoreFromBindings(settings: Settings): Keystore {
  const text = settings.DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE;
  if (text === undefined) {
    throw new WorkerBindingError(
      'DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE is not set: bind the keystore JSON as a secret (`bun run keys` makes ' +
        'one), or set DIRACX_SERVICE_AUTH_JWKS_URL to only verify tokens',
    );
  }
  if (!text.trimStart().startsWith('{')) {
    throw new WorkerBindingError(
      'DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE names a file, which a worker cannot read; bind the keystore JSON itself',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new WorkerBindingError(`DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: not JSON: ${describeError(err)}`);
  }
  try {
    return parseKeystore(raw);
  } catch (err) {
    throw new WorkerBindingError(`DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: ${describeError(err)}`);
  }
}

/** The PostgreSQL URL: `DATABASE_URL`, else the Hyperdrive binding's connection string. */
export function databaseUrlFromBindings(env: WorkerEnv, settings: Settings): string {
  if (mysqlTarget(settings)) throw new WorkerBindingError(MYSQL_NEEDS_SERVER_PROCESS);
  if (settings.DATABASE_URL) return settings.DATABASE_URL;
  const hyperdrive = env.HYPERDRIVE as { connectionString?: unknown } | undefined;
  if (hyperdrive && typeof hyperdrive.connectionString === 'string') return hyperdrive.connectionString;
  throw new WorkerBindingError(
    'DATABASE_URL is not set and there is no HYPERDRIVE binding: ' +
      'a worker needs PostgreSQL (the embedded database cannot run here)',
  );
}
