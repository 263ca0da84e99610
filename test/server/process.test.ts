/**
 * The real server process (`bun run src/server.ts`) on a free port with the in-memory database:
 * probes, configuration and OpenAPI over HTTP; exit 0 on SIGTERM and SIGINT; one stderr line and
 * exit 1 for a bad setting or configuration file; configuration reload (polling, SIGHUP) in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { sha256Hex } from '../../src/logic/sha256.ts';
import {
  runServerExpectingFailure,
  serverToken,
  startServer,
  waitFor,
  type LogLine,
  type RunningServer,
} from '../harness/server-process.ts';

const START_PREFIX = 'diracx: cannot start: ';

/** The Authorization header of chaen, an ordinary lhcb user, for the test servers. */
async function chaenHeaders(): Promise<Record<string, string>> {
  return {
    authorization: `Bearer ${await serverToken({ vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' })}`,
  };
}

/** The part of `GET /api/config/` these tests look at. */
interface ConfigBody {
  Registry: Record<string, { DefaultGroup: string; Users: Record<string, { PreferedUsername: string }> }>;
}

interface ConfigResponse {
  etag: string;
  body: ConfigBody;
}

async function getConfig(server: RunningServer): Promise<ConfigResponse> {
  const res = await fetch(new URL('api/config/', server.url), { headers: await chaenHeaders() });
  expect(res.status).toBe(200);
  const etag = res.headers.get('etag');
  expect(etag).toBeTruthy();
  return { etag: etag ?? '', body: (await res.json()) as ConfigBody };
}

/** Replaces the file in one step, so a poll never reads it half written. */
async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

const DEFAULT_CONFIG_TEXT = await Bun.file(DEFAULT_CONFIG_PATH).text();
const LHCB_USERS = '    DefaultGroup: lhcb_user\n    Users:\n';

/** The shipped configuration with a comment line and extra lhcb users (still valid). */
function configWithUsers(users: Record<string, string>, comment: string): string {
  const entries = Object.entries(users)
    .map(([sub, name]) => `      ${sub}:\n        PreferedUsername: ${name}\n`)
    .join('');
  const edited = DEFAULT_CONFIG_TEXT.replace(LHCB_USERS, `${LHCB_USERS}${entries}`);
  if (edited === DEFAULT_CONFIG_TEXT) throw new Error('src/config/default.yml changed: lhcb Users not found');
  return `# ${comment}\n${edited}`;
}

const BROKEN_YAML = 'Registry: [\n  lhcb: }\n';
const NEW_SUB_1 = 'aaaaaaaa-0000-4000-8000-000000000001';
const NEW_SUB_2 = 'aaaaaaaa-0000-4000-8000-000000000002';

const isReloadFailure = (line: LogLine): boolean =>
  line.level === 'error' && typeof line.msg === 'string' && line.msg.includes('reload failed');
const countReloadFailures = (server: RunningServer): number => server.logs().filter(isReloadFailure).length;

