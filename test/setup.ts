/**
 * Preloaded before every test file (bunfig.toml). Tests that start processes, databases or a
 * private PostgreSQL need more than bun's 5 s default; Bun does not read a timeout from bunfig.
 */
import { setDefaultTimeout } from 'bun:test';

setDefaultTimeout(60_000);
