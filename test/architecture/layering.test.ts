/**
 * Layering: every import under `src/` points down the table of `docs/architecture.md` (testing
 * kit → entry points → handler → routes | mcp/tools → wire → policies → logic → db → core). A module may
 * import its own layer or a lower one; the two faces (REST `routes/`, MCP `mcp/` + `tools/`) are
 * peers that share only `wire/`, and neither reaches `db/` at run time (they go through logic).
 * An exception must be listed with its reason, and one that no longer occurs fails, so the list
 * only shrinks (it is empty today).
 */
import { describe, expect, it } from 'bun:test';
import { Glob } from 'bun';
import { dirname, relative, resolve } from 'node:path';
import { readImports } from './imports.ts';

const ROOT = resolve(import.meta.dir, '../..');

/** Layers from the bottom up; a module may import its own layer or any lower one. */
const RANK = {
  core: 0,
  db: 1,
  logic: 2,
  policies: 3,
  wire: 4,
  rest: 5,
  mcp: 5,
  handler: 6,
  entry: 7,
  testing: 8,
} as const;
type Layer = keyof typeof RANK;

/**
 * Where each module lives, by path (the longest matching prefix wins). Every top-level directory
 * under `src/` has a row; files that sit apart from their directory's layer are named.
 */
const LAYER_OF: Record<string, Layer> = {
  // The extension testing kit (`@diracx-ts/sdk/testing`): builds test servers from everything
  // below; nothing imports it.
  'src/testing/': 'testing',
  // Entry points: processes, the Workers-style runtime, CLIs and what only they use.
  'src/server.ts': 'entry',
  'src/workers-entry.ts': 'entry',
  'src/workers-entry/': 'entry',
  'src/process/': 'entry',
  'src/settings.ts': 'entry',
  'src/mysql-settings.ts': 'entry',
  'src/auth-flow-settings.ts': 'entry',
  'src/handler-settings.ts': 'entry',
  'src/db/migrate-cli.ts': 'entry',
  'src/db/mysql/ddl-cli.ts': 'entry', // writes the DiracX tables' MySQL DDL (a development CLI)
  'src/config/file-source.ts': 'entry', // reads and watches the configuration file (server.ts only)
  'src/config/git-source.ts': 'entry', // runs git on the configuration repository (server.ts only)
  'src/storage/from-settings.ts': 'entry', // builds the sandbox store from the settings (server.ts, CLIs)
  'extensions/manifest.gen.ts': 'entry', // the build's list of enabled extensions
  // The handler and the composition of extensions into both faces.
  'src/handler.ts': 'handler',
  'src/extensions/': 'handler',
  // The two faces, peers.
  'src/routes/': 'rest',
  'src/mcp/': 'mcp',
  'src/tools/': 'mcp',
  // What both faces share: error mappers, bearer parsing.
  'src/wire/': 'wire',
  'src/policies/': 'policies',
  'src/logic/': 'logic',
  // Data access: the database and the sandbox object store.
  'src/db/': 'db',
  'src/storage/': 'db',
  // What every layer shares: the configuration model, errors, logging, the authenticated user.
  'src/core/': 'core',
  'src/config/': 'core',
  'src/types/': 'core',
  'src/logic/sha256.ts': 'core', // hashing, which config/ and storage/ use
};

/** Faces reach data through logic: these layers never import `db/` at run time (the `Database` type is fine). */
const NO_RUNTIME_DB: ReadonlySet<Layer> = new Set<Layer>(['rest', 'mcp']);

interface Exception {
  from: string;
  to: string;
  reason: string;
}

/**
 * Known violations, each `{ from, to, reason }` with a one-line reason; the test fails when one
 * no longer occurs (remove it then). None today: add one only with a reason a reviewer accepts.
 */
const EXCEPTIONS: Exception[] = [];

/** The layer of a repository path, by the longest matching prefix of `LAYER_OF`. */
export function layerOf(path: string): Layer | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(LAYER_OF)) {
    const matches = prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix;
    if (matches && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : LAYER_OF[best];
}

/** Why importing `to` from `from` breaks the layering, or undefined when it is allowed. */
export function breach(from: string, to: string, typeOnly: boolean): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === undefined) return `${from} has no layer`;
  if (b === undefined) return `${to} has no layer`;
  if (a !== b && RANK[b] >= RANK[a]) return `${a} may not import ${b}`;
  if (!typeOnly && NO_RUNTIME_DB.has(a) && to.startsWith('src/db/')) return `${a} may not reach db/ at run time`;
  return undefined;
}

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** The exceptions that no import under `src/` needs any more. */
function staleExceptions(exceptions: readonly Exception[], all: readonly Edge[]): string[] {
  return exceptions
    .filter((e) => !all.some((edge) => edge.from === e.from && edge.to === e.to && breach(e.from, e.to, edge.typeOnly)))
    .map((e) => `${e.from} -> ${e.to}`);
}

/** Every import of our own modules made by a file under `src/`, as repository paths. */
async function edges(): Promise<{ files: string[]; edges: Edge[] }> {
  const files = [...new Glob('src/**/*.ts').scanSync(ROOT)].sort();
  const found: Edge[] = [];
  for (const file of files) {
    const code = await Bun.file(`${ROOT}/${file}`).text();
    for (const { specifier, typeOnly } of readImports(code)) {
      if (!specifier.startsWith('.')) continue; // packages: hono, zod, node:*, ...
      found.push({ from: file, to: relative(ROOT, resolve(ROOT, dirname(file), specifier)), typeOnly });
    }
  }
  return { files, edges: found };
}