describe('server process on the embedded database', () => {
  let server: RunningServer | undefined;
  const running = (): RunningServer => {
    if (!server) throw new Error('server did not start');
    return server;
  };

  beforeAll(async () => {
    server = await startServer({});
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs one listening line naming the embedded database', () => {
    const listening = running()
      .logs()
      .filter((line) => line.msg === 'listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]?.database).toBe('pglite');
    expect(running().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it.each([
    ['/api/health/live', { status: 'live' }],
    ['/api/health/ready', { status: 'ready' }],
    ['/api/health/startup', { status: 'startup complete' }],
  ])('answers %s with 200 and the DiracX body', async (path, body) => {
    const res = await fetch(new URL(path, running().url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(body);
  });

  it('serves the configuration with an ETag and answers 304 to a matching If-None-Match', async () => {
    const { etag, body } = await getConfig(running());
    // chaen is served lhcb's part only.
    expect(Object.keys(body.Registry)).toEqual(['lhcb']);
    const again = await fetch(new URL('api/config/', running().url), {
      headers: { ...(await chaenHeaders()), 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(new URL('api/openapi.json', running().url));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi?: string; paths?: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths ?? {})).toContain('/api/config/');
  });
});

describe('server process shutdown', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL').catch(() => undefined)));
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('exits 0 and logs "stopped" on %s', async (signal) => {
    const server = await startServer({});
    servers.push(server);
    const live = await fetch(new URL('api/health/live', server.url));
    expect(live.status).toBe(200);

    const code = await server.stop(signal);
    expect(code).toBe(0);
    const messages = server.logs().map((line) => line.msg);
    expect(messages).toContain('stopped');
    expect(server.logs().find((line) => line.msg === 'shutting down')?.signal).toBe(signal);
    expect(messages.at(-1)).toBe('stopped');
    expect(server.stderr).toEqual([]);
  });
});

describe('server process startup failures', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diracx-process-test-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs a server that must fail and returns its single stderr line. */
  async function failingStart(env: Record<string, string>): Promise<string> {
    const { code, stderr, stdout } = await runServerExpectingFailure(env);
    expect(code).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stdout).toEqual([]);
    const line = stderr[0] ?? '';
    expect(line.startsWith(START_PREFIX)).toBe(true);
    return line;
  }

  it.each(['abc', '70000'])('exits 1 with one stderr line naming PORT when PORT=%s', async (port) => {
    const line = await failingStart({ PORT: port });
    expect(line).toContain('PORT');
    expect(line).toContain(port);
  });

  it('exits 1 with one stderr line naming every wrong setting', async () => {
    const line = await failingStart({ PORT: 'abc', DIRACX_SHUTDOWN_GRACE_SECONDS: 'soon' });
    expect(line).toContain('PORT="abc"');
    expect(line).toContain('DIRACX_SHUTDOWN_GRACE_SECONDS="soon"');
  });

  it('exits 1 with one stderr line giving the root cause when PostgreSQL cannot be reached', async () => {
    const line = await failingStart({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(line).toContain('ECONNREFUSED');
    expect(line).not.toContain('nobody');
  });

  it('exits 1 with one stderr line naming the path of an unknown key in a Registry group', async () => {
    const path = join(dir, 'unknown-key.yml');
    await writeFile(
      path,
      [
        'DIRAC: {}',
        'Registry: {lhcb: {IdP: {URL: https://x, ClientID: y}, DefaultGroup: g, Users: {}, ' +
          'Groups: {g: {Properties: [NormalUser], Users: [], Bogus: 1}}}}',
        '',
      ].join('\n'),
    );
    const line = await failingStart({ DIRACX_CONFIG: path });
    expect(line).toContain('Registry.lhcb.Groups.g.Bogus');
    expect(line).toContain(path);
  });

  it('exits 1 with one stderr line when the configuration file is not valid YAML', async () => {
    const path = join(dir, 'broken.yml');
    await writeFile(path, BROKEN_YAML);
    const line = await failingStart({ DIRACX_CONFIG: path });
    expect(line).toContain(path);
  });

  it('exits 1 with one stderr line naming a configuration file that does not exist', async () => {
    const path = join(dir, 'missing.yml');
    const line = await failingStart({ DIRACX_CONFIG: path });
    expect(line).toContain(path);
  });
});

/** Polls the config route until it serves an ETag other than `previous`. */
function waitForNewEtag(server: RunningServer, previous: string): ReturnType<typeof getConfig> {
  return waitFor(
    async () => {
      const config = await getConfig(server);
      return config.etag !== previous ? config : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 200, description: 'a new ETag' },
  );
}

describe('configuration reload by polling the file', () => {
  let dir = '';
  let path = '';
  let server: RunningServer | undefined;
  let previousEtag = '';
  const running = (): RunningServer => {
    if (!server) throw new Error('server did not start');
    return server;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diracx-reload-test-'));
    path = join(dir, 'config.yml');
    await writeFile(path, DEFAULT_CONFIG_TEXT);
    server = await startServer({ DIRACX_CONFIG: path, DIRACX_CONFIG_RELOAD_SECONDS: '1' });
    previousEtag = (await getConfig(server)).etag;
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves an edited file under a new ETag within a few seconds', async () => {
    const edited = configWithUsers({ [NEW_SUB_1]: 'newbie1' }, 'edited by the reload test');
    await replaceFile(path, edited);
    const next = await waitForNewEtag(running(), previousEtag);
    expect(next.body.Registry.lhcb?.Users[NEW_SUB_1]?.PreferedUsername).toBe('newbie1');
    // The log names the file's content hash; each VO is served its own view's ETag.
    const fileHash = await sha256Hex(edited);
    expect(
      running()
        .logs()
        .some((line) => line.msg === 'configuration reloaded' && line.etag === fileHash),
    ).toBe(true);
    previousEtag = next.etag;
  });

  it('keeps serving the previous configuration when the file becomes invalid', async () => {
    const failuresBefore = countReloadFailures(running());
    await replaceFile(path, BROKEN_YAML);
    await waitFor(() => countReloadFailures(running()) > failuresBefore, {
      timeoutMs: 10_000,
      description: 'a "reload failed" log line',
    });
    const current = await getConfig(running());
    expect(current.etag).toBe(previousEtag);
    expect(current.body.Registry.lhcb?.Users[NEW_SUB_1]?.PreferedUsername).toBe('newbie1');
    const live = await fetch(new URL('api/health/live', running().url));
    expect(live.status).toBe(200);
  });

  it('serves the file again once it is valid, without a restart', async () => {
    await replaceFile(path, configWithUsers({ [NEW_SUB_1]: 'newbie1', [NEW_SUB_2]: 'newbie2' }, 'fixed'));
    const next = await waitForNewEtag(running(), previousEtag);
    expect(next.body.Registry.lhcb?.Users[NEW_SUB_2]?.PreferedUsername).toBe('newbie2');
    expect(running().running()).toBe(true);
    expect(
      running()
        .logs()
        .filter((line) => line.msg === 'listening'),
    ).toHaveLength(1);
  });
});

describe('configuration reload on SIGHUP with polling disabled', () => {
  let dir = '';
  let path = '';
  let server: RunningServer | undefined;
  let previousEtag = '';
  const running = (): RunningServer => {
    if (!server) throw new Error('server did not start');
    return server;
  };
  /** Sends SIGHUP and waits until the server has logged the outcome of that reload. */
  const reloadNow = async (): Promise<void> => {
    const outcomes = (): number =>
      running()
        .logs()
        .filter((line) => line.msg === 'configuration reloaded' || isReloadFailure(line)).length;
    const before = outcomes();
    running().signal('SIGHUP');
    await waitFor(() => outcomes() > before, { timeoutMs: 10_000, description: 'the SIGHUP reload to finish' });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diracx-sighup-test-'));
    path = join(dir, 'config.yml');
    await writeFile(path, DEFAULT_CONFIG_TEXT);
    server = await startServer({ DIRACX_CONFIG: path, DIRACX_CONFIG_RELOAD_SECONDS: '0' });
    previousEtag = (await getConfig(server)).etag;
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ignores an edited file until SIGHUP, then serves it under a new ETag', async () => {
    await replaceFile(path, configWithUsers({ [NEW_SUB_1]: 'newbie1' }, 'edited for SIGHUP'));
    await Bun.sleep(1500);
    expect((await getConfig(running())).etag).toBe(previousEtag);

    await reloadNow();
    const next = await getConfig(running());
    expect(next.etag).not.toBe(previousEtag);
    expect(next.body.Registry.lhcb?.Users[NEW_SUB_1]?.PreferedUsername).toBe('newbie1');
    previousEtag = next.etag;
  });

  it('keeps the previous configuration when SIGHUP finds an invalid file', async () => {
    const failuresBefore = countReloadFailures(running());
    await replaceFile(path, BROKEN_YAML);
    await reloadNow();
    expect(countReloadFailures(running())).toBe(failuresBefore + 1);
    const current = await getConfig(running());
    expect(current.etag).toBe(previousEtag);
  });

  it('serves a fixed file after the next SIGHUP', async () => {
    await replaceFile(path, configWithUsers({ [NEW_SUB_1]: 'newbie1', [NEW_SUB_2]: 'newbie2' }, 'fixed for SIGHUP'));
    await reloadNow();
    const next = await getConfig(running());
    expect(next.etag).not.toBe(previousEtag);
    expect(next.body.Registry.lhcb?.Users[NEW_SUB_2]?.PreferedUsername).toBe('newbie2');
    expect(running().running()).toBe(true);
  });
});
