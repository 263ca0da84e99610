/**
 * @module process/settings-doc-cli
 * `bun run settings-doc`: writes the settings tables (from `process/settings-doc.ts`) into
 * README.md between the settings markers. Run it after adding or changing a setting.
 */
import { withSettingsTables } from './settings-doc.ts';

const path = new URL('../../README.md', import.meta.url).pathname;
const before = await Bun.file(path).text();
const after = withSettingsTables(before);
if (after === before) {
  console.log('README.md: settings tables already up to date');
} else {
  await Bun.write(path, after);
  console.log('README.md: settings tables written');
}
