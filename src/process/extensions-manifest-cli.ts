/**
 * `bun run extensions [--check]`: writes `extensions/manifest.gen.ts` from `package.json`'s
 * `diracx.extensions`; with `--check`, only says whether the committed file is up to date (exit 1
 * when stale).
 */
import { fileURLToPath } from 'node:url';
import { enabledExtensions, MANIFEST_PATH, renderManifest } from './extensions-manifest.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const expected = renderManifest(enabledExtensions(await Bun.file(`${root}package.json`).json()));
const target = Bun.file(`${root}${MANIFEST_PATH}`);
const current = (await target.exists()) ? await target.text() : '';
if (Bun.argv.includes('--check')) {
  if (current !== expected) {
    console.error(`${MANIFEST_PATH} is stale: run \`bun run extensions\``);
    process.exit(1);
  }
} else if (current !== expected) {
  await Bun.write(target, expected);
  console.log(`wrote ${MANIFEST_PATH}`);
}
