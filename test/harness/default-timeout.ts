/**
 * The suite's per-test timeout, for plain `bun test` (preloaded by bunfig.toml's `[test] preload`).
 *
 * Bun 1.4.5 reads no timeout from bunfig.toml, and a `setDefaultTimeout` call in a preload
 * applies to the first test file only: the runner resets the default after every file
 * (oven-sh/bun#7789, #43787). So this preload registers a loader that starts every test file of
 * the repository with `setDefaultTimeout(TEST_TIMEOUT_MS)`, written on the file's first line so
 * that line numbers in failures stay right. A file that calls `setDefaultTimeout` itself, and a
 * test given its own timeout, still win; `bun test --timeout N` does not (Bun lets a
 * `setDefaultTimeout` call override the flag).
 */
import { plugin } from 'bun';

/** Long enough for the tests that start servers, identity providers and databases on a loaded 2-core machine. */
export const TEST_TIMEOUT_MS = 60_000;

/** Written in front of the file's first line, on that line, so that its line numbers stay. */
const PROLOGUE = [
  "import { setDefaultTimeout as __setDefaultTimeout } from 'bun:test';",
  `__setDefaultTimeout(${TEST_TIMEOUT_MS});`,
].join(' ');

/** This repository's test files; dependencies' files are left alone. */
const TEST_FILE = /^(?!.*\/node_modules\/).*\.test\.ts$/;

plugin({
  name: 'diracx-test-default-timeout',
  setup(build) {
    build.onLoad({ filter: TEST_FILE }, async ({ path }) => {
      const source = await Bun.file(path).text();
      return { contents: `${PROLOGUE} ${source}`, loader: 'ts' };
    });
  },
});
