/**
 * Loading the DiracX configuration from a file: YAML and JSON, one clear line for a file that
 * is missing, unparsable or invalid, and reloading on change while keeping the previous
 * configuration when the new file is broken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigFileError, DEFAULT_CONFIG_PATH, loadConfigFile, watchConfigFile } from '../../src/config/file-source.ts';
import { ConfigStore } from '../../src/config/store.ts';
import { createJsonLogger } from '../../src/core/logger.ts';

let dir: string;
let defaultYaml: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diracx-config-'));
  defaultYaml = await Bun.file(DEFAULT_CONFIG_PATH).text();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function errorOf(path: string): Promise<ConfigFileError> {
  const err = await loadConfigFile(path).catch((e: unknown) => e);
  if (!(err instanceof ConfigFileError)) throw new Error(`expected ConfigFileError, got ${String(err)}`);
  return err;
}

describe('loadConfigFile', () => {
  it('loads the shipped YAML and stamps it with its modification time', async () => {
    const path = join(dir, 'ok.yml');
    await writeFile(path, defaultYaml);
    await utimes(path, new Date('2026-01-02T03:04:05.678Z'), new Date('2026-01-02T03:04:05.678Z'));
    const snapshot = await loadConfigFile(path);
    expect(Object.keys(snapshot.config.Registry).sort()).toEqual(['gridpp', 'lhcb']);
    expect(snapshot.lastModified.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('loads the same configuration from JSON', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify(Bun.YAML.parse(defaultYaml)));
    const snapshot = await loadConfigFile(path);
    expect(snapshot.config.Registry.lhcb?.DefaultGroup).toBe('lhcb_user');
  });

  it('names a missing file', async () => {
    const err = await errorOf(join(dir, 'absent.yml'));
    expect(err.message).toBe(`DIRACX_CONFIG ${join(dir, 'absent.yml')}: cannot be read: no such file`);
  });

  it('reports unparsable YAML on one line', async () => {
    const path = join(dir, 'broken.yml');
    await writeFile(path, 'Registry: [unclosed\n  - : :');
    const err = await errorOf(path);
    expect(err.message).toContain('cannot be parsed');
    expect(err.message).not.toContain('\n');
  });

  it('names the offending key of an invalid configuration on one line', async () => {
    const path = join(dir, 'invalid.yml');
    await writeFile(path, defaultYaml.replace('DefaultGroup: lhcb_user', 'DefaultGroup: lhcb_user\n    Colour: blue'));
    const err = await errorOf(path);
    expect(err.message).toContain('Registry.lhcb.Colour');
    expect(err.message).not.toContain('\n');
  });
});

describe('watchConfigFile', () => {
  it('installs a changed file, and keeps the previous configuration when the new one is broken', async () => {
    const path = join(dir, 'watched.yml');
    await writeFile(path, defaultYaml);
    const store = new ConfigStore(await loadConfigFile(path));
    const lines: Record<string, unknown>[] = [];
    const watcher = watchConfigFile(
      path,
      store,
      0,
      createJsonLogger('info', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
    );
    try {
      const first = store.current();
      await writeFile(path, defaultYaml.replace('DefaultGroup: gridpp_user', 'DefaultGroup: gridpp_admin'));
      expect(await watcher.reload()).toBe(true);
      expect(store.current().etag).not.toBe(first.etag);
      expect(store.current().config.Registry.gridpp?.DefaultGroup).toBe('gridpp_admin');

      const second = store.current();
      await writeFile(path, 'Registry: {');
      expect(await watcher.reload()).toBe(false);
      expect(store.current()).toBe(second);
      expect(lines.some((l) => l.level === 'error' && String(l.msg).includes('reload failed'))).toBe(true);

      await writeFile(path, defaultYaml.replace('DefaultGroup: gridpp_user', 'DefaultGroup: gridpp_admin'));
      expect(await watcher.reload()).toBe(false);
    } finally {
      watcher.stop();
    }
  });
});
