/**
 * The README's settings tables are generated from `src/process/settings-doc.ts`: this test fails
 * when README.md is stale, when a setting has no row (or a row names no setting), when a shown
 * default disagrees with the schema's, and when code under `src/` reads a `DIRACX_` variable the
 * schema does not hold (except Workers bindings, build-time variables, which the commands
 * table documents, and the extension testing kit's test server URL, which docs/extensions.md does).
 */
import { describe, expect, it } from 'bun:test';
import { Glob } from 'bun';
import { renderSettingsTables, SETTINGS_BEGIN, SETTINGS_DOC, SETTINGS_END } from '../src/process/settings-doc.ts';
import { parseSettings, SettingsSchema } from '../src/settings.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** Workers bindings that are not settings: the configuration snapshot the deployment binds. */
const WORKERS_BINDINGS = new Set(['DIRACX_CONFIG_DOCUMENT', 'DIRACX_CONFIG_MODIFIED']);

/**
 * Build-time variables, not settings: read by `bun run extensions` (and `bun run build`), never
 * by the server, and documented in the README's commands table instead (checked below).
 */
const BUILD_VARIABLES = new Set(['DIRACX_BUILD_EXTENSIONS']);

/**
 * The extension testing kit's environment (`src/testing/`, for an extension's own tests, never read
 * by the server): documented in docs/extensions.md, and allowed under `src/testing/` only.
 */
const TESTING_KIT_VARIABLES = new Set(['DIRACX_TEST_MYSQL_URL']);

/** Defaults the README abbreviates on purpose (the schema holds the full value). */
const ABBREVIATED_DEFAULTS = new Set(['DIRACX_CORS_ORIGINS']);

const schemaKeys = Object.keys(SettingsSchema.shape).sort();
const isSetting = (name: string): boolean => schemaKeys.includes(name);

describe('README settings tables', () => {
  it('are the ones generated from the settings documentation', async () => {
    const readme = await Bun.file(`${ROOT}README.md`).text();
    const begin = readme.indexOf(SETTINGS_BEGIN);
    const end = readme.indexOf(SETTINGS_END);
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(begin);
    const current = readme.slice(begin + SETTINGS_BEGIN.length, end).trim();
    if (current !== renderSettingsTables()) {
      throw new Error('README.md settings tables are stale: run `bun run settings-doc` and commit README.md');
    }
  });

  it('document every setting of the schema, and nothing else', () => {
    expect(Object.keys(SETTINGS_DOC).sort()).toEqual(schemaKeys);
  });

  it('show the schema default of every setting that has a plain one', () => {
    const defaults: Record<string, unknown> = parseSettings({});
    const wrong: string[] = [];
    for (const [name, doc] of Object.entries(SETTINGS_DOC)) {
      const value = defaults[name];
      if (value === undefined || ABBREVIATED_DEFAULTS.has(name)) continue;
      const shown = Array.isArray(value) ? [JSON.stringify(value), value.join(',')] : [String(value)];
      const agrees = shown.some((s) => doc.defaultText.startsWith(`\`${s}\``));
      if (!agrees) wrong.push(`${name}: ${doc.defaultText} vs ${shown[0]}`);
    }
    expect(wrong).toEqual([]);
  });

  it('cover every DIRACX_ variable the code under src/ names', async () => {
    const schema = new Set(schemaKeys);
    const unknown = new Set<string>();
    for await (const path of new Glob('src/**/*.ts').scan(ROOT)) {
      const text = await Bun.file(`${ROOT}${path}`).text();
      // A name ending in `_` is a family in a comment (`DIRACX_SEARCH_MAX_*`), not a variable.
      for (const [name] of text.matchAll(/\bDIRACX_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (schema.has(name) || WORKERS_BINDINGS.has(name) || BUILD_VARIABLES.has(name)) continue;
        if (TESTING_KIT_VARIABLES.has(name) && path.startsWith('src/testing/')) continue;
        unknown.add(`${name} (${path})`);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('leave the build-time variables to the README commands table', async () => {
    const readme = await Bun.file(`${ROOT}README.md`).text();
    const commands = readme.slice(readme.indexOf('## Commands'));
    for (const name of BUILD_VARIABLES) {
      expect(isSetting(name)).toBe(false);
      expect(commands).toContain(`| \`${name}=`);
    }
  });
});
