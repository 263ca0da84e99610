/**
 * What the search-limit attacks share: the handler over a test database that counts every use
 * (so a test can say a refusal came before the database was touched), REST calls and MCP tool
 * calls (`tools/call` over the in-process /mcp) as people of the shipped configuration, and a
 * few jobs and pilots of lhcb to find.
 */
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { type AnyDatabase, createTestDatabase } from '../harness/database.ts';
import { call, PEOPLE, submitJob, type JsonCall, type Person } from '../routes/jobs/harness.ts';

export const MCP_URL = 'http://test/mcp';

export interface ToolOutcome {
  isError: boolean;
  text: string;
  structured?: Record<string, unknown>;
}

export interface SearchWorld {
  app: TestApp;
  /** How many times the handler has reached for the database so far. */
  databaseUses(): number;
  rest(who: Person, path: string, body: unknown): Promise<JsonCall>;
  tool(who: Exclude<Person, 'anonymous'>, name: string, args: Record<string, unknown>): Promise<ToolOutcome>;
  /** Ids of the jobs chaen submitted at start. */
  jobIds: number[];
  /** Stores `n` more jobs of chaen (lhcb) at once, named `bulk-<id>`, with ids from 1 000 000. */
  seedBulk(n: number): Promise<void>;
  dispose(): Promise<void>;
}

/** What counts as a use of the database: reaching for a handle, or starting a transaction or a raw query. */
const COUNTED_HANDLES = new Set<PropertyKey>(['db', 'session']);
const COUNTED_CALLS = new Set<PropertyKey>(['transaction', 'query']);

/** `database` (of either dialect), counting each use of its handles, transactions and raw queries. */
function countingDatabase<D extends AnyDatabase>(database: D, count: () => void): D {
  return new Proxy(database, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (COUNTED_HANDLES.has(key)) count();
      if (COUNTED_CALLS.has(key) && typeof value === 'function') {
        return (...args: unknown[]) => {
          count();
          return (value as (...a: unknown[]) => unknown)(...args);
        };
      }
      return value;
    },
  });
}

/**
 * Stores jobs `from`..`to` of chaen (lhcb), named `bulk-<id>`, in one statement per table:
 * PostgreSQL makes the rows itself; DiracX's MySQL tables have no server-side defaults, so the
 * rows go as values, their other columns defaulted by the schema.
 */
async function insertBulkJobs(database: AnyDatabase, from: number, to: number): Promise<void> {
  if (database.driver === 'mysql') {
    const { db, tables } = database;
    const ids = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    await db
      .insert(tables.jobJdls)
      .values(ids.map((jobId) => ({ jobId, jdl: '', jobRequirements: '', originalJdl: '' })));
    await db
      .insert(tables.jobs)
      .values(
        ids.map((jobId) => ({ jobId, vo: 'lhcb', owner: 'chaen', ownerGroup: 'lhcb_user', jobName: `bulk-${jobId}` })),
      );
    return;
  }
  await database.query(
    sql`insert into "JobJDLs" ("JobID", "JDL") select g, '' from generate_series(${from}::int, ${to}::int) g`,
  );
  const ids = sql`generate_series(${from}::int, ${to}::int) g`;
  const rows = sql`select g, 'lhcb', 'chaen', 'lhcb_user', 'bulk-' || g from ${ids}`;
  await database.query(sql`insert into "Jobs" ("JobID", "VO", "Owner", "OwnerGroup", "JobName") ${rows}`);
}

/** The text and structured content of a `tools/call` answer (JSON or one SSE event). */
async function toolOutcome(res: Response): Promise<ToolOutcome> {
  const raw = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('event-stream')
    ? raw
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5))
        .join('')
    : raw;
  const message = JSON.parse(json) as {
    result?: { isError?: boolean; content?: { text: string }[]; structuredContent?: Record<string, unknown> };
    error?: unknown;
  };
  if (!message.result) throw new Error(`tools/call failed: ${res.status} ${raw}`);
  return {
    isError: message.result.isError === true,
    text: (message.result.content ?? []).map((c) => c.text).join('\n'),
    ...(message.result.structuredContent ? { structured: message.result.structuredContent } : {}),
  };
}

export interface SearchWorldOptions {
  /** Jobs chaen submits at start. */
  jobs?: number;
  /** The database's statement timeout (none by default). */
  statementTimeoutMs?: number;
}

export async function createSearchWorld(options: SearchWorldOptions = {}): Promise<SearchWorld> {
  const jobs = options.jobs ?? 3;
  const owned = await createTestDatabase(
    options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs },
  );
  let uses = 0;
  const app = await createTestApp({
    database: countingDatabase(owned.database, () => uses++),
    issuer: 'http://test',
    mcp: {
      resourceUrl: MCP_URL,
      allowedHosts: ['test'],
      allowedOrigins: [],
      confirmThreshold: 1000,
      rateLimitPerMinute: 0,
    },
  });
  const jobIds: number[] = [];
  for (let i = 0; i < jobs; i++)
    jobIds.push(await submitJob(app, 'owner', `[Executable = "echo"; JobName = "search-${i}";]`));
  return {
    app,
    databaseUses: () => uses,
    rest: (who, path, body) => call(app, who, 'POST', path, body),
    async tool(who, name, args) {
      const [vo, group, user] = PEOPLE[who];
      const token = await app.tokens.tokenFor(vo, group, user, { audience: MCP_URL });
      const res = await app.fetch('/mcp', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
      });
      return toolOutcome(res);
    },
    jobIds,
    async seedBulk(n) {
      // In slices, so that each statement stays far inside a short statement timeout even on a
      // loaded machine (the worlds of the timeout tests seed under it).
      const SLICE = 1000;
      for (let from = 1_000_000; from < 1_000_000 + n; from += SLICE) {
        await insertBulkJobs(owned.database, from, Math.min(from + SLICE, 1_000_000 + n) - 1);
      }
    },
    async dispose() {
      await app.dispose();
      await owned.dispose();
    },
  };
}
