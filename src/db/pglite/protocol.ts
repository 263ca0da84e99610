/**
 * @module db/pglite/protocol
 * The messages between the request thread and the embedded database's worker thread
 * (`./worker.ts`, `./client.ts`), and the shared control word with which the request thread
 * cancels the statement the worker runs. Types and constants only.
 *
 * Cancellation: before each statement the worker stores its request id in `control[0]` and
 * posts `started`. When the statement timeout passes, the request thread swaps that id for
 * `CANCELLING` (a compare-and-swap, so it never cancels a later statement), sets PostgreSQL's
 * interrupt flags in the shared memory, then stores `-id`: the statement is cancelled. PGlite
 * hands PostgreSQL a statement as several protocol messages (Parse, Describe, Bind, Execute,
 * Sync), and PostgreSQL clears the flags without cancelling anything when it reads the next
 * message (a cancel while no statement executes is a no-op there): a cancel that lands before
 * execution begins is lost. So the request thread sets the flags again (`-id` to `CANCELLING`
 * to `-id`) every `CANCEL_REPEAT_MS` until the statement ends. After each statement the worker
 * swaps its id, or `-id`, back to `IDLE` (waiting out a `CANCELLING`) and, if it was cancelled,
 * clears the flags (a statement that ended before PostgreSQL saw them must not cancel the next one).
 * Request ids run from 1 to `MAX_ID`, then from 1 again, so that `id` and `-id` fit the word.
 */

export const IDLE = 0;
/** The request thread is setting the flags; the worker waits for `-id` before it ends the statement. */
export const CANCELLING = -0x8000_0000;
/** The largest request id. */
export const MAX_ID = 0x7fff_ffff;
/** How often the request thread sets the flags again while a cancelled statement has not ended, in ms. */
export const CANCEL_REPEAT_MS = 5;

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
  /** One `Int32Array` word: the statement running (`id`), cancelled (`-id`), or `IDLE`/`CANCELLING`. */
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
