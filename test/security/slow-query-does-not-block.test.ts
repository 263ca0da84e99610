/**
 * Attack: one user's search that keeps the database busy (see `./expensive-search.ts`) freezes
 * the whole server: on the embedded database, PGlite ran on the thread that answers requests,
 * so nothing else (not even `/api/health/live`) answered until the statement ended, minutes
 * later. Now the embedded database runs on a thread of its own and its statements are cancelled
 * at the statement timeout, as PostgreSQL's are. While the expensive search runs,
 * `/api/health/live` answers first; another user's search answers with exactly their rows (on
 * PostgreSQL and MariaDB, from another connection, before the expensive one ends; on the
 * embedded database, which runs one statement at a time, as soon as the expensive statement is
 * cancelled); the
 * expensive search itself ends with 503 at the timeout instead of running on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { TEST_DRIVER } from '../harness/database.ts';
import { submitJob } from '../routes/jobs/harness.ts';
import { EXPENSIVE_ROWS, EXPENSIVE_SEARCH } from './expensive-search.ts';
import { createSearchWorld, type SearchWorld } from './search-world.ts';

const TIMEOUT_MS = 3000;

let world: SearchWorld;
let alicesJob: number;
beforeAll(async () => {
  world = await createSearchWorld({ jobs: 1, statementTimeoutMs: TIMEOUT_MS });
  await world.seedBulk(EXPENSIVE_ROWS);
  alicesJob = await submitJob(world.app, 'otherVo', '[Executable = "echo"; JobName = "alice-1";]');
});
afterAll(() => world.dispose());

describe(`a slow search (${TEST_DRIVER})`, () => {
  it("does not stop the liveness probe or another user's search, and ends at the statement timeout", async () => {
    const finished: string[] = [];
    const track = <T>(name: string, promise: Promise<T>): Promise<T> => promise.finally(() => finished.push(name));

    const expensive = track('expensive', world.rest('owner', '/api/jobs/search', EXPENSIVE_SEARCH));
    // Let the expensive search reach the database. On a blocked thread this sleep itself only
    // ends once the expensive statement has, so the probe below could not overtake it.
    await Bun.sleep(300);
    const live = track('live', world.app.fetch('/api/health/live'));
    const other = track('other', world.rest('otherVo', '/api/jobs/search', { parameters: ['JobID', 'JobName'] }));

    const [liveRes, otherRes, expensiveRes] = await Promise.all([live, other, expensive]);
    expect(liveRes.status).toBe(200);
    expect(otherRes.status).toBe(200);
    expect(otherRes.body).toEqual([{ JobID: alicesJob, JobName: 'alice-1' }]);
    expect(expensiveRes.status).toBe(503);
    expect((expensiveRes.body as { detail: string }).detail).toContain('DIRACX_DB_STATEMENT_TIMEOUT_MS');

    expect(finished.indexOf('live')).toBeLessThan(finished.indexOf('expensive'));
    if (TEST_DRIVER !== 'pglite') expect(finished.indexOf('other')).toBeLessThan(finished.indexOf('expensive'));
  });
});
