/**
 * @module process/rss-cli
 * `bun run rss list|set|delete ...`: administrators set the statuses of sites and resources that
 * `/api/rss/*` and the MCP status tools serve (`rss-command.ts`; `bun run rss --help`). Uses the
 * server's database settings (`DATABASE_URL`, or the embedded database in `DIRACX_DATA_DIR`),
 * migrated by the server or `bun run migrate`. On PostgreSQL run it next to the server; the
 * embedded database admits one process at a time, so there run it while the server is stopped.
 * A change is served at once (the routes read the tables on every request).
 */
import { describeError } from '../core/logger.ts';
import { openConfiguredDatabase } from './open-database.ts';
import { parseSettings } from '../settings.ts';
import { RSS_USAGE, runRssCommand } from './rss-command.ts';

async function main(): Promise<number> {
  const argv = Bun.argv.slice(2);
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(RSS_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const settings = parseSettings(Bun.env);
  const database = await openConfiguredDatabase(settings, { poolSize: 1 });
  try {
    return await runRssCommand(argv, {
      database,
      now: () => new Date(),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await database.close();
  }
}

try {
  process.exit(await main());
} catch (err) {
  console.error(`diracx: rss failed: ${describeError(err)}`);
  process.exit(1);
}
