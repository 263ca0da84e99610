/**
 * The real server process refuses, at start and with one line, extensions it cannot run: an
 * unsupported contract version, a contribution that conflicts with the core, a route outside the
 * extension's prefix. It never starts listening with them.
 */
import { describe, expect, it } from 'bun:test';
import { REPO_ROOT, runServerExpectingFailure } from '../harness/server-process.ts';

/** Runs `serve(<extensions expression>)` from src/server.ts in a fresh process. */
function serveWith(extensions: string) {
  const script = [
    `import { serve } from '${REPO_ROOT}src/server.ts';`,
    `import { whoamiTool } from '${REPO_ROOT}src/tools/identity.ts';`,
    `void whoamiTool;`,
    `await serve(${extensions});`,
  ].join('\n');
  return runServerExpectingFailure({}, { command: ['-e', script] });
}

describe('server start with bad extensions', () => {
  it('refuses an unsupported contract version', async () => {
    const failed = await serveWith(`[{ name: 'future', contractVersion: 99, description: 'from the future' }]`);
    expect(failed.code).toBe(1);
    expect(failed.stderr.filter((l) => l.trim())).toEqual([
      'diracx: cannot start: extension future declares contract version 99; this server supports 1',
    ]);
  });

  it('refuses a tool that clashes with a core tool', async () => {
    const failed = await serveWith(`[{ name: 'clash', contractVersion: 1, description: 'x', tools: [whoamiTool] }]`);
    expect(failed.code).toBe(1);
    expect(failed.stderr.filter((l) => l.trim())).toEqual([
      'diracx: cannot start: extension clash: MCP tool whoami is already defined by the core',
    ]);
  });

  it('refuses a route outside the extension prefix', async () => {
    const route = `{ method: 'get', path: '/api/jobs/mine', responses: { 200: { description: 'ok' } } }`;
    const failed = await serveWith(
      `[{ name: 'stray', contractVersion: 1, description: ` +
        `'x', routes: (r) => { r.define({ kind: 'open' }, ${route}); } }]`,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr.filter((l) => l.trim())).toEqual([
      'diracx: cannot start: extension stray: route /api/jobs/mine is outside /api/stray/',
    ]);
  });
});
