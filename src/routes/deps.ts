/**
 * @module routes/deps
 * What the REST layer needs from the process: handed in by `createHandler`, never imported.
 */
import type { ConfigSource } from '../config/store.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logic/logger.ts';

export interface ApiDeps {
  database: Database;
  config: ConfigSource;
  log: Logger;
}
