"""DiracX 0.7.0's own job and pilot searches on MySQL URLs, for test/db/mysql/jobs-search.test.ts and
pilots-search.test.ts.

Takes one JSON request as its argument, {"url": <JobDB>, "urls": {"JobLoggingDB", "PilotAgentsDB"},
"queries": [...]}, runs each query in its own transactions and prints one JSON answer per query,
{"total", "rows"} (search), {"rows"} (summary) or {"error": <exception class>, "message"}.
A query is {"table": "jobs" | "pilots", "kind": "search" | "summary", "body", "page", "per_page", ...}:
- "raw": true (a search of either table): JobDB.search / PilotAgentsDB.search with the body as sent,
  skipping the route's validation (SearchParams turns a JSON boolean into 1, which DiracX's
  EnumBackedBool refuses, so flag filters only reach the database that way);
- jobs search: DiracX's `logic.jobs.query.search` (the route's logic: LoggingInfo from JobLoggingDB,
  the Owner constraint when "owner" is given), over JobDB.search;
- jobs summary: `logic.jobs.query.summary` (Owner constraint as above), over JobDB.summary;
- pilots search / summary: `logic.pilots.query.search` / `summary` ("vo" the VO constraint; a
  "JobID" filter is DiracX's pseudo-parameter: the pilots that ran those jobs).
The bodies are validated with DiracX's SearchParams / SummaryParams, as its routes do. The only
stand-in is the configuration the jobs logic reads one flag from (global_jobs_info = False, so
"owner" restricts, as for a user without JobAdministrator), named CONFIG_STUB below.
"""

import asyncio
import json
import sys
from datetime import datetime
from types import SimpleNamespace

from diracx.core.exceptions import InvalidQueryError
from diracx.core.models import SearchParams, SummaryParams
from diracx.db.sql import JobDB, JobLoggingDB, PilotAgentsDB
from diracx.logic.jobs import query as jobs_query
from diracx.logic.pilots import query as pilots_query

VO = "lhcb"
CONFIG_STUB = SimpleNamespace(
    operations={VO: SimpleNamespace(services=SimpleNamespace(job_monitoring=SimpleNamespace(global_jobs_info=False)))}
)


def plain(value):
    """JSON for DiracX's answers: datetimes in ISO 8601 with their offset, tuples as lists."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return plain(value.model_dump(by_alias=True))
    return value


async def run(dbs, q):
    job_db, logging_db, pilot_db = dbs
    table, kind, body = q["table"], q["kind"], q.get("body", {})
    page, per_page = q.get("page", 1), q.get("per_page", 100)
    async with job_db, logging_db, pilot_db:
        if kind == "search" and q.get("raw"):
            total, rows = await (job_db if table == "jobs" else pilot_db).search(
                body.get("parameters"),
                body.get("search", []),
                body.get("sort", []),
                distinct=body.get("distinct", False),
                page=page,
                per_page=per_page,
            )
            return {"total": total, "rows": rows}
        if table == "jobs" and kind == "search":
            total, rows = await jobs_query.search(
                CONFIG_STUB, job_db, None, logging_db, pilot_db, q.get("owner"), VO,
                page=page, per_page=per_page, body=SearchParams.model_validate(body),
            )
            return {"total": total, "rows": rows}
        if table == "jobs":
            rows = await jobs_query.summary(CONFIG_STUB, job_db, q.get("owner"), VO, SummaryParams.model_validate(body))
            return {"rows": rows}
        if kind == "search":
            total, rows = await pilots_query.search(
                pilot_db, q.get("vo"), page=page, per_page=per_page, body=SearchParams.model_validate(body)
            )
            return {"total": total, "rows": rows}
        rows = await pilots_query.summary(pilot_db, SummaryParams.model_validate(body), q.get("vo"))
        return {"rows": rows}


async def main() -> None:
    request = json.loads(sys.argv[1])
    dbs = (
        JobDB(request["url"]),
        JobLoggingDB(request["urls"]["JobLoggingDB"]),
        PilotAgentsDB(request["urls"]["PilotAgentsDB"]),
    )
    out = []
    async with dbs[0].engine_context(), dbs[1].engine_context(), dbs[2].engine_context():
        for q in request["queries"]:
            try:
                out.append(plain(await run(dbs, q)))
            except InvalidQueryError as e:
                out.append({"error": type(e).__name__, "message": str(e)})
            except Exception as e:  # DiracX's 500s: the class, so the test can say which
                out.append({"error": type(e).__name__, "message": str(e)[:300]})
    print(json.dumps(out))


asyncio.run(main())
