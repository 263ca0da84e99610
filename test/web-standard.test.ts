/**
 * The request path is Web-standard: bundling `src/handler.ts` for the browser reaches no
 * `node:*`/`bun:*` module or Node built-in, and none of our own modules it reaches uses the
 * `Bun` global. The same handler can then run in a Workers-style runtime.
 */
import { describe, expect, it } from 'bun:test';
import { builtinModules } from 'node:module';
import { relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const HANDLER = `${ROOT}src/handler.ts`;
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

interface Reachability {
  forbiddenImports: string[];
  ownFiles: string[];
  buildErrors: string[];
}

/** Bundles `entry` for the browser, recording forbidden imports and our own modules reached. */
async function trace(entry: string): Promise<Reachability> {
  const forbiddenImports: string[] = [];
  const ownFiles = new Set<string>();
  const result = await Bun.build({
    entrypoints: [entry],
    target: 'browser',
    throw: false,
    plugins: [
      {
        name: 'record-imports',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            const spec = args.path;
            if (spec.startsWith('node:') || spec.startsWith('bun:') || spec === 'bun' || NODE_BUILTINS.has(spec)) {
              forbiddenImports.push(`${spec} (from ${relative(ROOT, args.importer)})`);
              return { path: spec, external: true };
            }
            return undefined;
          });
          build.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => {
            ownFiles.add(args.path);
            return { contents: await Bun.file(args.path).text(), loader: 'ts' };
          });
        },
      },
    ],
  });
  return {
    forbiddenImports,
    ownFiles: [...ownFiles],
    buildErrors: result.logs.filter((l) => l.level === 'error').map(String),
  };
}

describe('the request path', () => {
  it('imports no node:, bun: or Node built-in module', async () => {
    const { forbiddenImports, buildErrors } = await trace(HANDLER);
    expect(buildErrors).toEqual([]);
    expect(forbiddenImports).toEqual([]);
  });

  it('reaches none of our modules that use the Bun global', async () => {
    const { ownFiles } = await trace(HANDLER);
    expect(ownFiles.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of ownFiles) {
      // Strip comments so documentation mentioning Bun does not count.
      const code = (await Bun.file(file).text()).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/\bBun\s*\.|\bBun\b\s*\[/.test(code)) offenders.push(relative(ROOT, file));
    }
    expect(offenders).toEqual([]);
  });

  it('detects a forbidden import when one is reachable (the check can fail)', async () => {
    const { forbiddenImports } = await trace(`${ROOT}src/config/file-source.ts`);
    expect(forbiddenImports.some((s) => s.startsWith('node:fs'))).toBe(true);
  });
});
