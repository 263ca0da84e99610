/**
 * One long-lived Python process (./python-server.py) that runs the tests' Python scripts and
 * functions one after another, so that what they import (DiracX: 1–2 s a process) is imported
 * once per server instead of once per call. A script still runs as `python script args...` would:
 * as `__main__`, with fresh globals and its own `asyncio.run`, so every call builds its own
 * DiracX objects. Requests and answers are JSON lines on the server's stdin and stdout. A script
 * or function that raises rejects with `PythonCallError` (its type, message and traceback); a
 * server that exits, or does not answer in time, rejects every pending call with
 * `PythonServerDiedError` (its stderr's tail) and is not used again.
 */
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./python-server.py', import.meta.url));
const STDERR_TAIL_CHARS = 3000;
const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** What a script printed, and, for a function, what it returned. */
export interface PythonAnswer {
  readonly stdout: string;
  readonly stderr: string;
  readonly result: unknown;
}

/** The script or function raised: the Python exception, with what it had printed. */
export class PythonCallError extends Error {
  constructor(
    readonly type: string,
    readonly pythonMessage: string,
    readonly traceback: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${type}: ${pythonMessage}\n${traceback}${stderr.slice(-STDERR_TAIL_CHARS)}`);
    this.name = 'PythonCallError';
  }
}

/** The server exited or stopped answering: its exit code and stderr's tail. */
export class PythonServerDiedError extends Error {
  constructor(why: string, stderrTail: string) {
    super(`the Python server ${why}; its stderr ends with:\n${stderrTail}`);
    this.name = 'PythonServerDiedError';
  }
}

interface WireAnswer {
  id: number;
  ok: boolean;
  stdout: string;
  stderr: string;
  result?: unknown;
  type?: string;
  message?: string;
  traceback?: string;
}

interface Pending {
  resolve(answer: PythonAnswer): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

type Request = { script: string; args: readonly string[] } | { call: string; args: readonly unknown[] };

export interface PythonServerOptions {
  /** Modules it imports as it starts, before the first request (a failure ends it). */
  readonly preload?: readonly string[];
  /** How long one call may take before the server is killed (60 s). */
  readonly callTimeoutMs?: number;
}

/** A running server; `python` is the interpreter, `env` its whole environment. */
export class PythonServer {
  private readonly proc: Bun.Subprocess<'pipe', 'pipe', 'pipe'>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderrTail = '';
  private died: PythonServerDiedError | undefined;

  private readonly callTimeoutMs: number;

  constructor(
    readonly python: string,
    env: Record<string, string>,
    options: PythonServerOptions = {},
  ) {
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.proc = Bun.spawn({
      cmd: [python, SERVER, ...(options.preload ?? [])],
      env: { ...env, PYTHONUNBUFFERED: '1' },
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    void this.readAnswers();
    const stderrRead = this.readStderr();
    void Promise.all([this.proc.exited, stderrRead]).then(([code]) => this.fail(`exited (code ${code})`));
  }

  /** Whether it still takes requests. */
  get alive(): boolean {
    return this.died === undefined;
  }

  /** Runs `script` as `python script args...` would, and resolves with what it printed. */
  runScript(script: string, args: readonly string[] = []): Promise<PythonAnswer> {
    return this.send({ script, args });
  }

  /** Calls `module:function` with `args` (a coroutine is run to its end) and resolves with its JSON result. */
  call(target: string, args: readonly unknown[] = []): Promise<PythonAnswer> {
    return this.send({ call: target, args });
  }

  /** Ends the server (closing its stdin; SIGKILL if it has not exited within 5 s). */
  async stop(): Promise<void> {
    this.fail('was stopped');
    try {
      this.proc.stdin.end();
    } catch {
      // already closed: it has exited
    }
    const exited = await Promise.race([this.proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
    if (!exited) this.proc.kill('SIGKILL');
    await this.proc.exited;
  }

  /** SIGKILLs it at once (for the test process's exit, where nothing can be awaited). */
  kill(): void {
    this.fail('was killed');
    this.proc.kill('SIGKILL');
  }

  private send(request: Request): Promise<PythonAnswer> {
    if (this.died) return Promise.reject(this.died);
    const id = this.nextId++;
    return new Promise<PythonAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(`did not answer within ${this.callTimeoutMs} ms`);
        this.proc.kill('SIGKILL');
      }, this.callTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.proc.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
      this.proc.stdin.flush();
    });
  }

  /** Marks the server dead and rejects every pending call (first reason wins). */
  private fail(why: string): void {
    this.died ??= new PythonServerDiedError(why, this.stderrTail);
    for (const [id, { reject, timer }] of this.pending) {
      clearTimeout(timer);
      this.pending.delete(id);
      reject(this.died);
    }
  }

  private async readAnswers(): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of this.proc.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        try {
          this.settle(JSON.parse(line) as WireAnswer);
        } catch {
          this.fail(`wrote a line that is no answer: ${line.slice(0, 200)}`);
          this.proc.kill('SIGKILL');
          return;
        }
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    }
  }

  private settle(answer: WireAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    clearTimeout(pending.timer);
    if (answer.ok) {
      pending.resolve({ stdout: answer.stdout, stderr: answer.stderr, result: answer.result ?? null });
    } else {
      const { type = '?', message = '', traceback = '', stdout, stderr } = answer;
      pending.reject(new PythonCallError(type, message, traceback, stdout, stderr));
    }
  }

  private async readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.proc.stderr) {
      this.stderrTail = (this.stderrTail + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL_CHARS);
    }
  }
}

const servers = new Map<string, PythonServer>();
process.on('exit', () => {
  for (const server of servers.values()) server.kill();
});

/**
 * The server for `python`, `env` and `preload`, started on first use and again after one died; one per
 * test file in practice, ended in its `afterAll` by `stopPythonServers` (or when the test
 * process exits).
 */
export function sharedPythonServer(
  python: string,
  env: Record<string, string>,
  preload: readonly string[] = [],
): PythonServer {
  const key = JSON.stringify([python, env, preload]);
  const running = servers.get(key);
  if (running?.alive) return running;
  const server = new PythonServer(python, env, { preload });
  servers.set(key, server);
  return server;
}

/** Stops every server `sharedPythonServer` started. */
export async function stopPythonServers(): Promise<void> {
  const stopping = [...servers.values()].map((server) => server.stop());
  servers.clear();
  await Promise.all(stopping);
}
