/**
 * @module db/pglite/worker
 * The embedded database's thread: PGlite runs here, so that a long statement occupies this
 * thread and not the one answering requests. It serves the messages of `./protocol.ts`: single
 * queries and scripts, transactions (held open with PGlite's own `transaction` until the
 * request thread says commit or rollback, so other statements wait as they would in process),
 * and close. Its WebAssembly memory is shared (`./shared-memory.ts`) so that the request thread
 * can cancel a statement past the timeout. Started by `./client.ts` only.
 */
import { shareWebAssemblyMemory } from './shared-memory.ts';
import {
  CANCELLING,
  IDLE,
  type StartRequest,
  type WireError,
  type WorkerReply,
  type WorkerRequest,
} from './protocol.ts';

declare const self: Worker;

/** The parts of PGlite (and of a PGlite transaction) this worker calls. */
interface Queryable {
  query(sql: string, params?: unknown[], options?: Record<string, unknown>): Promise<unknown>;
  exec(sql: string): Promise<unknown>;
}
interface Pglite extends Queryable {
  transaction<T>(fn: (tx: Queryable & { rollback(): Promise<void> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
/** PGlite's Emscripten module: the addresses of PostgreSQL's globals and the heap. */
interface PgliteModule {
  HEAPU8: Uint8Array;
  _QueryCancelPending: number;
  _InterruptPending: number;
}

const post = (reply: WorkerReply): void => self.postMessage(reply);

function wireError(err: unknown): WireError {
  const fields: Record<string, string | number | undefined> = {};
  if (err instanceof Error) {
    for (const [key, value] of Object.entries(err))
      if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
    return { name: err.name, message: err.message, fields };
  }
  return { name: 'Error', message: String(err), fields };
}

interface OpenTransaction {
  tx: Queryable;
  finish: (commit: boolean) => void;
}

let pg: Pglite | undefined;
let control: Int32Array;
let flags: Int32Array;
let flagIndexes: [number, number];
const transactions = new Map<number, OpenTransaction>();
/** Each open transaction's outcome, so that `end` answers once PGlite has committed. */
const ending = new Map<number, Promise<unknown>>();
let nextTx = 1;

/** A FIFO lock: `run(fn)` runs `fn` once everything queued before it has settled. */
function createLock(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };
}

/**
 * PGlite runs one statement at a time and a transaction excludes every statement outside it;
 * these locks do the same here, so that the statement named in the control word is the one
 * PostgreSQL runs: `outside` is held by each statement outside a transaction and by each open
 * transaction, `running` by each statement while it runs.
 */
const outside = createLock();
const running = createLock();

/** Runs one statement under the cancellation protocol of `./protocol.ts`. */
async function statement<T>(id: number, run: () => Promise<T>): Promise<T> {
  Atomics.store(control, 0, id);
  post({ kind: 'started', id });
  try {
    return await run();
  } finally {
    // Back to IDLE from `id`, or from `-id` (cancelled; once the request thread has set the flags,
    // which are then cleared).
    for (;;) {
      const seen = Atomics.load(control, 0);
      if (seen === CANCELLING) Atomics.wait(control, 0, CANCELLING, 50);
      else if (Atomics.compareExchange(control, 0, seen, IDLE) === seen) {
        if (seen === -id) for (const index of flagIndexes) Atomics.store(flags, index, 0);
        break;
      }
    }
  }
}

/** A statement of transaction `tx` waits for the one running; one outside any, for open transactions too. */
function serialised<T>(tx: number | undefined, run: () => Promise<T>): Promise<T> {
  return tx === undefined ? outside(() => running(run)) : running(run);
}

function target(tx: number | undefined): Queryable {
  if (tx === undefined) return pg as Pglite;
  const open = transactions.get(tx);
  if (!open) throw new Error(`transaction ${tx} is not open`);
  return open.tx;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  const db = pg as Pglite;
  switch (request.kind) {
    case 'query': {
      const parsers = Object.fromEntries(request.options.rawTypes.map((oid) => [oid, (value: string) => value]));
      const options = { ...(request.options.rowMode ? { rowMode: request.options.rowMode } : {}), parsers };
      return serialised(request.tx, () =>
        statement(request.id, () => target(request.tx).query(request.sql, request.params, options)),
      );
    }
    case 'exec':
      return serialised(request.tx, () => statement(request.id, () => target(request.tx).exec(request.sql)));
    case 'begin': {
      const number = nextTx++;
      return new Promise<number>((opened, failed) => {
        // `outside` stays held until PGlite has committed or rolled back.
        const done = outside(() =>
          db.transaction(async (tx) => {
            const commit = await new Promise<boolean>((finish) => {
              transactions.set(number, { tx, finish });
              opened(number);
            });
            if (!commit) await tx.rollback();
          }),
        ).finally(() => transactions.delete(number));
        ending.set(number, done);
        done.catch(failed); // before it opened: `begin` fails; after: `end` reports it
      });
    }
    case 'end': {
      const open = transactions.get(request.tx);
      const ended = ending.get(request.tx);
      if (!open || !ended) throw new Error(`transaction ${request.tx} is not open`);
      ending.delete(request.tx);
      // PGlite commits (or rolls back) when the callback returns; answer once it has.
      open.finish(request.commit);
      await ended;
      return undefined;
    }
    case 'close':
      await db.close();
      return undefined;
  }
}

async function start(request: StartRequest): Promise<void> {
  shareWebAssemblyMemory();
  const { PGlite } = await import('@electric-sql/pglite');
  const instance = await PGlite.create(request.dataDir);
  const mod = (instance as unknown as { mod?: PgliteModule }).mod;
  if (!mod || !(mod.HEAPU8.buffer instanceof SharedArrayBuffer))
    throw new Error('PGlite did not start on shared memory');
  pg = instance as unknown as Pglite;
  control = new Int32Array(request.control);
  flags = new Int32Array(mod.HEAPU8.buffer);
  flagIndexes = [mod._QueryCancelPending >> 2, mod._InterruptPending >> 2];
  post({ kind: 'ready', memory: mod.HEAPU8.buffer, interruptFlags: [mod._QueryCancelPending, mod._InterruptPending] });
}

self.onmessage = (event: MessageEvent<StartRequest | WorkerRequest>) => {
  const request = event.data;
  if (request.kind === 'start') {
    start(request).catch((err: unknown) => post({ kind: 'start-failed', error: wireError(err) }));
    return;
  }
  handle(request).then(
    (value) => post({ kind: 'done', id: request.id, value }),
    (err: unknown) => post({ kind: 'failed', id: request.id, error: wireError(err) }),
  );
};
