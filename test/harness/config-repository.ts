/**
 * A DiracX configuration repository for tests: a real git repository in a temporary directory
 * whose commits hold `default.yml`, made with Debian's git as an administrator would (fixed
 * identity, commit times chosen by the test), on DiracX's default branch `master`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestConfigRepository {
  /** The work tree (also the `git+file://` path). */
  readonly path: string;
  /** Writes `default.yml` (or removes it when `text` is undefined) and commits; resolves with the sha. */
  commit(text: string | undefined, committed: Date, message?: string): Promise<string>;
  /** Any git command in the work tree; resolves with its stdout, trimmed. */
  git(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

async function runGit(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const proc = Bun.spawn({
    cmd: ['git', '-c', 'user.name=Config Admin', '-c', 'user.email=admin@test.invalid', ...args],
    cwd,
    env: { ...process.env, LC_ALL: 'C', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`git ${args.join(' ')}: exit ${code}: ${stderr}`);
  return stdout.trim();
}

/** A new repository with no commit yet, on branch `master`: in `at` (made if missing), or a temporary directory. */
export async function createTestConfigRepository(at?: string): Promise<TestConfigRepository> {
  if (at) await mkdir(at, { recursive: true });
  const path = at ?? (await mkdtemp(join(tmpdir(), 'diracx-cs-repo-')));
  await runGit(path, ['init', '-q', '-b', 'master']);
  return {
    path,
    async commit(text, committed, message = 'configuration change') {
      const file = join(path, 'default.yml');
      if (text === undefined) await rm(file, { force: true });
      else await writeFile(file, text);
      await runGit(path, ['add', '-A']);
      const date = `${Math.floor(committed.getTime() / 1000)} +0000`;
      await runGit(path, ['commit', '-q', '--allow-empty', '-m', message], {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      });
      return runGit(path, ['rev-parse', 'HEAD']);
    },
    git: (...args) => runGit(path, args),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
