/**
 * Settings from the environment: defaults for a bare machine, and one line per wrong
 * variable that names it and says what it expects (never echoing a secret).
 */
import { describe, expect, it } from 'bun:test';
import { parseSettings, SettingsError } from '../src/settings.ts';

function errorOf(env: Record<string, string>): SettingsError {
  try {
    parseSettings(env);
  } catch (err) {
    if (err instanceof SettingsError) return err;
    throw err;
  }
  throw new Error('expected parseSettings to throw');
}

describe('parseSettings', () => {
  it('gives defaults that serve on port 8000 with the embedded database in ./.data', () => {
    const s = parseSettings({});
    expect(s.PORT).toBe(8000);
    expect(s.DATABASE_URL).toBeUndefined();
    expect(s.DIRACX_DATA_DIR).toBe('./.data');
    expect(s.DIRACX_CONFIG).toBeUndefined();
    expect(s.DIRACX_MIN_CLIENT_VERSION).toBe('0.0.1a1');
  });

  it('reads given values and treats empty strings as unset', () => {
    const s = parseSettings({
      PORT: '9001',
      DATABASE_URL: 'postgres://u@h/db',
      DIRACX_CONFIG: '',
      DIRACX_ACCESS_LOG: 'false',
    });
    expect(s).toMatchObject({ PORT: 9001, DATABASE_URL: 'postgres://u@h/db', DIRACX_ACCESS_LOG: false });
    expect(s.DIRACX_CONFIG).toBeUndefined();
  });

  it('splits CORS origins on commas', () => {
    expect(parseSettings({ DIRACX_CORS_ORIGINS: 'https://a.example, https://b.example' }).DIRACX_CORS_ORIGINS).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it.each([
    ['PORT', 'abc', 'expected an integer from 0 to 65535'],
    ['PORT', '70000', 'expected an integer from 0 to 65535'],
    ['DIRACX_ACCESS_LOG', 'maybe', 'expected true or false'],
    ['DIRACX_MIN_CLIENT_VERSION', 'not-a-version', 'expected a PEP 440 version'],
  ])('refuses %s=%s with one line naming it', (name, value, expects) => {
    const err = errorOf({ [name]: value });
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toStartWith(`${name}=`);
    expect(err.lines[0]).toContain(expects);
  });

  it('does not echo a wrong DATABASE_URL, which may hold a password', () => {
    const err = errorOf({ DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(err.lines[0]).toStartWith('DATABASE_URL=');
    expect(err.lines[0]).toContain('postgres://');
    expect(err.message).not.toContain('hunter2');
  });

  it('reports every wrong variable, one line each', () => {
    expect(errorOf({ PORT: 'x', DIRACX_ACCESS_LOG: 'x' }).lines).toHaveLength(2);
  });
});
