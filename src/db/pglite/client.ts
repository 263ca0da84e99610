/**
 * @module db/pglite/client
 * The embedded database as the request thread sees it: PGlite running in a worker thread
 * (`./worker.ts`), behind the part of PGlite's interface that drizzle's PGlite driver calls
 * (`query(sql, params, options)`, `exec`, `transaction(fn)`, `close`). A slow statement then
 * occupies the worker, not the thread that answers `/api/health/live` or verifies tokens.
 *
 * Each statement runs under the statement timeout (`setStatementTimeout`, 0: none): when it
 * passes, the statement is cancelled inside PostgreSQL through the shared control word and
 * memory (`./protocol.ts`; again and again until it ends, since PostgreSQL drops a cancel that
 * arrives before it executes), and fails with SQLSTATE 57014 as on PostgreSQL. Process-side only
 * (a thread of the server process), opened by `src/db/open.ts`.
 */
import {
  CANCEL_REPEAT_MS,
  CANCELLING,
  MAX_ID,
  type StartRequest,
  type WireError,
  type WireQueryOptions,
  type WorkerReply,
  type WorkerRequest,
} from './protocol.ts';

/** What PGlite answers a query with (drizzle reads `rows`, `fields` and `affectedRows`). */
export interface QueryResults {
  rows: unknown[];
  fields?: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

/** The query options drizzle passes: a row mode and identity parsers for some types. */
export interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, unknown>;
}

/** A transaction as drizzle uses it: statements that run inside it. */
export interface PgliteWorkerTransaction {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResults>;
  exec(sql: string): Promise<QueryResults[]>;
}

/** The error of a failed statement, with the driver's fields (`code` is the SQLSTATE). */
export class PgliteWorkerError extends Error {
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    Object.assign(this, wire.fields);
  }
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

export interface PgliteWorkerClientOptions {
  /** PGlite's data directory; absent: in memory. */
  dataDir?: string | undefined;
  /** Longest a statement may run, in ms; 0: no limit (changeable with `setStatementTimeout`). */
  statementTimeoutMs?: number;
}

/** Where the worker's code is: next to this module, in the sources and in the built `dist/`. */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './pglite-worker.js', import.meta.url);

export class PgliteWorkerClient implements PgliteWorkerTransaction {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #control = new Int32Array(new SharedArrayBuffer(4));
  #flags: Int32Array | undefined;
  #flagIndexes: [number, number] = [0, 0];
  #nextId = 1;
  #statementTimeoutMs: number;
  #closed = false;

  private constructor(worker: Worker, statementTimeoutMs: number) {
    this.#worker = worker;
    this.#statementTimeoutMs = statementTimeoutMs;
  }

  /** Starts the worker and PGlite in it; resolves once the database answers. */
  static async open(options: PgliteWorkerClientOptions = {}): Promise<PgliteWorkerClient> {
    const worker = new Worker(WORKER_URL.href, { type: 'module' });
    const client = new PgliteWorkerClient(worker, options.statementTimeoutMs ?? 0);
    const ready = new Promise<void>((resolve, reject) => {
      worker.onerror = (event) => reject(new Error(`the embedded database's worker failed: ${event.message}`));
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.kind === 'ready') {
          client.#flags = new Int32Array(reply.memory);
          client.#flagIndexes = [reply.interruptFlags[0] >> 2, reply.interruptFlags[1] >> 2];
          worker.onmessage = (next: MessageEvent<WorkerReply>) => client.#receive(next.data);
          resolve();
        } else if (reply.kind === 'start-failed') {
          reject(new PgliteWorkerError(reply.error));
        }
      };
    });
    const start: StartRequest = {
      kind: 'start',
      control: client.#control.buffer as SharedArrayBuffer,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    };
    worker.postMessage(start);
    try {
      await ready;
    } catch (err) {
      worker.terminate();
      throw err;
    }
    worker.onerror = (event) => client.#failAll(new Error(`the embedded database's worker failed: ${event.message}`));
    return client;
  }

  /** Sets the statement timeout for the statements that start from now on (0: none). */
  setStatementTimeout(ms: number): void {
    this.#statementTimeoutMs = ms;
  }

  query(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<QueryResults> {
    return this.#query(undefined, sql, params, options);
  }

  exec(sql: string): Promise<QueryResults[]> {
    return this.#send({ kind: 'exec', sql }) as Promise<QueryResults[]>;
  }

  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(fn: (tx: PgliteWorkerTransaction) => Promise<T>): Promise<T> {
    const tx = (await this.#send({ kind: 'begin' })) as number;
    const inside: PgliteWorkerTransaction = {
      query: (sql, params = [], options = {}) => this.#query(tx, sql, params, options),
      exec: (sql) => this.#send({ kind: 'exec', tx, sql }) as Promise<QueryResults[]>,
    };
    let result: T;
    try {
      result = await fn(inside);
    } catch (err) {
      await this.#send({ kind: 'end', tx, commit: false });
      throw err;
    }
    await this.#send({ kind: 'end', tx, commit: true });
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#send({ kind: 'close' });
    } finally {
      this.#closed = true;
      this.#worker.terminate();
      // Holding the worker's (shared) memory past its end would keep the whole database alive.
      this.#flags = undefined;
      this.#failAll(new Error('the embedded database is closed'));
    }
  }

  #query(tx: number | undefined, sql: string, params: unknown[], options: QueryOptions): Promise<QueryResults> {
    // drizzle's parsers keep some types as text; functions cannot cross threads, so name the types.
    const wire: WireQueryOptions = {
      rawTypes: Object.keys(options.parsers ?? {}).map(Number),
      ...(options.rowMode ? { rowMode: options.rowMode } : {}),
    };
    return this.#send({
      kind: 'query',
      sql,
      params,
      options: wire,
      ...(tx === undefined ? {} : { tx }),
    }) as Promise<QueryResults>;
  }

  #send(body: RequestBody): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the embedded database is closed'));
    const id = this.#nextId;
    this.#nextId = id === MAX_ID ? 1 : id + 1;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  #receive(reply: WorkerReply): void {
    if (reply.kind === 'started') {
      const pending = this.#pending.get(reply.id);
      const timeout = this.#statementTimeoutMs;
      if (pending && timeout > 0) pending.timer = setTimeout(() => this.#cancel(reply.id), timeout);
      return;
    }
    if (reply.kind !== 'done' && reply.kind !== 'failed') return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.kind === 'done') pending.resolve(reply.value);
    else pending.reject(new PgliteWorkerError(reply.error));
  }

  /**
   * Cancels statement `id` if it is still the one running, and again every `CANCEL_REPEAT_MS`
   * until it ends: PostgreSQL drops a cancel that arrives before execution (see `./protocol.ts`).
   */
  #cancel(id: number): void {
    const flags = this.#flags;
    const pending = this.#pending.get(id);
    if (!flags || !pending) return;
    const control = this.#control;
    const claimed =
      Atomics.compareExchange(control, 0, id, CANCELLING) === id ||
      Atomics.compareExchange(control, 0, -id, CANCELLING) === -id;
    if (!claimed) return; // the statement has ended in the worker
    for (const index of this.#flagIndexes) Atomics.store(flags, index, 1);
    Atomics.store(control, 0, -id);
    Atomics.notify(control, 0);
    pending.timer = setTimeout(() => this.#cancel(id), CANCEL_REPEAT_MS);
  }

  #failAll(err: Error): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(err);
      this.#pending.delete(id);
    }
  }
}
