/**
 * @module wire/validation-detail
 * The body of a 422 as FastAPI writes it (DiracX clients expect it): one
 * `{"type", "loc", "msg", "input"}` entry per issue, `loc` starting with where the value was
 * (`body`, `query`, `path`, `header`). Request validation (`routes/validation.ts`) and the error
 * mapper (`wire/http-errors.ts`) both answer with it.
 */

const LOCATION: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

export interface ValidationIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
}

/** One FastAPI-style error entry per zod issue. */
export function toValidationDetail(target: string, issues: readonly ValidationIssue[]): object[] {
  return issues.map((issue) => ({
    type: issue.code,
    loc: [LOCATION[target] ?? target, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    msg: issue.message,
    input: issue.input ?? null,
  }));
}
