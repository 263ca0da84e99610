/**
 * @module config/git-source
 * The DiracX configuration from a git repository (`DIRACX_CONFIG_BACKEND_URL`), read as DiracX
 * 0.7.0 reads it: the revision (default `master`) is resolved with `git rev-parse`, its commit
 * time with `git show -s --format=%ct`, and the configuration is that commit's `default.yml`,
 * read from the git objects (a local repository, shared with DiracX's pods, is never checked
 * out or written to). A `git+https://` repository is cloned (a mirror, in a temporary directory)
 * at start and fetched before each poll. The snapshot's ETag is the commit sha and its
 * Last-Modified the commit time. Polling, like DiracX's revision cache (5 s), installs a new
 * commit within seconds; a commit whose `default.yml` is missing or invalid is logged once and
 * the last good one stays in service. Process-side only: runs Debian's `git` CLI.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorFields, type Logger } from '../core/logger.ts';
import { CONFIG_FILE_IN_REPOSITORY, type ConfigBackend, describeConfigBackend, redactRemote } from './backend-url.ts';
import { ConfigValidationError } from './parse.ts';
import type { ConfigDocumentSchema } from './schema.ts';
import { type ConfigSnapshot, type ConfigStore, createRevisionSnapshot } from './store.ts';

/** Longest a local git command may run, and a clone or fetch. */
const LOCAL_TIMEOUT_MS = 30_000;
const NETWORK_TIMEOUT_MS = 120_000;

/** Any failure to reach the repository or read a usable configuration from it, on one line. */
export class ConfigRepositoryError extends Error {
  override readonly name = 'ConfigRepositoryError';
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runGit(cwd: string | undefined, args: readonly string[], timeoutMs: number): Promise<GitResult> {
  let proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  try {
    proc = Bun.spawn({
      cmd: ['git', ...args],
      cwd,
      // Never wait for a password on a terminal; messages in English whatever the locale.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: timeoutMs,
    });
  } catch (err) {
    throw new ConfigRepositoryError(`cannot run git: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, stdout, stderr };
}

/** git's own reason, on one line (its last `fatal:`/`error:` line, or the first line). */
function gitReason(result: GitResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  const fatal = lines.findLast((l) => /^(fatal|error):/.test(l)) ?? lines[0];
  return fatal?.trim() ?? `git exited with ${result.code}`;
}

/** A commit of the configuration repository. */
export interface ConfigRevision {
  sha: string;
  committed: Date;
}

/** A configuration repository: local (shared) or a mirror clone of a remote one. */
export class ConfigRepository {
  private constructor(
    readonly backend: ConfigBackend,
    /** The git directory or work tree the commands run in. */
    private readonly location: string,
    /** Our clone of a remote repository, removed by `close()`. */
    private readonly clone: string | undefined,
  ) {}

  /**
   * Opens the repository named by `backend`: checks that a local one is a git repository, or
   * clones a remote one. Throws `ConfigRepositoryError`.
   */
  static async open(backend: ConfigBackend): Promise<ConfigRepository> {
    if (backend.kind === 'git-file') {
      const isDirectory = await stat(backend.path).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isDirectory) throw new ConfigRepositoryError(`${backend.path} is not a directory`);
      const probe = await runGit(backend.path, ['rev-parse', '--git-dir'], LOCAL_TIMEOUT_MS);
      if (probe.code !== 0) {
        throw new ConfigRepositoryError(`${backend.path} is not a git repository (${gitReason(probe)})`);
      }
      return new ConfigRepository(backend, backend.path, undefined);
    }
    const dir = await mkdtemp(join(tmpdir(), 'diracx-config-repo-'));
    const cloned = await runGit(
      undefined,
      ['clone', '--quiet', '--mirror', '--', backend.remote, dir],
      NETWORK_TIMEOUT_MS,
    );
    if (cloned.code !== 0) {
      await rm(dir, { recursive: true, force: true });
      throw new ConfigRepositoryError(`cannot clone ${redactRemote(backend.remote)}: ${gitReason(cloned)}`);
    }
    return new ConfigRepository(backend, dir, dir);
  }

  /** Brings a cloned repository up to date with its remote (nothing for a local one). Throws. */
  async fetch(): Promise<void> {
    if (!this.clone) return;
    const result = await runGit(this.location, ['fetch', '--quiet', '--prune', 'origin'], NETWORK_TIMEOUT_MS);
    if (result.code !== 0) {
      throw new ConfigRepositoryError(`cannot fetch ${redactRemote(this.remoteUrl())}: ${gitReason(result)}`);
    }
  }

  /** The commit the revision names now, and its commit time. Throws `ConfigRepositoryError`. */
  async latestRevision(): Promise<ConfigRevision> {
    const { revision } = this.backend;
    const resolved = await runGit(
      this.location,
      ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`],
      LOCAL_TIMEOUT_MS,
    );
    const sha = resolved.stdout.trim();
    if (resolved.code !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
      throw new ConfigRepositoryError(`revision ${revision} not found`);
    }
    const shown = await runGit(this.location, ['show', '-s', '--format=%ct', sha], LOCAL_TIMEOUT_MS);
    const seconds = Number(shown.stdout.trim());
    if (shown.code !== 0 || !Number.isInteger(seconds)) {
      throw new ConfigRepositoryError(`cannot read the time of commit ${sha}: ${gitReason(shown)}`);
    }
    return { sha, committed: new Date(seconds * 1000) };
  }

