"""DiracX 0.7.0's own PilotAgentsDB on a MySQL URL, for test/db/mysql/pilots.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's
PilotAgentsDB in one transaction and prints the result as JSON: "register" (stamps, vo:
register_pilots), "assign" (mapping: [{"PilotID", "JobID", "StartTime"}]: assign_jobs_to_pilot),
"jobs" (stamps: get_job_ids_for_stamps, sorted).
"""

import asyncio
import json
import sys
from datetime import datetime

from diracx.db.sql import PilotAgentsDB


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = PilotAgentsDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            op = request["op"]
            if op == "register":
                await db.register_pilots(request["stamps"], request["vo"])
            elif op == "assign":
                mapping = [
                    {**m, "StartTime": datetime.fromisoformat(m["StartTime"])} for m in request["mapping"]
                ]
                await db.assign_jobs_to_pilot(mapping)
            elif op == "jobs":
                out = sorted(await db.get_job_ids_for_stamps(request["stamps"]))
    print(json.dumps(out))


asyncio.run(main())
