/**
 * What the search-limit attacks share: the handler over a test database that counts every use
 * (so a test can say a refusal came before the database was touched), REST calls and MCP tool
 * calls (`tools/call` over the in-process /mcp) as people of the shipped configuration, and a
 * few jobs and pilots of lhcb to find.
 */
import { sql } from 'drizzle-orm';
import type { PostgresDatabase } from '../../src/db/database.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTestDatabase, postgresOf } from '../harness/database.ts';
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

/** `database`, counting each use of its handle, transactions and raw queries. */
function countingDatabase(database: PostgresDatabase, count: () => void): PostgresDatabase {
  return {
    driver: database.driver,
    get db() {
      count();
      return postgresOf(database).db;
    },
    get session() {
      count();
      return database.session;
    },
    transaction: (fn) => {
      count();
      return database.transaction(fn);
    },
    query: (statement) => {
      count();
      return postgresOf(database).query(statement);
    },
    ping: () => database.ping(),
    close: () => database.close(),
  };
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
    database: countingDatabase(postgresOf(owned.database), () => uses++),
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
        const to = Math.min(from + SLICE, 1_000_000 + n) - 1;
        await postgresOf(owned.database).query(
          sql`insert into "JobJDLs" ("JobID", "JDL") select g, '' from generate_series(${from}::int, ${to}::int) g`,
        );
        const ids = sql`generate_series(${from}::int, ${to}::int) g`;
        const rows = sql`select g, 'lhcb', 'chaen', 'lhcb_user', 'bulk-' || g from ${ids}`;
        await postgresOf(owned.database).query(
          sql`insert into "Jobs" ("JobID", "VO", "Owner", "OwnerGroup", "JobName") ${rows}`,
        );
      }
    },
    async dispose() {
      await app.dispose();
      await owned.dispose();
    },
  };
}