describe('the import reader', () => {
  it('reads static, re-export, side-effect, dynamic and type-only imports, never comments or strings', async () => {
    const { readImports: read } = await import('./imports.ts');
    const code = [
      "import type { A } from './a.ts';",
      "import { type B, c } from './b.ts';",
      "import { type D } from './d.ts';",
      "export * from './e.ts';",
      "export type { F } from './f.ts';",
      "import './g.ts';",
      "const h = await import('./h.ts');",
      'const dynamic = await import(name);',
      "// import x from './comment.ts';",
      'const s = "import y from \'./string.ts\'";',
      'export type Local = A;',
    ].join('\n');
    expect(read(code)).toEqual([
      { specifier: './a.ts', typeOnly: true },
      { specifier: './b.ts', typeOnly: false },
      { specifier: './d.ts', typeOnly: true },
      { specifier: './e.ts', typeOnly: false },
      { specifier: './f.ts', typeOnly: true },
      { specifier: './g.ts', typeOnly: false },
      { specifier: './h.ts', typeOnly: false },
    ]);
  });
});

describe('the layer rule', () => {
  it('refuses upward, cross-face and face-to-db imports and allows downward ones', () => {
    expect(breach('src/logic/jobs/query.ts', 'src/routes/jobs/query.ts', false)).toBe('logic may not import rest');
    expect(breach('src/mcp/endpoint.ts', 'src/routes/access.ts', false)).toBe('mcp may not import rest');
    expect(breach('src/routes/access.ts', 'src/tools/define.ts', true)).toBe('rest may not import mcp');
    expect(breach('src/db/jobs.ts', 'src/logic/jobs/query.ts', false)).toBe('db may not import logic');
    expect(breach('src/tools/jobs.ts', 'src/db/jobs.ts', false)).toBe('mcp may not reach db/ at run time');
    expect(breach('src/tools/define.ts', 'src/db/database.ts', true)).toBeUndefined();
    expect(breach('src/routes/jobs/query.ts', 'src/wire/http-errors.ts', false)).toBeUndefined();
    expect(breach('src/mcp/register-tools.ts', 'src/tools/define.ts', false)).toBeUndefined();
    expect(breach('src/db/jobs.ts', 'src/core/errors.ts', false)).toBeUndefined();
    expect(breach('src/server.ts', 'src/testing/app.ts', false)).toBe('entry may not import testing');
    expect(breach('src/testing/app.ts', 'src/config/file-source.ts', false)).toBeUndefined();
    expect(breach('src/nowhere/x.ts', 'src/core/errors.ts', false)).toBe('src/nowhere/x.ts has no layer');
  });

  it('has a row for every top-level directory and file under src/, and no row for a missing path', async () => {
    const { files } = await edges();
    expect(files.filter((f) => layerOf(f) === undefined)).toEqual([]);
    const missing: string[] = [];
    for (const prefix of Object.keys(LAYER_OF)) {
      const glob = new Glob(prefix.endsWith('/') ? `${prefix}**` : prefix);
      if (glob.scanSync({ cwd: ROOT, onlyFiles: true }).next().done) missing.push(prefix);
    }
    expect(missing).toEqual([]);
  });

  it('reports an exception that no import needs as stale, and one still needed as not', async () => {
    const { edges: all } = await edges();
    const allowed = all.find((e) => breach(e.from, e.to, e.typeOnly) === undefined && e.to.startsWith('src/db/'));
    if (allowed === undefined) throw new Error('no import of db/ found');
    const upward = { from: 'src/db/jobs.ts', to: 'src/logic/jobs/query.ts', reason: 'never imported' };
    const notBreaking = { from: allowed.from, to: allowed.to, reason: 'imported, but allowed' };
    expect(staleExceptions([upward, notBreaking], all)).toEqual([
      `${upward.from} -> ${upward.to}`,
      `${allowed.from} -> ${allowed.to}`,
    ]);
    const breaking = { from: 'src/logic/jobs/query.ts', to: 'src/routes/jobs/query.ts', reason: 'synthetic' };
    const withBreach: Edge[] = [...all, { from: breaking.from, to: breaking.to, typeOnly: false }];
    expect(staleExceptions([breaking], withBreach)).toEqual([]);
  });
});

describe('imports under src/', () => {
  it('point down the layers (known exceptions aside)', async () => {
    const { edges: all } = await edges();
    const violations: string[] = [];
    for (const { from, to, typeOnly } of all) {
      const why = breach(from, to, typeOnly);
      if (why === undefined) continue;
      if (EXCEPTIONS.some((e) => e.from === from && e.to === to)) continue;
      violations.push(`${from} imports ${to}${typeOnly ? ' (types)' : ''}: ${why}`);
    }
    expect(violations).toEqual([]);
  });

  it('break the rule wherever an exception says so (a fixed exception must be removed)', async () => {
    const { edges: all } = await edges();
    expect(staleExceptions(EXCEPTIONS, all)).toEqual([]);
  });
});
