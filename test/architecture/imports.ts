/**
 * Reads the imports of a TypeScript source file with Bun's own parser (`Bun.Transpiler`), so
 * comments and strings never count: static `import ... from`, side-effect `import '...'`,
 * `export ... from` and `import('...')` with a literal. Type-only imports count too (a type is a
 * dependency as well): their `type` modifiers are removed before scanning, since the transpiler
 * drops type-only imports, and each import says whether it survives at run time.
 */

const transpiler = new Bun.Transpiler({ loader: 'ts' });

export interface ImportRecord {
  /** The specifier as written, e.g. `'../core/errors.ts'`. */
  specifier: string;
  /** True when only types are imported (`import type`, `export type`, `{ type A }` only). */
  typeOnly: boolean;
}

/** `import type X` / `export type {..} from` / `{ type A, B }` in an import or export clause, made plain. */
function withoutTypeModifiers(code: string): string {
  return code
    .replace(/\bimport\s+type\s+(?!from\b)(?=[\w${*])/g, 'import ')
    .replace(/\bexport\s+type\s+(?=[{*])/g, 'export ')
    .replace(
      /\b(import|export)(\s*\{)([^}]*)(\}\s*from\b)/g,
      (_all, keyword: string, open: string, names: string, close: string) =>
        keyword + open + names.replace(/(^|[,{\s])type\s+(?=[\w$])/g, '$1') + close,
    );
}

/** The imports of `code` (TypeScript source), each once, in the order the parser reports them. */
export function readImports(code: string): ImportRecord[] {
  const atRunTime = new Set(transpiler.scanImports(code).map((i) => i.path));
  const seen = new Set<string>();
  const imports: ImportRecord[] = [];
  for (const { path } of transpiler.scanImports(withoutTypeModifiers(code))) {
    if (seen.has(path)) continue;
    seen.add(path);
    imports.push({ specifier: path, typeOnly: !atRunTime.has(path) });
  }
  return imports;
}
