/**
 * The page modules are Web-standard, as the request path must be (`test/web-standard.test.ts`
 * checks what `src/handler.ts` reaches; these are checked here until the flow reaches them):
 * bundled for the browser they import no `node:`/`bun:` module or Node built-in, and none of
 * our modules they reach uses the `Bun` global.
 */
import { describe, expect, it } from 'bun:test';
import { builtinModules } from 'node:module';
import { readdirSync } from 'node:fs';

const DIR = new URL('../../../../src/routes/auth/pages/', import.meta.url).pathname;
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const MODULES = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `${DIR}${f}`);

describe('the page modules', () => {
  it('are all covered', () => {
    expect(MODULES.map((m) => m.slice(DIR.length)).sort()).toEqual([
      'client.ts',
      'consent.ts',
      'csrf.ts',
      'dev-login.ts',
      'error.ts',
      'form.ts',
      'headers.ts',
      'html.ts',
      'index.ts',
      'vo-choice.ts',
    ]);
  });

  it('import nothing but Web-standard modules and never use the Bun global', async () => {
    const forbidden: string[] = [];
    const reached = new Set<string>();
    const result = await Bun.build({
      entrypoints: MODULES,
      target: 'browser',
      throw: false,
      plugins: [
        {
          name: 'record-imports',
          setup(build) {
            build.onResolve({ filter: /.*/ }, (args) => {
              const spec = args.path;
              if (spec.startsWith('node:') || spec.startsWith('bun:') || spec === 'bun' || NODE_BUILTINS.has(spec)) {
                forbidden.push(`${spec} (from ${args.importer})`);
                return { path: spec, external: true };
              }
              return undefined;
            });
            build.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => {
              reached.add(args.path);
              return { contents: await Bun.file(args.path).text(), loader: 'ts' };
            });
          },
        },
      ],
    });
    expect(result.logs.filter((l) => l.level === 'error').map(String)).toEqual([]);
    expect(forbidden).toEqual([]);
    expect(reached.size).toBeGreaterThanOrEqual(MODULES.length);
    const usesBun: string[] = [];
    for (const file of reached) {
      const code = (await Bun.file(file).text()).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/\bBun\s*\.|\bBun\b\s*\[/.test(code)) usesBun.push(file);
    }
    expect(usesBun).toEqual([]);
  });
});
