/**
 * `DIRACX_CONFIG_BACKEND_URL` read as DiracX 0.7.0 reads it (diracx.core.config.sources): the two
 * git schemes, `?revision=` with DiracX's default `master`, a bare absolute path taken as
 * `git+file://`, and one clear refusal for what DiracX has no source for; as a setting, its value
 * (which may hold a token) is never echoed, and it cannot be set together with DIRACX_CONFIG.
 */
import { describe, expect, it } from 'bun:test';
import { describeConfigBackend, parseConfigBackendUrl } from '../../src/config/backend-url.ts';
import { parseSettings, SettingsError } from '../../src/settings.ts';

function settingsError(env: Record<string, string>): SettingsError {
  try {
    parseSettings(env);
  } catch (err) {
    if (err instanceof SettingsError) return err;
    throw err;
  }
  throw new Error('expected parseSettings to throw');
}

describe('parseConfigBackendUrl', () => {
  it.each([
    ['git+file:///srv/cs', { kind: 'git-file', path: '/srv/cs', revision: 'master' }],
    ['git+file:///srv/cs?revision=prod', { kind: 'git-file', path: '/srv/cs', revision: 'prod' }],
    ['/srv/my%20cs', { kind: 'git-file', path: '/srv/my cs', revision: 'master' }],
    ['/srv/cs', { kind: 'git-file', path: '/srv/cs', revision: 'master' }],
    [
      'git+https://gitlab.example/vo/cs.git?revision=v2',
      { kind: 'git-https', remote: 'https://gitlab.example/vo/cs.git', revision: 'v2' },
    ],
    [
      'git+https://user:s3cret@gitlab.example/cs.git',
      { kind: 'git-https', remote: 'https://user:s3cret@gitlab.example/cs.git', revision: 'master' },
    ],
  ])('reads %s', (value, expected) => {
    expect(parseConfigBackendUrl(value)).toEqual(expected as ReturnType<typeof parseConfigBackendUrl>);
  });

  it.each([
    ['file:///srv/cs', 'unsupported scheme file'],
    ['git+ssh://host/cs', 'unsupported scheme git+ssh'],
    ['git+http://host/cs', 'unsupported scheme git+http'],
    ['relative/cs', 'a bare path must be absolute'],
    ['git+file://', 'empty path'],
    ['git+file:///srv/cs?revision=', 'revision must name'],
    ['git+file:///srv/cs?revision=--upload-pack=x', 'revision must name'],
  ])('refuses %s', (value, reason) => {
    expect(() => parseConfigBackendUrl(value)).toThrow(reason);
  });

  it('describes a remote without its credentials', () => {
    const text = describeConfigBackend(parseConfigBackendUrl('git+https://user:s3cret@gitlab.example/cs.git'));
    expect(text).toBe('git+https://***@gitlab.example/cs.git?revision=master');
  });
});

describe('DIRACX_CONFIG_BACKEND_URL setting', () => {
  it('is parsed, and unset by default', () => {
    expect(parseSettings({}).DIRACX_CONFIG_BACKEND_URL).toBeUndefined();
    expect(parseSettings({ DIRACX_CONFIG_BACKEND_URL: 'git+file:///srv/cs' }).DIRACX_CONFIG_BACKEND_URL).toEqual({
      kind: 'git-file',
      path: '/srv/cs',
      revision: 'master',
    });
  });

  it('refuses a wrong value on one line without echoing it', () => {
    const err = settingsError({ DIRACX_CONFIG_BACKEND_URL: 'git+ssh://u:tok3n@host/cs' });
    expect(err.lines).toEqual([
      'DIRACX_CONFIG_BACKEND_URL=<redacted> is invalid: unsupported scheme git+ssh; expected ' +
        'git+file:///absolute/path or git+https://host/repository, optionally with ?revision=<branch>',
    ]);
    expect(err.message).not.toContain('tok3n');
  });

  it('cannot be set together with DIRACX_CONFIG', () => {
    const err = settingsError({ DIRACX_CONFIG: '/etc/diracx.yml', DIRACX_CONFIG_BACKEND_URL: '/srv/cs' });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toStartWith('DIRACX_CONFIG_BACKEND_URL=<redacted> is invalid: cannot be used together');
  });
});
