/**
 * @module process/config-source
 * Where the process takes the DiracX configuration from: DiracX's configuration repository
 * (`DIRACX_CONFIG_BACKEND_URL`, `config/git-source.ts`) or a file of our own (`DIRACX_CONFIG`,
 * by default the shipped development configuration, `config/file-source.ts`). Settings
 * validation refuses both at once. Either way: a first snapshot (or a one-line error), and a
 * watcher that installs changes in a store every `DIRACX_CONFIG_RELOAD_SECONDS` and on demand.
 */
import { DEFAULT_CONFIG_PATH, loadConfigFile, watchConfigFile } from '../config/file-source.ts';
import { describeConfigBackend } from '../config/backend-url.ts';
import { loadGitConfig, watchGitConfig } from '../config/git-source.ts';
import type { ConfigDocumentSchema } from '../config/schema.ts';
import type { ConfigSnapshot, ConfigStore } from '../config/store.ts';
import type { Logger } from '../core/logger.ts';
import type { Settings } from '../settings.ts';

export interface ConfigWatcher {
  /** Checks the source now; resolves true when a new snapshot was installed. */
  reload(): Promise<boolean>;
  stop(): void;
}

export interface ConfigurationSource {
  /** The configuration at start. */
  readonly initial: ConfigSnapshot;
  /** The file path or the repository (without credentials) and revision, for logs. */
  readonly description: string;
  /** Starts watching the source, installing changes in `store`. */
  watch(store: ConfigStore, log: Logger): ConfigWatcher;
  /** Releases what the source holds (a cloned repository). */
  close(): Promise<void>;
}

export type ConfigurationSettings = Pick<
  Settings,
  'DIRACX_CONFIG' | 'DIRACX_CONFIG_BACKEND_URL' | 'DIRACX_CONFIG_RELOAD_SECONDS'
>;

/** Loads the configuration named by the settings; throws an error with one line naming the setting. */
export async function openConfigurationSource(
  settings: ConfigurationSettings,
  schema?: ConfigDocumentSchema,
): Promise<ConfigurationSource> {
  const interval = settings.DIRACX_CONFIG_RELOAD_SECONDS;
  const backend = settings.DIRACX_CONFIG_BACKEND_URL;
  if (backend) {
    const { repository, snapshot } = await loadGitConfig(backend, schema);
    return {
      initial: snapshot,
      description: describeConfigBackend(backend),
      watch: (store, log) => watchGitConfig(repository, store, interval, log, schema),
      close: () => repository.close(),
    };
  }
  const path = settings.DIRACX_CONFIG ?? DEFAULT_CONFIG_PATH;
  return {
    initial: await loadConfigFile(path, schema),
    description: path,
    watch: (store, log) => watchConfigFile(path, store, interval, log, schema),
    close: () => Promise.resolve(),
  };
}
