/**
 * @module process/watch-file
 * Re-reads a file every few seconds (and on demand) and hands its text to a callback when the
 * content differs from the last content seen. Content, not modification time, decides, so a
 * change within the timestamp granularity is not missed; a broken file is reported once, not at
 * every poll. Checks run one at a time so an older read never overtakes a newer one.
 */
import { sha256Hex } from '../logic/sha256.ts';

export interface FileWatcher {
  /** Re-reads now; resolves with what the callback said (true: something changed). */
  check(): Promise<boolean>;
  stop(): void;
}

export interface WatchFileOptions {
  /** Seconds between polls; 0 disables polling (`check()` still works). */
  intervalSeconds: number;
  /** SHA-256 hex of the content already in use. */
  initialHash: string;
  /** Installs new content and says whether anything changed; throws to refuse it. */
  onChange(text: string): Promise<boolean>;
  onError(err: unknown): void;
}

export function watchFileContent(path: string, options: WatchFileOptions): FileWatcher {
  let lastSeen = options.initialHash;
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const check = async (): Promise<boolean> => {
    let text: string;
    try {
      text = await Bun.file(path).text();
    } catch (err) {
      options.onError(err);
      return false;
    }
    const hash = await sha256Hex(text);
    if (hash === lastSeen) return false;
    lastSeen = hash;
    try {
      return await options.onChange(text);
    } catch (err) {
      options.onError(err);
      return false;
    }
  };
  const timer =
    options.intervalSeconds > 0 ? setInterval(() => void exclusive(check), options.intervalSeconds * 1000) : undefined;
  return { check: () => exclusive(check), stop: () => clearInterval(timer) };
}
