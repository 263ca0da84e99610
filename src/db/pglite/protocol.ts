/**
 * @module db/pglite/protocol
 * The messages between the request thread and the embedded database's worker thread
 * (`./worker.ts`, `./client.ts`), and the shared control word with which the request thread
 * cancels the statement the worker runs. Types and constants only.
 *
 * Cancellation: before each statement the worker stores its request id in `control[0]` and
 * posts `started`; when the statement timeout passes, the request thread swaps that id for
 * `CANCELLING` (so it never cancels a later statement), sets PostgreSQL's interrupt flags in
 * the shared memory, then stores `CANCELLED`. After each statement the worker swaps its id back
 * to `IDLE`; if it finds a cancellation instead, it waits for `CANCELLED` and clears the flags
 * (a statement that ended before PostgreSQL saw them must not cancel the next one).
 */

export const IDLE = 0;
export const CANCELLING = -1;
export const CANCELLED = -2;

/** What drizzle's PGlite driver passes as query options, without the functions (parsers). */
export interface WireQueryOptions {
  rowMode?: 'array' | 'object';
  /** Type OIDs whose values stay text (drizzle's parsers are all the identity on text). */
  rawTypes: number[];
}

export type WorkerRequest =
  | { kind: 'query'; id: number; tx?: number; sql: string; params: unknown[]; options: WireQueryOptions }
  | { kind: 'exec'; id: number; tx?: number; sql: string }
  /** Opens a transaction; answered with its number once PGlite holds it. */
  | { kind: 'begin'; id: number }
  | { kind: 'end'; id: number; tx: number; commit: boolean }
  | { kind: 'close'; id: number };

export interface StartRequest {
  kind: 'start';
  /** PGlite's data directory; absent: in memory. */
  dataDir?: string;
  /** One `Int32Array` word: the statement running, or `IDLE`/`CANCELLING`/`CANCELLED`. */
  control: SharedArrayBuffer;
}

/** A driver error as data (PGlite's `DatabaseError` fields: `code` is the SQLSTATE). */
export interface WireError {
  name: string;
  message: string;
  fields: Record<string, string | number | undefined>;
}

export type WorkerReply =
  | {
      kind: 'ready';
      /** PGlite's WebAssembly memory, shared with the request thread. */
      memory: SharedArrayBuffer;
      /** Byte addresses of `QueryCancelPending` and `InterruptPending` in it. */
      interruptFlags: [number, number];
    }
  | { kind: 'start-failed'; error: WireError }
  | { kind: 'started'; id: number }
  | { kind: 'done'; id: number; value: unknown }
  | { kind: 'failed'; id: number; error: WireError };
