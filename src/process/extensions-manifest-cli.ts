/**
 * `bun run extensions [--check]`: writes `extensions/manifest.gen.ts` from `package.json`'s
 * `diracx.extensions`, then the package names in `DIRACX_BUILD_EXTENSIONS` (unset: none, the
 * default build); with `--check`, only says whether the file is what it would write (exit 1
 * when stale).
 */
import { fileURLToPath } from 'node:url';
import {
  BUILD_EXTENSIONS_VARIABLE,
  buildExtensionsFromEnvironment,
  enabledExtensions,
  MANIFEST_PATH,
  renderManifest,
} from './extensions-manifest.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let packages: string[];
try {
  const extra = buildExtensionsFromEnvironment(Bun.env[BUILD_EXTENSIONS_VARIABLE]);
  packages = enabledExtensions(await Bun.file(`${root}package.json`).json(), extra);
} catch (err) {
  console.error(`bun run extensions: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const expected = renderManifest(packages);
const target = Bun.file(`${root}${MANIFEST_PATH}`);
const current = (await target.exists()) ? await target.text() : '';
if (Bun.argv.includes('--check')) {
  if (current !== expected) {
    console.error(`${MANIFEST_PATH} is stale: run \`bun run extensions\``);
    process.exit(1);
  }
} else if (current !== expected) {
  await Bun.write(target, expected);
  console.log(`wrote ${MANIFEST_PATH}${packages.length > 0 ? ` (${packages.join(', ')})` : ' (no extension)'}`);
}
