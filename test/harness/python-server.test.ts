/**
 * The long-lived Python of the tests (./python-server.ts): a script runs as `python script args`
 * would (its argv, fresh globals, its output collected, its exit code honoured) in one process
 * that keeps what it imported; a function's result comes back as JSON; an exception comes back
 * with its type, message and traceback; a server that dies or hangs fails its calls with its
 * stderr's tail and is replaced on the next `sharedPythonServer`. Plain python3 is enough.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanPythonEnv } from '../interop/diracx-python.ts';
import {
  PythonCallError,
  PythonServer,
  PythonServerDiedError,
  sharedPythonServer,
  stopPythonServers,
} from './python-server.ts';

const PYTHON = Bun.which('python3');

const SCRIPTS = {
  echo: ['import sys', 'count = globals().get("count", 0) + 1', 'print(sys.argv[1:], count, __name__)'].join('\n'),
  raises: ['print("before")', 'raise ValueError("boom")'].join('\n'),
  exits: ['import sys', 'print("exiting")', 'sys.exit(int(sys.argv[1]))'].join('\n'),
  noise: ['import os', 'os.write(1, b"not an answer\\n")', 'print("printed")'].join('\n'),
  dies: ['import os', 'os.write(2, b"last words\\n")', 'os._exit(7)'].join('\n'),
  hangs: ['import time', 'time.sleep(30)'].join('\n'),
};

async function expectRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

if (!PYTHON) {
  describe('the long-lived Python server', () => {
    it.skip('runs scripts and functions (skipped: no python3 on PATH)', () => {});
  });
} else {
  describe('the long-lived Python server', () => {
    const python = PYTHON;
    let dir = '';
    const script = (name: keyof typeof SCRIPTS) => join(dir, `${name}.py`);

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'python-server-'));
      for (const [name, text] of Object.entries(SCRIPTS)) await writeFile(join(dir, `${name}.py`), `${text}\n`);
    });
    afterAll(async () => {
      await stopPythonServers();
      await rm(dir, { recursive: true, force: true });
    });

    it('runs each script as __main__ with its arguments and fresh globals, in one process', async () => {
      const server = sharedPythonServer(python, cleanPythonEnv({}));
      const first = await server.runScript(script('echo'), ['a b', '{"x": 1}']);
      const second = await server.runScript(script('echo'), ['c']);
      expect(first.stdout).toBe(`['a b', '{"x": 1}'] 1 __main__\n`);
      expect(second.stdout).toBe("['c'] 1 __main__\n");
      const pids = [await server.call('os:getpid'), await server.call('os:getpid')].map((answer) => answer.result);
      expect(typeof pids[0]).toBe('number');
      expect(pids[1]).toBe(pids[0]);
      expect(sharedPythonServer(python, cleanPythonEnv({}))).toBe(server);
    });

    it('returns a function’s JSON result, running a coroutine to its end', async () => {
      const server = sharedPythonServer(python, cleanPythonEnv({}));
      expect((await server.call('json:dumps', [[1, 'é']])).result).toBe('[1, "\\u00e9"]');
      expect((await server.call('asyncio:sleep', [0, { done: true }])).result).toEqual({ done: true });
      const notJson = await expectRejection(server.call('builtins:object'));
      expect(notJson).toBeInstanceOf(PythonCallError);
      expect((notJson as PythonCallError).pythonMessage).toMatch(/^the answer is not JSON: /);
    });

    it('reports an exception with its type, message, traceback and output, and goes on', async () => {
      const server = sharedPythonServer(python, cleanPythonEnv({}));
      const err = await expectRejection(server.runScript(script('raises')));
      expect(err).toBeInstanceOf(PythonCallError);
      const raised = err as PythonCallError;
      expect(raised.type).toBe('builtins.ValueError');
      expect(raised.pythonMessage).toBe('boom');
      expect(raised.traceback).toContain(`File "${script('raises')}", line 2`);
      expect(raised.stdout).toBe('before\n');
      expect(raised.message).toContain('builtins.ValueError: boom');
      expect((await server.runScript(script('echo'))).stdout).toBe('[] 1 __main__\n');
    });

    it('takes exit code 0 as success and any other as a failure, as a process would', async () => {
      const server = sharedPythonServer(python, cleanPythonEnv({}));
      expect((await server.runScript(script('exits'), ['0'])).stdout).toBe('exiting\n');
      const err = await expectRejection(server.runScript(script('exits'), ['3']));
      expect(err).toBeInstanceOf(PythonCallError);
      expect((err as PythonCallError).type).toBe('builtins.SystemExit');
      expect((err as PythonCallError).pythonMessage).toBe('3');
    });

    it('keeps what is written to file descriptor 1 out of the answers', async () => {
      const server = sharedPythonServer(python, cleanPythonEnv({}));
      expect((await server.runScript(script('noise'))).stdout).toBe('printed\n');
      expect(server.alive).toBe(true);
    });

    it('fails the calls of a server that died with its stderr, and starts another on next use', async () => {
      const server = sharedPythonServer(python, cleanPythonEnv({}));
      const err = await expectRejection(server.runScript(script('dies')));
      expect(err).toBeInstanceOf(PythonServerDiedError);
      expect((err as Error).message).toContain('exited (code 7)');
      expect((err as Error).message).toContain('last words');
      expect(server.alive).toBe(false);
      expect(await expectRejection(server.call('os:getpid'))).toBe(err);
      const next = sharedPythonServer(python, cleanPythonEnv({}));
      expect(next).not.toBe(server);
      expect((await next.runScript(script('echo'))).stdout).toBe('[] 1 __main__\n');
    });

    it('kills a server that does not answer in time, and refuses calls once stopped', async () => {
      const server = new PythonServer(python, cleanPythonEnv({}), { callTimeoutMs: 1000 });
      try {
        const err = await expectRejection(server.runScript(script('hangs')));
        expect(err).toBeInstanceOf(PythonServerDiedError);
        expect((err as Error).message).toContain('did not answer within 1000 ms');
      } finally {
        await server.stop();
      }
      const stopped = new PythonServer(python, cleanPythonEnv({}));
      await stopped.stop();
      const refused = await expectRejection(stopped.call('os:getpid'));
      expect((refused as Error).message).toContain('was stopped');
    });

    it('imports the modules it is told to as it starts, and dies with the traceback when one is missing', async () => {
      const server = sharedPythonServer(python, cleanPythonEnv({}), ['wave', 'no_such_module_here']);
      const err = await expectRejection(server.call('os:getpid'));
      expect(err).toBeInstanceOf(PythonServerDiedError);
      expect((err as Error).message).toContain('exited (code 1)');
      expect((err as Error).message).toContain("ModuleNotFoundError: No module named 'no_such_module_here'");
      const plain = sharedPythonServer(python, cleanPythonEnv({}));
      expect((await plain.call('sys:modules.__contains__', ['wave'])).result).toBe(false);
      const preloaded = sharedPythonServer(python, cleanPythonEnv({}), ['wave']);
      expect((await preloaded.call('sys:modules.__contains__', ['wave'])).result).toBe(true);
    });
  });
}
