/**
 * The embedded database in its worker thread (`src/db/pglite/client.ts`, `worker.ts`) cancels a
 * statement past the statement timeout even when the timeout passes before PostgreSQL has begun
 * to execute it. PGlite hands a statement to PostgreSQL as several protocol messages (Parse,
 * Describe, Bind, Execute, Sync for `query`; Query, Sync for `exec`), and PostgreSQL discards a
 * cancel that arrives between messages (a cancel with no statement running is a no-op there).
 * A cancel written once by the request thread, as it was, was then lost whenever the timer fired
 * before Execute, and the statement ran to its end: under CPU load, where that prefix takes
 * longer than a 1 ms timeout, now and then.
 *
 * Here the statements start late on purpose, without load: a 20 MB parameter or SQL comment
 * keeps the worker in PGlite's encoding of the messages and PostgreSQL's reading of them for
 * tens to hundreds of milliseconds, far past the 5 ms timeout, so the cancel arrives before
 * execution on every run. Without the timeout the same statements return their row: the
 * failure is the timeout's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { PgliteWorkerClient } from '../../../src/db/pglite/client.ts';

const TIMEOUT_MS = 5;
/** Rows the statement counts: seconds of execution on the test machine, far past the timeout. */
const ROWS = 3_000_000;
/** What keeps the statement from starting: megabytes to encode, copy and read before Execute. */
const LATE = 'x'.repeat(20_000_000);

const QUERY = `select count(*)::int as n from generate_series(1, ${ROWS}) where length($1::text) > 0`;
const SCRIPT = `select count(*)::int as n from generate_series(1, ${ROWS}) /* ${LATE} */`;

let client: PgliteWorkerClient;
beforeAll(async () => {
  client = await PgliteWorkerClient.open();
});
afterAll(() => client.close());

/** The statement's outcome: its rows, or the error it failed with (not `expect().rejects`, see test/db). */
const settle = <T>(promise: Promise<T>): Promise<T | unknown> => promise.catch((err: unknown) => err);

describe('a statement that starts executing after its timeout has passed', () => {
  it('is cancelled (query: parameters bound after the timeout)', async () => {
    client.setStatementTimeout(0);
    const free = await client.query(QUERY, [LATE]);
    expect(free.rows).toEqual([{ n: ROWS }]);

    client.setStatementTimeout(TIMEOUT_MS);
    const timed = await settle(client.query(QUERY, [LATE]));
    expect(timed).toMatchObject({ code: '57014' });

    // The cancel is not left behind for the next statement.
    client.setStatementTimeout(0);
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('is cancelled (exec: a script read after the timeout)', async () => {
    client.setStatementTimeout(0);
    const free = await client.exec(SCRIPT);
    expect(free.map((r) => r.rows)).toEqual([[{ n: ROWS }]]);

    client.setStatementTimeout(TIMEOUT_MS);
    const timed = await settle(client.exec(SCRIPT));
    expect(timed).toMatchObject({ code: '57014' });

    client.setStatementTimeout(0);
    expect((await client.exec('select 1 as one')).map((r) => r.rows)).toEqual([[{ one: 1 }]]);
  });
});
