/**
 * Line length: no line of a tracked `.ts`, `.js` or `.mjs` file is longer than 120 characters,
 * Biome's `lineWidth`. The formatter cannot break comments or long string literals, so this test
 * catches those; its failure names each long line as `path:line`.
 */
import { describe, expect, it } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dir, '../..');
const MAX_LINE_LENGTH = 120;
const CHECKED = /\.(ts|js|mjs)$/;

/** Paths (from the repository root) of the files git tracks, as `git ls-files` lists them. */
function trackedFiles(): string[] {
  const res = Bun.spawnSync({ cmd: ['git', 'ls-files', '-z'], cwd: ROOT, stdout: 'pipe', stderr: 'pipe' });
  if (res.exitCode !== 0) throw new Error(`git ls-files failed: ${res.stderr.toString()}`);
  return res.stdout.toString().split('\0').filter(Boolean);
}

/** `path:line` of every line of `text` longer than the limit, counted in code points. */
function longLines(path: string, text: string): string[] {
  return text.split(/\r?\n/).flatMap((line, i) => ([...line].length > MAX_LINE_LENGTH ? [`${path}:${i + 1}`] : []));
}

describe('source line length', () => {
  it(`keeps every line of tracked .ts/.js/.mjs files within ${MAX_LINE_LENGTH} characters`, () => {
    const files = trackedFiles().filter((path) => CHECKED.test(path) && existsSync(join(ROOT, path)));
    expect(files.length).toBeGreaterThan(100); // the listing worked
    const long = files.flatMap((path) => longLines(path, readFileSync(join(ROOT, path), 'utf8')));
    expect(long).toEqual([]);
  });
});
