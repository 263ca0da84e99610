/**
 * @module process/monitor-view-cli
 * `bun run monitor-view`: builds the job monitor view and writes `mcp/monitor/view-html.gen.ts`.
 * Run it after changing anything under `src/mcp/monitor/view/`.
 */
import { buildMonitorViewHtml, GENERATED_PATH, monitorViewModule } from './monitor-view.ts';

const html = await buildMonitorViewHtml();
const module = monitorViewModule(html);
const before = await Bun.file(GENERATED_PATH)
  .text()
  .catch(() => '');
if (module === before) console.log(`${GENERATED_PATH}: already up to date`);
else {
  await Bun.write(GENERATED_PATH, module);
  console.log(`${GENERATED_PATH}: written (${html.length} characters of HTML)`);
}
