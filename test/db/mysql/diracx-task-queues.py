"""DiracX 0.7.0's own TaskQueueDB on a MySQL URL, for test/db/mysql/task-queue.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's
TaskQueueDB in one transaction and prints the result as JSON: "infos" (job_ids:
get_tq_infos_for_jobs as sorted [tq_id, owner, group, vo] lists), "remove" (job_ids: remove_jobs).
"""

import asyncio
import json
import sys

from diracx.db.sql import TaskQueueDB


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = TaskQueueDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            if request["op"] == "infos":
                out = sorted(list(info) for info in await db.get_tq_infos_for_jobs(request["job_ids"]))
            else:
                await db.remove_jobs(request["job_ids"])
    print(json.dumps(out))


asyncio.run(main())
