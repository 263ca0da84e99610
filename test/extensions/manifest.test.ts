/**
 * The build-time manifest: generated from `diracx.extensions` in package.json, then
 * `DIRACX_BUILD_EXTENSIONS`, as static imports only; the committed file is what the generator
 * writes from package.json alone (stale manifests fail here), and it enables no extension.
 */
import { describe, expect, it } from 'bun:test';
import {
  buildExtensionsFromEnvironment,
  enabledExtensions,
  MANIFEST_PATH,
  renderManifest,
} from '../../src/process/extensions-manifest.ts';
import { REPO_ROOT } from '../harness/server-process.ts';

/** `bun run extensions --check` in the repository, with `buildExtensions` as DIRACX_BUILD_EXTENSIONS. */
async function check(buildExtensions?: string): Promise<{ code: number; stderr: string }> {
  const { DIRACX_BUILD_EXTENSIONS: _inherited, ...env } = process.env;
  const proc = Bun.spawn({
    cmd: [process.execPath, 'run', 'extensions', '--check'],
    cwd: REPO_ROOT,
    env: buildExtensions === undefined ? env : { ...env, DIRACX_BUILD_EXTENSIONS: buildExtensions },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const code = await proc.exited;
  return { code, stderr: await new Response(proc.stderr).text() };
}

describe('extensions manifest', () => {
  it('is up to date with package.json (run `bun run extensions` when this fails)', async () => {
    const packageJson: unknown = await Bun.file(`${REPO_ROOT}package.json`).json();
    expect(await Bun.file(`${REPO_ROOT}${MANIFEST_PATH}`).text()).toBe(renderManifest(enabledExtensions(packageJson)));
  });

  it('enables no extension in the default build (DiracX as it is)', async () => {
    const packageJson: unknown = await Bun.file(`${REPO_ROOT}package.json`).json();
    expect(enabledExtensions(packageJson)).toEqual([]);
    const { EXTENSIONS } = await import('../../extensions/manifest.gen.ts');
    expect(EXTENSIONS).toEqual([]);
  });

  it('holds one static import per extension, in order, and nothing dynamic', () => {
    const text = renderManifest(['@diracx-ts/gubbins', 'lhcb-diracx']);
    expect(text.match(/^import extension\d+ from '[^']+';$/gm)).toEqual([
      "import extension0 from '@diracx-ts/gubbins';",
      "import extension1 from 'lhcb-diracx';",
    ]);
    expect(text).toContain('export const EXTENSIONS: readonly Extension[] = [extension0, extension1];');
    expect(text).not.toMatch(/import\(|require\(/);
    expect(renderManifest([])).toContain('export const EXTENSIONS: readonly Extension[] = [];');
  });

  it('reads the list from package.json and refuses what cannot be imported, or a repeat', () => {
    expect(enabledExtensions({ name: 'x' })).toEqual([]);
    expect(enabledExtensions({ diracx: { extensions: ['@diracx-ts/gubbins'] } })).toEqual(['@diracx-ts/gubbins']);
    expect(() => enabledExtensions({ diracx: { extensions: ["x'; process.exit(1); '"] } })).toThrow(
      'package.json diracx.extensions.0: must be an npm package name',
    );
    expect(() => enabledExtensions({ diracx: { extensions: ['a', 'a'] } })).toThrow(
      'package.json diracx.extensions lists a twice',
    );
  });

  it("adds the extensions of DIRACX_BUILD_EXTENSIONS after package.json's, and refuses a bad or repeated name", () => {
    expect(buildExtensionsFromEnvironment(undefined)).toEqual([]);
    expect(buildExtensionsFromEnvironment(' ')).toEqual([]);
    expect(buildExtensionsFromEnvironment('@diracx-ts/gubbins, lhcb-diracx')).toEqual([
      '@diracx-ts/gubbins',
      'lhcb-diracx',
    ]);
    expect(enabledExtensions({ diracx: { extensions: ['a'] } }, ['@diracx-ts/gubbins'])).toEqual([
      'a',
      '@diracx-ts/gubbins',
    ]);
    expect(() => buildExtensionsFromEnvironment("x'; process.exit(1); '")).toThrow(
      "DIRACX_BUILD_EXTENSIONS: x'; is not an npm package name",
    );
    expect(() => enabledExtensions({ diracx: { extensions: ['a'] } }, ['a'])).toThrow(
      'a is named twice (package.json diracx.extensions and DIRACX_BUILD_EXTENSIONS)',
    );
  });

  it('is what `bun run extensions --check` accepts', async () => {
    const current = await check();
    expect(current.code).toBe(0);
    expect(current.stderr).not.toContain('stale');
  });

  it('is not what a build with DIRACX_BUILD_EXTENSIONS=@diracx-ts/gubbins writes', async () => {
    const stale = await check('@diracx-ts/gubbins');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`${MANIFEST_PATH} is stale`);
    expect((await check('not a name!')).stderr).toContain('DIRACX_BUILD_EXTENSIONS: name! is not an npm package name');
  });
});
