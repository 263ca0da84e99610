/**
 * The configuration from a real git repository (DIRACX_CONFIG_BACKEND_URL): `default.yml` of the
 * revision's commit, with the commit sha as ETag and the commit time as Last-Modified; a new
 * commit installed on reload; a commit without a usable `default.yml` refused (logged once) while
 * the last good one stays in service; one clear line for every reason the first load fails; and
 * a remote repository cloned and fetched (a `file://` remote standing in for `https://`).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigBackend } from '../../src/config/backend-url.ts';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import {
  ConfigBackendError,
  type ConfigRepository,
  loadGitConfig,
  watchGitConfig,
} from '../../src/config/git-source.ts';
import { ConfigStore } from '../../src/config/store.ts';
import type { Logger, LogFields } from '../../src/core/logger.ts';
import { createTestConfigRepository, type TestConfigRepository } from '../harness/config-repository.ts';

const DEFAULT_YAML = await Bun.file(DEFAULT_CONFIG_PATH).text();
const FIRST = new Date('2026-11-01T08:00:00Z');
const SECOND = new Date('2026-11-02T09:30:15Z');
const THIRD = new Date('2026-11-03T10:00:00Z');

/** The shipped configuration with one more lhcb user (still valid). */
function withUser(name: string): string {
  const edited = DEFAULT_YAML.replace(
    '    DefaultGroup: lhcb_user\n    Users:\n',
    `    DefaultGroup: lhcb_user\n    Users:\n      sub-${name}:\n        PreferedUsername: ${name}\n`,
  );
  if (edited === DEFAULT_YAML) throw new Error('src/config/default.yml changed: lhcb Users not found');
  return edited;
}

interface Recorded {
  level: string;
  msg: string;
  fields: LogFields;
}

function recordingLogger(): { log: Logger; lines: Recorded[] } {
  const lines: Recorded[] = [];
  const at =
    (level: string) =>
    (msg: string, fields: LogFields = {}): void => {
      lines.push({ level, msg, fields });
    };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as Logger;
  return { log, lines };
}

const fileBackend = (path: string, revision = 'master'): ConfigBackend => ({ kind: 'git-file', path, revision });

async function startError(backend: ConfigBackend): Promise<string> {
  const err = await loadGitConfig(backend).catch((e: unknown) => e);
  if (!(err instanceof ConfigBackendError)) throw new Error(`expected ConfigBackendError, got ${String(err)}`);
  expect(err.message).not.toContain('\n');
  return err.message;
}

describe('a local configuration repository (git+file://)', () => {
  let repo: TestConfigRepository;
  let repository: ConfigRepository | undefined;
  beforeAll(async () => {
    repo = await createTestConfigRepository();
  });
  afterAll(() => repo.remove());
  afterEach(async () => {
    await repository?.close();
    repository = undefined;
  });

  it('serves default.yml of the branch head, ETag the commit sha, Last-Modified the commit time', async () => {
    const sha = await repo.commit(DEFAULT_YAML, FIRST);
    const loaded = await loadGitConfig(fileBackend(repo.path));
    repository = loaded.repository;
    expect(loaded.snapshot.etag).toBe(sha);
    expect(loaded.snapshot.revision).toBe(sha);
    expect(loaded.snapshot.lastModified.toISOString()).toBe(FIRST.toISOString());
    expect(Object.keys(loaded.snapshot.config.Registry).sort()).toEqual(['gridpp', 'lhcb']);
    // Read from the git objects: the work tree is neither read nor touched.
    expect(await repo.git('status', '--porcelain')).toBe('');
  });

  it('installs a new commit on reload, keeps a broken one out and logs why, then takes the next good one', async () => {
    const first = await repo.git('rev-parse', 'HEAD');
    const loaded = await loadGitConfig(fileBackend(repo.path));
    repository = loaded.repository;
    const store = new ConfigStore(loaded.snapshot);
    const { log, lines } = recordingLogger();
    const watcher = watchGitConfig(loaded.repository, store, 0, log);
    try {
      expect(await watcher.reload()).toBe(false);

      const second = await repo.commit(withUser('newbie'), SECOND);
      expect(await watcher.reload()).toBe(true);
      expect(store.current().etag).toBe(second);
      expect(store.current().lastModified.toISOString()).toBe(SECOND.toISOString());
      expect(store.current().config.Registry.lhcb?.Users['sub-newbie']?.PreferedUsername).toBe('newbie');
      expect(lines.at(-1)).toMatchObject({ msg: 'configuration reloaded', fields: { revision: second } });

      const broken = await repo.commit('Registry: [unclosed\n  - : :', THIRD, 'a broken edit');
      expect(await watcher.reload()).toBe(false);
      expect(await watcher.reload()).toBe(false);
      expect(store.current().etag).toBe(second);
      const refusals = lines.filter((l) => l.msg === 'configuration commit refused; keeping the previous one');
      expect(refusals).toHaveLength(1);
      expect(refusals[0]?.fields).toMatchObject({ revision: broken, serving: second });
      expect(String(refusals[0]?.fields.message)).toContain('cannot be parsed');

      const invalid = await repo.commit(DEFAULT_YAML.replace('DefaultGroup: lhcb_user', 'DefaultGroup: 7'), THIRD);
      expect(await watcher.reload()).toBe(false);
      expect(store.current().etag).toBe(second);
      expect(lines.at(-1)?.fields).toMatchObject({ revision: invalid });
      expect(String(lines.at(-1)?.fields.message)).toContain('Registry.lhcb.DefaultGroup');

      const fixed = await repo.commit(DEFAULT_YAML, THIRD, 'back to the shipped configuration');
      expect(await watcher.reload()).toBe(true);
      expect(store.current().etag).toBe(fixed);
      expect(fixed).not.toBe(first);
    } finally {
      watcher.stop();
    }
  });

  it('follows ?revision= (a branch other than master), ignoring master', async () => {
    // The first commit (the shipped configuration); master has moved on since.
    await repo.git('branch', 'production', await repo.git('rev-list', '--max-parents=0', 'HEAD'));
    const production = await repo.git('rev-parse', 'production');
    const loaded = await loadGitConfig(fileBackend(repo.path, 'production'));
    repository = loaded.repository;
    expect(loaded.snapshot.etag).toBe(production);
    expect(loaded.snapshot.etag).not.toBe(await repo.git('rev-parse', 'master'));
  });

  it('reads a bare repository too (what a shared volume often holds)', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'diracx-cs-bare-'));
    try {
      await repo.git('clone', '-q', '--bare', repo.path, bare);
      const loaded = await loadGitConfig(fileBackend(bare));
      repository = loaded.repository;
      expect(loaded.snapshot.etag).toBe(await repo.git('rev-parse', 'master'));
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('refuses to start on a revision that does not exist', async () => {
    expect(await startError(fileBackend(repo.path, 'nope'))).toBe(
      `DIRACX_CONFIG_BACKEND_URL git+file://${repo.path}?revision=nope: revision nope not found`,
    );
  });

  it('refuses to start on a commit whose default.yml is broken, invalid or missing', async () => {
    const broken = await repo.commit('Registry: [unclosed\n  - : :', THIRD);
    expect(await startError(fileBackend(repo.path))).toContain(`default.yml of commit ${broken} cannot be parsed`);
    const invalid = await repo.commit(DEFAULT_YAML.replace('DefaultGroup: lhcb_user', 'DefaultGroup: 7'), THIRD);
    expect(await startError(fileBackend(repo.path))).toContain(
      `default.yml of commit ${invalid} is an invalid configuration: Registry.lhcb.DefaultGroup`,
    );
    const missing = await repo.commit(undefined, THIRD);
    expect(await startError(fileBackend(repo.path))).toEndWith(`: commit ${missing} has no default.yml`);
  });
});

