/**
 * @module config/file-source
 * Loads the DiracX configuration from a YAML or JSON file and reloads it when the file changes
 * (modification time polled) or on demand (SIGHUP, wired in `src/server.ts`). Process-side only.
 * A reload that fails validation keeps the previous configuration and logs why.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorFields, type Logger } from '../logic/logger.ts';
import { ConfigValidationError } from './parse.ts';
import { ConfigStore, createConfigSnapshot, type ConfigSnapshot } from './store.ts';

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
  /** Reloads now; resolves true when a new snapshot was installed. */
  reload(): Promise<boolean>;
  stop(): void;
}

/**
 * Polls `path` every `intervalSeconds` (0 disables polling) and installs a new snapshot in
 * `store` when the file's content changes.
 */
export function watchConfigFile(
  path: string,
  store: ConfigStore,
  intervalSeconds: number,
  log: Logger,
): ConfigFileWatcher {
  let lastMtime = -1;
  // Reloads run one at a time, so a slow read cannot install an older snapshot over a newer one.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const reload = async (): Promise<boolean> => {
    try {
      const next = await loadConfigFile(path);
      if (next.etag === store.current().etag) return false;
      store.replace(next);
      log.info('configuration reloaded', { path, etag: next.etag });
      return true;
    } catch (err) {
      log.error('configuration reload failed; keeping the previous one', { path, ...errorFields(err) });
      return false;
    }
  };
  const pollOnce = async (): Promise<void> => {
    const mtime = await stat(path).then((s) => s.mtimeMs, () => 0);
    if (lastMtime !== -1 && mtime !== lastMtime) await reload();
    lastMtime = mtime;
  };
  void exclusive(pollOnce);
  const timer = intervalSeconds > 0 ? setInterval(() => void exclusive(pollOnce), intervalSeconds * 1000) : undefined;
  return {
    reload: () => exclusive(reload),
    stop: () => clearInterval(timer),
  };
}
