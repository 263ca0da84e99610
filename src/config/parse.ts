/**
 * @module config/parse
 *
 * Turning a raw configuration document (the object YAML/JSON parsing of
 * `default.yml` gives) into a validated `Config`, and `ConfigValidationError`,
 * whose message lists one `dotted.path: message` line per problem. The parsed
 * config is already the wire shape of `GET /api/config/`, so
 * `JSON.stringify(config)` is its serialisation. Web-standard JS only.
 */
import type { z } from 'zod';
import { ConfigSchema, type Config, type ConfigDocumentSchema } from './schema.ts';

/** One validation problem: dotted key path (e.g. `Registry.lhcb.Groups`) and message. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** The configuration document is not valid; `issues` lists every problem found. */
export class ConfigValidationError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    this.name = 'ConfigValidationError';
    this.issues = issues;
  }
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Zod issues as path/message pairs; an unknown-keys issue becomes one issue per key. */
function toIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: dotted([...issue.path, key]),
          message: 'Unknown key (extra inputs are not permitted)',
        }))
      : [{ path: dotted(issue.path), message: issue.message }],
  );
}

/**
 * Validate a raw configuration document against `schema` (the core's, or the
 * one extensions composed) and return it with defaults filled in. The input is
 * not modified.
 * @throws ConfigValidationError when the document does not match the schema.
 */
export function parseConfig(raw: unknown, schema: ConfigDocumentSchema = ConfigSchema): Config {
  const result = schema.safeParse(raw, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'Field required' : undefined),
  });
  if (!result.success) throw new ConfigValidationError(toIssues(result.error.issues));
  return result.data;
}
