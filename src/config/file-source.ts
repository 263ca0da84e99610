/**
 * @module config/file-source
 * Loads the DiracX configuration from a YAML or JSON file and reloads it when the file changes
 * (content polled) or on demand (SIGHUP, wired in `src/server.ts`). Process-side only.
 * A reload that fails validation keeps the previous configuration and logs why.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorFields, type Logger } from '../logic/logger.ts';
import { ConfigValidationError } from './parse.ts';
import { ConfigStore, createConfigSnapshot, sha256Hex, type ConfigSnapshot } from './store.ts';

/** The development configuration that ships with the project (used when none is named). */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('./default.yml', import.meta.url));

/** Any failure to read or decode the file, with the path and the reason on one line. */
export class ConfigFileError extends Error {
  constructor(readonly path: string, reason: string) {
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
export async function loadConfigFile(path: string): Promise<ConfigSnapshot> {
  let text: string;
  let modified: Date;
  try {
    [text, modified] = await Promise.all([Bun.file(path).text(), stat(path).then((s) => s.mtime)]);
  } catch (err) {
    const reason = (err as { code?: string }).code === 'ENOENT' ? 'no such file' : String(err);
    throw new ConfigFileError(path, `cannot be read: ${reason}`);
  }
  try {
    return await createConfigSnapshot(decode(path, text), text, modified);
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
 * installs a new snapshot in `store` when the file's content differs from the last content seen
 * (the store's ETag to begin with). Content, not modification time, decides, so a change made
 * within the timestamp granularity or before the first poll is not missed; a broken file is
 * reported once, not at every poll.
 */
export function watchConfigFile(
  path: string,
  store: ConfigStore,
  intervalSeconds: number,
  log: Logger,
): ConfigFileWatcher {
  let lastSeen = store.current().etag;
  // Reloads run one at a time, so a slow read cannot install an older snapshot over a newer one.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const check = async (): Promise<boolean> => {
    const text = await Bun.file(path).text().catch(() => undefined);
    if (text !== undefined && (await sha256Hex(text)) === lastSeen) return false;
    try {
      const next = await loadConfigFile(path);
      lastSeen = next.etag;
      if (next.etag === store.current().etag) return false;
      store.replace(next);
      log.info('configuration reloaded', { path, etag: next.etag });
      return true;
    } catch (err) {
      if (text !== undefined) lastSeen = await sha256Hex(text);
      log.error('configuration reload failed; keeping the previous one', { path, ...errorFields(err) });
      return false;
    }
  };
  const timer = intervalSeconds > 0 ? setInterval(() => void exclusive(check), intervalSeconds * 1000) : undefined;
  return {
    reload: () => exclusive(check),
    stop: () => clearInterval(timer),
  };
}
