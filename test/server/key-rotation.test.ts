/**
 * Key rotation across processes, with the real CLIs: an issuing server watches its keystore
 * file, a verifier-only server reads the issuer's JWKS over HTTP; `bun run keys rotate` makes a
 * new key sign without restarting either, old tokens keep verifying until their key is removed,
 * and `bun run token` mints tokens only for users, groups and VOs the configuration has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { REPO_ROOT, serverEnvironment, startServer, waitFor, type RunningServer } from '../harness/server-process.ts';

const ISSUER = 'https://rotation.test.invalid';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(script: 'keys' | 'token', args: string[], env: Record<string, string>): Promise<CliResult> {
  const proc = Bun.spawn({
    cmd: [process.execPath, 'run', '--silent', script, ...(script === 'token' ? ['--'] : []), ...args],
    cwd: REPO_ROOT,
    env: serverEnvironment(env),
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe('key rotation with an issuing and a verifier-only server', () => {
  let dir = '';
  let keystore = '';
  let issuer: RunningServer | undefined;
  let verifier: RunningServer | undefined;
  const env = (): Record<string, string> => ({
    DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: keystore,
    DIRACX_SERVICE_AUTH_TOKEN_ISSUER: ISSUER,
  });
  const mint = async (): Promise<string> => {
    const result = await runCli('token', ['--vo', 'lhcb', '--group', 'lhcb_user', '--user', 'chaen'], env());
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return result.stdout.trim();
  };
  const status = async (server: RunningServer | undefined, token: string): Promise<number> => {
    if (!server) throw new Error('server did not start');
    return (await fetch(new URL('api/auth/userinfo', server.url), { headers: { authorization: `Bearer ${token}` } }))
      .status;
  };
  const publishedKids = async (): Promise<string[]> => {
    const jwks = (await (await fetch(new URL('.well-known/jwks.json', issuer!.url))).json()) as JSONWebKeySet;
    return jwks.keys.map((k) => k.kid ?? '');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diracx-rotation-'));
    keystore = join(dir, 'keystore.json');
    expect((await runCli('keys', ['generate'], env())).code).toBe(0);
    issuer = await startServer({ ...env(), DIRACX_CONFIG_RELOAD_SECONDS: '1' });
    verifier = await startServer({
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: ISSUER,
      DIRACX_SERVICE_AUTH_JWKS_URL: new URL('.well-known/jwks.json', issuer.url).toString(),
      DIRACX_SERVICE_AUTH_JWKS_CACHE_SECONDS: '1',
      DIRACX_SERVICE_AUTH_JWKS_COOLDOWN_SECONDS: '0',
    });
  });
  afterAll(async () => {
    await Promise.all([issuer?.stop(), verifier?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  let oldToken = '';
  let oldKid = '';

  it('accepts a token minted by the CLI on both servers', async () => {
    oldToken = await mint();
    oldKid = decodeProtectedHeader(oldToken).kid ?? '';
    expect(await status(issuer, oldToken)).toBe(200);
    expect(await status(verifier, oldToken)).toBe(200);
  });

  it('publishes a staged key before it signs', async () => {
    const staged = await runCli('keys', ['stage', '--alg', 'RS256'], env());
    expect(staged.code).toBe(0);
    const kid = /staged (\w+)/.exec(staged.stdout)?.[1] ?? '';
    await waitFor(async () => (await publishedKids()).includes(kid), {
      timeoutMs: 10_000,
      description: 'the staged key in the JWKS',
    });
    expect(decodeProtectedHeader(await mint()).kid).toBe(oldKid);
  });

  it('signs with the rotated key and both servers accept it without a restart', async () => {
    const rotated = await runCli('keys', ['rotate'], env());
    expect(rotated.code).toBe(0);
    const kid = /rotated: (\w+)/.exec(rotated.stdout)?.[1] ?? '';
    await waitFor(async () => (await publishedKids()).includes(kid), {
      timeoutMs: 10_000,
      description: 'the rotated key in the JWKS',
    });
    const newToken = await mint();
    expect(decodeProtectedHeader(newToken).kid).toBe(kid);
    expect(await status(issuer, newToken)).toBe(200);
    expect(await status(verifier, newToken)).toBe(200);
    expect(issuer?.running() && verifier?.running()).toBe(true);
  });

  it('keeps accepting tokens of the previous key until it is removed', async () => {
    expect(await status(issuer, oldToken)).toBe(200);
    expect(await status(verifier, oldToken)).toBe(200);
    expect((await runCli('keys', ['remove', oldKid], env())).code).toBe(0);
    await waitFor(async () => !(await publishedKids()).includes(oldKid), {
      timeoutMs: 10_000,
      description: 'the old key gone',
    });
    expect(await status(issuer, oldToken)).toBe(401);
    await waitFor(async () => (await status(verifier, oldToken)) === 401, {
      timeoutMs: 10_000,
      description: 'the verifier to drop the old key',
    });
  });

  it('refuses to remove the signing key', async () => {
    const list = await runCli('keys', ['list'], env());
    const signing = /^(\w+) .*\(signing\)$/m.exec(list.stdout)?.[1] ?? '';
    const result = await runCli('keys', ['remove', signing], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is the signing key');
  });
});

describe('bun run token', () => {
  let dir = '';
  let env: Record<string, string> = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diracx-token-cli-'));
    env = { DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: join(dir, 'keystore.json'), DIRACX_SERVICE_AUTH_TOKEN_ISSUER: ISSUER };
    expect((await runCli('keys', ['generate'], env)).code).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints only the token, with the audience and lifetime asked for', async () => {
    const result = await runCli(
      'token',
      [
        '--vo',
        'gridpp',
        '--group',
        'gridpp_user',
        '--user',
        'alice',
        '--audience',
        'https://mcp.example/mcp',
        '--lifetime',
        '120',
      ],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('.')).toHaveLength(3);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const payload = JSON.parse(Buffer.from(result.stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      vo: 'gridpp',
      dirac_group: 'gridpp_user',
      preferred_username: 'alice',
      aud: 'https://mcp.example/mcp',
      iss: ISSUER,
    });
    expect((payload.exp as number) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(120);
  });

  it.each([
    [
      'a VO the configuration does not have',
      ['--vo', 'atlas', '--group', 'x', '--user', 'alice'],
      'VO atlas is not known',
    ],
    [
      'a group outside the VO',
      ['--vo', 'gridpp', '--group', 'lhcb_user', '--user', 'alice'],
      'lhcb_user not in gridpp groups',
    ],
    [
      'a user the VO does not have',
      ['--vo', 'gridpp', '--group', 'gridpp_user', '--user', 'mallory'],
      'mallory is not a user of VO gridpp',
    ],
    [
      'a user outside the group',
      ['--vo', 'gridpp', '--group', 'gridpp_admin', '--user', 'alice'],
      'not a member of the requested group',
    ],
  ])('refuses %s with one line and no token', async (_name, args, message) => {
    const result = await runCli('token', args, env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
  });
});