  /** `default.yml` of commit `revision`, decoded and validated. Throws `ConfigRepositoryError`. */
  async read(revision: ConfigRevision, schema?: ConfigDocumentSchema): Promise<ConfigSnapshot> {
    const blob = await runGit(
      this.location,
      ['cat-file', 'blob', `${revision.sha}:${CONFIG_FILE_IN_REPOSITORY}`],
      LOCAL_TIMEOUT_MS,
    );
    if (blob.code !== 0) {
      throw new ConfigRepositoryError(`commit ${revision.sha} has no ${CONFIG_FILE_IN_REPOSITORY}`);
    }
    let raw: unknown;
    try {
      raw = Bun.YAML.parse(blob.stdout);
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new ConfigRepositoryError(
        `${CONFIG_FILE_IN_REPOSITORY} of commit ${revision.sha} cannot be parsed: ${reason}`,
      );
    }
    try {
      return createRevisionSnapshot(raw, revision.sha, revision.committed, schema);
    } catch (err) {
      if (err instanceof ConfigValidationError) {
        throw new ConfigRepositoryError(
          `${CONFIG_FILE_IN_REPOSITORY} of commit ${revision.sha} is an invalid configuration: ` +
            err.message.split('\n').join('; '),
        );
      }
      throw err;
    }
  }

  /** Removes our clone of a remote repository. */
  async close(): Promise<void> {
    if (this.clone) await rm(this.clone, { recursive: true, force: true });
  }

  private remoteUrl(): string {
    return this.backend.kind === 'git-https' ? this.backend.remote : this.backend.path;
  }
}

/** Why the configuration cannot be loaded at start: the setting's name, where, and the reason. */
export class ConfigBackendError extends Error {
  override readonly name = 'ConfigBackendError';

  constructor(backend: ConfigBackend, reason: string) {
    super(`DIRACX_CONFIG_BACKEND_URL ${describeConfigBackend(backend)}: ${reason}`);
  }
}

/**
 * Opens the repository and reads the revision's configuration; throws `ConfigBackendError`
 * with one line. The caller closes the repository.
 */
export async function loadGitConfig(
  backend: ConfigBackend,
  schema?: ConfigDocumentSchema,
): Promise<{ repository: ConfigRepository; snapshot: ConfigSnapshot }> {
  let repository: ConfigRepository | undefined;
  try {
    repository = await ConfigRepository.open(backend);
    const snapshot = await repository.read(await repository.latestRevision(), schema);
    return { repository, snapshot };
  } catch (err) {
    await repository?.close();
    if (err instanceof ConfigRepositoryError) throw new ConfigBackendError(backend, err.message);
    throw err;
  }
}

export interface ConfigRepositoryWatcher {
  /** Fetches (a remote) and installs the revision's newest commit now; resolves true when it changed. */
  reload(): Promise<boolean>;
  stop(): void;
}

/**
 * Every `intervalSeconds` (0: only on `reload()`), fetches a remote repository and installs the
 * revision's commit in `store` when it changed. A commit that cannot be used is logged once and
 * the last good one stays in service; so does an unreachable remote (logged when the reason
 * changes). Checks run one at a time.
 */
export function watchGitConfig(
  repository: ConfigRepository,
  store: ConfigStore,
  intervalSeconds: number,
  log: Logger,
  schema?: ConfigDocumentSchema,
): ConfigRepositoryWatcher {
  const source = describeConfigBackend(repository.backend);
  let refused: string | undefined;
  let lastFailure: string | undefined;
  const failed = (err: unknown): false => {
    const reason = err instanceof Error ? err.message : String(err);
    if (reason !== lastFailure) {
      lastFailure = reason;
      log.error('configuration repository unavailable; keeping the current configuration', {
        source,
        ...errorFields(err),
      });
    }
    return false;
  };
  const check = async (): Promise<boolean> => {
    let latest: ConfigRevision;
    try {
      await repository.fetch();
      latest = await repository.latestRevision();
    } catch (err) {
      return failed(err);
    }
    lastFailure = undefined;
    if (latest.sha === store.current().revision || latest.sha === refused) return false;
    try {
      const next = await repository.read(latest, schema);
      store.replace(next);
      refused = undefined;
      log.info('configuration reloaded', { source, revision: latest.sha });
      return true;
    } catch (err) {
      refused = latest.sha;
      log.error('configuration commit refused; keeping the previous one', {
        source,
        revision: latest.sha,
        serving: store.current().revision,
        ...errorFields(err),
      });
      return false;
    }
  };
  let queue: Promise<unknown> = Promise.resolve();
  let queued = 0;
  const exclusive = (): Promise<boolean> => {
    queued += 1;
    const next = queue.then(check, check).finally(() => {
      queued -= 1;
    });
    queue = next.catch(() => undefined);
    return next;
  };
  let stopped = false;
  // A poll that finds one still running (a slow fetch) is skipped rather than queued.
  const tick = (): void => {
    if (queued === 0) void exclusive();
  };
  const timer = intervalSeconds > 0 ? setInterval(tick, intervalSeconds * 1000) : undefined;
  return {
    reload: () => (stopped ? Promise.resolve(false) : exclusive()),
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
