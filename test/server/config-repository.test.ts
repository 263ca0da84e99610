/**
 * The real server process with DiracX's configuration repository (DIRACX_CONFIG_BACKEND_URL, a
 * real git repository): `GET /api/config/` serves `default.yml` of the branch head with the commit
 * sha as ETag and its commit time as Last-Modified (304 on either validator, as DiracX); a new
 * commit is served within seconds without a restart; a broken commit is logged and the last good
 * one stays in service; SIGHUP reloads when polling is off; and the start fails with one line
 * for an unusable repository, a wrong URL or a URL set together with DIRACX_CONFIG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { createTestConfigRepository, type TestConfigRepository } from '../harness/config-repository.ts';
import {
  type RunningServer,
  runServerExpectingFailure,
  serverToken,
  startServer,
  waitFor,
} from '../harness/server-process.ts';

const DEFAULT_YAML = await Bun.file(DEFAULT_CONFIG_PATH).text();
const FIRST = new Date('2026-10-01T12:00:00Z');
const SECOND = new Date('2026-10-02T13:14:15Z');

async function getConfig(server: RunningServer, headers: Record<string, string> = {}): Promise<Response> {
  const token = await serverToken({ vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' });
  return fetch(new URL('api/config/', server.url), { headers: { authorization: `Bearer ${token}`, ...headers } });
}

describe('server with a git configuration repository', () => {
  let repo: TestConfigRepository;
  let server: RunningServer | undefined;
  let first = '';
  const running = (): RunningServer => {
    if (!server) throw new Error('server did not start');
    return server;
  };
  beforeAll(async () => {
    repo = await createTestConfigRepository();
    first = await repo.commit(DEFAULT_YAML, FIRST);
    server = await startServer({
      DIRACX_CONFIG_BACKEND_URL: `git+file://${repo.path}`,
      DIRACX_CONFIG_RELOAD_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await server?.stop();
    await repo?.remove();
  });

  it('serves the head commit with its sha as ETag and its time as Last-Modified, and 304s as DiracX', async () => {
    const res = await getConfig(running());
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(first);
    expect(res.headers.get('last-modified')).toBe('Thu, 01 Oct 2026 12:00:00 GMT');
    expect(Object.keys(((await res.json()) as { Registry: object }).Registry)).toEqual(['lhcb']);
    expect((await getConfig(running(), { 'if-none-match': first })).status).toBe(304);
    expect((await getConfig(running(), { 'if-modified-since': 'Fri, 02 Oct 2026 00:00:00 GMT' })).status).toBe(304);
    expect((await getConfig(running(), { 'if-none-match': 'another-sha' })).status).toBe(200);
    const listening = running()
      .logs()
      .find((l) => l.msg === 'listening');
    expect(listening?.config).toBe(`git+file://${repo.path}?revision=master`);
  });

  it('serves a new commit within seconds, keeps the last good one when a commit is broken', async () => {
    const edited = DEFAULT_YAML.replace('DefaultGroup: lhcb_user', 'DefaultGroup: lhcb_user\n    # edited');
    const second = await repo.commit(edited, SECOND);
    const res = await waitFor(
      async () => {
        const r = await getConfig(running());
        return r.headers.get('etag') === second ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, description: 'the second commit served' },
    );
    expect(res.headers.get('last-modified')).toBe('Fri, 02 Oct 2026 13:14:15 GMT');

    const broken = await repo.commit('Registry: [unclosed\n  - : :', new Date('2026-10-03T00:00:00Z'));
    await waitFor(
      () =>
        running()
          .logs()
          .some((l) => l.msg === 'configuration commit refused; keeping the previous one' && l.revision === broken),
      { timeoutMs: 15_000, description: 'the broken commit refused in the log' },
    );
    expect((await getConfig(running())).headers.get('etag')).toBe(second);
    expect(running().running()).toBe(true);
  });
});

describe('server with a git configuration repository and polling disabled', () => {
  let repo: TestConfigRepository;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    repo = await createTestConfigRepository();
    await repo.commit(DEFAULT_YAML, FIRST);
    server = await startServer({ DIRACX_CONFIG_BACKEND_URL: repo.path, DIRACX_CONFIG_RELOAD_SECONDS: '0' });
  });
  afterAll(async () => {
    await server?.stop();
    await repo?.remove();
  });

  it('serves a new commit on SIGHUP', async () => {
    const running = server;
    if (!running) throw new Error('server did not start');
    const second = await repo.commit(`${DEFAULT_YAML}# second\n`, SECOND);
    running.signal('SIGHUP');
    await waitFor(() => running.logs().some((l) => l.msg === 'configuration reloaded' && l.revision === second), {
      timeoutMs: 15_000,
      description: 'the reload on SIGHUP in the log',
    });
    expect((await getConfig(running)).headers.get('etag')).toBe(second);
  });
});

describe('server start with an unusable configuration repository', () => {
  let repo: TestConfigRepository;
  beforeAll(async () => {
    repo = await createTestConfigRepository();
  });
  afterAll(() => repo.remove());

  async function failingStart(env: Record<string, string>): Promise<string> {
    const { code, stderr } = await runServerExpectingFailure(env);
    expect(code).toBe(1);
    expect(stderr).toHaveLength(1);
    return stderr[0] ?? '';
  }

  it('exits 1 naming a repository whose head has no default.yml', async () => {
    const sha = await repo.commit(undefined, FIRST, 'nothing yet');
    expect(await failingStart({ DIRACX_CONFIG_BACKEND_URL: repo.path })).toBe(
      `diracx: cannot start: DIRACX_CONFIG_BACKEND_URL git+file://${repo.path}?revision=master: ` +
        `commit ${sha} has no default.yml`,
    );
  });

  it('exits 1 on a URL DiracX cannot read, and on one set together with DIRACX_CONFIG', async () => {
    expect(await failingStart({ DIRACX_CONFIG_BACKEND_URL: 'file:///srv/cs' })).toContain(
      'DIRACX_CONFIG_BACKEND_URL=<redacted> is invalid: unsupported scheme file',
    );
    expect(await failingStart({ DIRACX_CONFIG_BACKEND_URL: repo.path, DIRACX_CONFIG: DEFAULT_CONFIG_PATH })).toContain(
      'cannot be used together with DIRACX_CONFIG',
    );
  });
});
