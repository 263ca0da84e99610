/**
 * The DiracX side of the MySQL search tests: a batch of job or pilot searches and summaries run
 * by DiracX 0.7.0's own logic and database classes (`diracx-search.py`) on the same MariaDB
 * databases, and the common shape both sides' answers are compared in: datetimes as ISO 8601
 * UTC, DiracX's `InvalidQueryError` and our `InvalidInputError` as one error class (both 400s),
 * and rows in a canonical order where the query leaves the order to the database.
 */
import { join } from 'node:path';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { callDiracxScript, type MysqlTestDatabase } from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-search.py');

/** One query of the batch (see `diracx-search.py`); `body` as a client sends it. */
export interface OracleQuery {
  table: 'jobs' | 'pilots';
  kind: 'search' | 'summary';
  body: Record<string, unknown>;
  page?: number;
  per_page?: number;
  /** Jobs: DiracX's Owner constraint (our scope `{ owner }`). */
  owner?: string;
  /** Pilots: DiracX's VO constraint (our scope `{ vo }`). */
  vo?: string;
  /** Search: call `JobDB.search`/`PilotAgentsDB.search` with the body as sent, without the route's validation. */
  raw?: boolean;
}

/** A search page, a summary (no `total`), or a refusal. */
export type Answer = { total?: number; rows: unknown[] } | { error: string; message: string };

/** The error class name both sides' 400s are compared as. */
export const BAD_QUERY = 'InvalidQueryError';

const TIME_KEYS = new Set([
  'SubmissionTime',
  'RescheduleTime',
  'LastUpdateTime',
  'StartExecTime',
  'HeartBeatTime',
  'EndExecTime',
  'StatusTime',
]);

/** Datetimes (our `Date`s, DiracX's ISO text with `+00:00`) as ISO 8601 UTC, recursively. */
export function normalise(value: unknown, key?: string): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && key !== undefined && TIME_KEYS.has(key)) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  return value;
}

/** JSON with keys sorted, to compare rows whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The answer with its rows in a canonical order: for queries whose order is the database's. */
export function unordered(answer: Answer): Answer {
  if ('error' in answer) return answer;
  return { ...answer, rows: [...answer.rows].sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1)) };
}

/** Our answer: the call's result normalised, or its `InvalidInputError` as DiracX's class. */
export async function ourAnswer(call: () => Promise<{ total?: number; rows: unknown[] } | unknown[]>): Promise<Answer> {
  try {
    const result = await call();
    const page = Array.isArray(result) ? { rows: result } : result;
    return normalise(page) as Answer;
  } catch (err) {
    if (err instanceof InvalidInputError) return { error: BAD_QUERY, message: err.message };
    throw err;
  }
}

/** DiracX's answers to the named queries, normalised; one Python process for the batch. */
export async function diracxAnswers(
  python: string,
  t: MysqlTestDatabase,
  queries: Readonly<Record<string, OracleQuery>>,
): Promise<Map<string, Answer>> {
  const names = Object.keys(queries);
  const urls = { JobLoggingDB: t.set.diracxUrl('JobLoggingDB'), PilotAgentsDB: t.set.diracxUrl('PilotAgentsDB') };
  const request = { urls, queries: Object.values(queries) };
  const out = await callDiracxScript(python, SCRIPT, t.set.diracxUrl('JobDB'), request, 'search');
  if (!Array.isArray(out) || out.length !== names.length) throw new Error(`DiracX answered ${JSON.stringify(out)}`);
  return new Map(names.map((name, i) => [name, normalise(out[i]) as Answer]));
}
