/**
 * @module config/file-source
 * Loads the DiracX configuration from a YAML or JSON file and reloads it when the file changes
 * (content polled) or on demand (SIGHUP, wired in `src/server.ts`). Process-side only.
 * A reload that fails validation keeps the previous configuration and logs why.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorFields, type Logger } from '../core/logger.ts';
import { ConfigValidationError } from './parse.ts';
import { watchFileContent } from '../process/watch-file.ts';
import type { ConfigDocumentSchema } from './schema.ts';
import { type ConfigStore, createConfigSnapshot, type ConfigSnapshot } from './store.ts';

/** The development configuration that ships with the project (used when none is named). */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('./default.yml', import.meta.url));

/** Any failure to read or decode the file, with the path and the reason on one line. */
export class ConfigFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`DIRACX_CONFIG ${path}: ${reason}`);
    this.name = 'ConfigFileError';
  }
}

function decode(path: string, text: string): unknown {
  try {
    return /\.json$/i.test(path) ? JSON.parse(text) : Bun.YAML.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigFileError(path, `cannot be parsed: ${reason}`);
  }
}

/** Reads, decodes and validates the file; throws `ConfigFileError` with one clear line. */
export async function loadConfigFile(path: string, schema?: ConfigDocumentSchema): Promise<ConfigSnapshot> {
  let text: string;
  let modified: Date;
  try {
    [text, modified] = await Promise.all([Bun.file(path).text(), stat(path).then((s) => s.mtime)]);
  } catch (err) {
    const reason = (err as { code?: string }).code === 'ENOENT' ? 'no such file' : String(err);
    throw new ConfigFileError(path, `cannot be read: ${reason}`);
  }
  return snapshotFromText(path, text, modified, schema);
}

/** Decodes and validates a configuration file's text; throws `ConfigFileError`. */
async function snapshotFromText(
  path: string,
  text: string,
  modified: Date,
  schema: ConfigDocumentSchema | undefined,
): Promise<ConfigSnapshot> {
  try {
    return await createConfigSnapshot(decode(path, text), text, modified, schema);
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      throw new ConfigFileError(path, `invalid configuration: ${err.message.split('\n').join('; ')}`);
    }
    throw err;
  }
}

export interface ConfigFileWatcher {
  /** Re-reads the file now; resolves true when a new snapshot was installed. */
  reload(): Promise<boolean>;
  stop(): void;
}

/**
 * Re-reads `path` every `intervalSeconds` (0 disables polling; `reload()` still works) and
 * installs a new snapshot in `store` when the content changes; an invalid file is logged and
 * the previous configuration stays in service.
 */
export function watchConfigFile(
  path: string,
  store: ConfigStore,
  intervalSeconds: number,
  log: Logger,
  schema?: ConfigDocumentSchema,
): ConfigFileWatcher {
  const watcher = watchFileContent(path, {
    intervalSeconds,
    initialHash: store.current().etag,
    onChange: async (text) => {
      const next = await snapshotFromText(
        path,
        text,
        await stat(path).then(
          (s) => s.mtime,
          () => new Date(),
        ),
        schema,
      );
      if (next.etag === store.current().etag) return false;
      store.replace(next);
      log.info('configuration reloaded', { path, etag: next.etag });
      return true;
    },
    onError: (err) => log.error('configuration reload failed; keeping the previous one', { path, ...errorFields(err) }),
  });
  return { reload: () => watcher.check(), stop: () => watcher.stop() };
}
