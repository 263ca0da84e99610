"""One long-lived Python for the tests (test/harness/python-server.ts), so that DiracX is imported once.

`python python-server.py [module...]` imports the modules named (a failure ends it, the traceback
on stderr), then reads one JSON request a line on stdin and answers each with one JSON line, in
order, until stdin ends. A request is {"id": n, "script": path, "args": [...]}: the script run as
`python path args...` would run it (as __main__, with that sys.argv, fresh globals each time,
what it prints collected), or {"id": n, "call": "module:function", "args": [...]} (the function
may be "object.method"): its return value, which must be JSON (a coroutine is run with
asyncio.run). The answer is {"id": n, "ok": true, "stdout": ..., "stderr": ..., "result": ...}
or, when it raised, {"id": n, "ok": false, "type": ..., "message": ..., "traceback": ...,
"stdout": ..., "stderr": ...}. Answers go to a copy of the original stdout; file descriptor 1
itself then points to stderr, so that nothing else written there (C code, child processes) can
end up among the answers.
"""

import asyncio
import contextlib
import functools
import importlib
import inspect
import io
import json
import os
import runpy
import sys
import traceback


def run_script(path: str, args: list[str]) -> None:
    saved = sys.argv
    sys.argv = [path, *args]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exit:
        if exit.code not in (None, 0):
            raise
    finally:
        sys.argv = saved


def call(target: str, args: list[object]) -> object:
    module, _, path = target.partition(":")
    function = functools.reduce(getattr, path.split("."), importlib.import_module(module))
    result = function(*args)
    return asyncio.run(result) if inspect.iscoroutine(result) else result


def answer(request: dict) -> dict:
    stdout, stderr = io.StringIO(), io.StringIO()
    reply: dict = {"id": request.get("id")}
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            if "script" in request:
                run_script(request["script"], [str(a) for a in request.get("args", [])])
                result = None
            else:
                result = call(request["call"], request.get("args", []))
        reply.update(ok=True, result=result)
    except BaseException as err:  # noqa: BLE001 - every failure is the caller's to see
        if isinstance(err, KeyboardInterrupt):
            raise
        reply.update(
            ok=False,
            type=f"{type(err).__module__}.{type(err).__qualname__}",
            message=str(err),
            traceback="".join(traceback.format_exception(err)),
        )
    reply.update(stdout=stdout.getvalue(), stderr=stderr.getvalue())
    return reply


def main() -> None:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    for name in sys.argv[1:]:
        importlib.import_module(name)
    for line in sys.stdin:
        if not line.strip():
            continue
        reply = answer(json.loads(line))
        try:
            text = json.dumps(reply)
        except (TypeError, ValueError) as err:
            text = json.dumps(
                {
                    "id": reply["id"],
                    "ok": False,
                    "type": type(err).__qualname__,
                    "message": f"the answer is not JSON: {err}",
                    "traceback": "",
                    "stdout": reply["stdout"],
                    "stderr": reply["stderr"],
                }
            )
        answers.write(text + "\n")
        answers.flush()


main()