describe('a configuration repository that cannot be used at start', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diracx-cs-bad-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names a directory that does not exist', async () => {
    const path = join(dir, 'absent');
    expect(await startError(fileBackend(path))).toBe(
      `DIRACX_CONFIG_BACKEND_URL git+file://${path}?revision=master: ${path} is not a directory`,
    );
  });

  it('names a directory that is not a git repository', async () => {
    expect(await startError(fileBackend(dir))).toStartWith(
      `DIRACX_CONFIG_BACKEND_URL git+file://${dir}?revision=master: ${dir} is not a git repository`,
    );
  });

  it('names a repository with no commit yet', async () => {
    const empty = await createTestConfigRepository();
    try {
      expect(await startError(fileBackend(empty.path))).toEndWith('revision master not found');
    } finally {
      await empty.remove();
    }
  });

  it('names a remote that cannot be cloned, without its credentials', async () => {
    const message = await startError({
      kind: 'git-https',
      remote: `file://user:s3cret@localhost${join(dir, 'absent.git')}`,
      revision: 'master',
    });
    expect(message).toContain('cannot clone');
    expect(message).not.toContain('s3cret');
  });
});

describe('a remote configuration repository (cloned; a file:// remote standing in for https://)', () => {
  let origin: TestConfigRepository;
  beforeAll(async () => {
    origin = await createTestConfigRepository();
  });
  afterAll(() => origin.remove());

  it('clones it, fetches before each check, and removes the clone when closed', async () => {
    const first = await origin.commit(DEFAULT_YAML, FIRST);
    const backend: ConfigBackend = { kind: 'git-https', remote: `file://${origin.path}`, revision: 'master' };
    const { repository, snapshot } = await loadGitConfig(backend);
    const store = new ConfigStore(snapshot);
    const { log, lines } = recordingLogger();
    const watcher = watchGitConfig(repository, store, 0, log);
    try {
      expect(snapshot.etag).toBe(first);
      const second = await origin.commit(withUser('remote'), SECOND);
      expect(await watcher.reload()).toBe(true);
      expect(store.current().etag).toBe(second);
      expect(store.current().lastModified.toISOString()).toBe(SECOND.toISOString());

      // The remote goes away: logged once, the current configuration stays.
      await rm(join(origin.path, '.git'), { recursive: true, force: true });
      expect(await watcher.reload()).toBe(false);
      expect(await watcher.reload()).toBe(false);
      expect(store.current().etag).toBe(second);
      const unavailable = lines.filter((l) => l.msg.startsWith('configuration repository unavailable'));
      expect(unavailable).toHaveLength(1);
      expect(String(unavailable[0]?.fields.message)).toContain('cannot fetch');
    } finally {
      watcher.stop();
      const clone = (repository as unknown as { clone: string }).clone;
      await repository.close();
      expect(existsSync(clone)).toBe(false);
    }
  });
});
