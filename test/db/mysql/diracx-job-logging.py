"""DiracX 0.7.0's own JobLoggingDB on a MySQL URL, for test/db/mysql/job-logging.test.ts.

Takes one JSON request as its argument: {"url": ..., "op": "insert", "records": [...]} inserts records
with DiracX's insert_records; {"url": ..., "op": "get", "job_ids": [...]} prints DiracX's
get_records as JSON (job id -> list of JobStatusReturn by alias).
"""

import asyncio
import json
import sys
from datetime import datetime

from diracx.core.models import JobLoggingRecord
from diracx.db.sql import JobLoggingDB


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = JobLoggingDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            if request["op"] == "insert":
                await db.insert_records(
                    [
                        JobLoggingRecord(
                            job_id=r["job_id"],
                            status=r["status"],
                            minor_status=r["minor_status"],
                            application_status=r["application_status"],
                            date=datetime.fromisoformat(r["date"]),
                            source=r["source"],
                        )
                        for r in request["records"]
                    ]
                )
            else:
                records = await db.get_records(request["job_ids"])
                out = {
                    str(job_id): [r.model_dump(mode="json", by_alias=True) for r in history]
                    for job_id, history in records.items()
                }
    print(json.dumps(out))


asyncio.run(main())
