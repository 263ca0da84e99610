/**
 * The build-time manifest: generated from `diracx.extensions` in package.json as static imports
 * only, and the committed file is what the generator writes (stale manifests fail here).
 */
import { describe, expect, it } from 'bun:test';
import { enabledExtensions, MANIFEST_PATH, renderManifest } from '../../src/process/extensions-manifest.ts';
import { REPO_ROOT } from '../harness/server-process.ts';

describe('extensions manifest', () => {
  it('is up to date with package.json (run `bun run extensions` when this fails)', async () => {
    const packageJson: unknown = await Bun.file(`${REPO_ROOT}package.json`).json();
    expect(await Bun.file(`${REPO_ROOT}${MANIFEST_PATH}`).text()).toBe(renderManifest(enabledExtensions(packageJson)));
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

  it('is what `bun run extensions --check` accepts', async () => {
    const proc = Bun.spawn({
      cmd: [process.execPath, 'run', 'extensions', '--check'],
      cwd: REPO_ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
    });
    expect(await proc.exited).toBe(0);
  });
});
