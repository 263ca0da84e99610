"""DiracX 0.7.0's own SandboxMetadataDB on a MySQL URL, for test/db/mysql/sandboxes.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's
SandboxMetadataDB in one transaction and prints the result as JSON: "upload" (user, pfn, se_name,
size: insert_owner if needed, then insert_sandbox), "assign" (job_ids, pfn, sb_type, se_name),
"assigned" (job_id, sb_type: the PFNs), "unassign" (job_ids), "is_assigned" (pfn, se_name).
"""

import asyncio
import json
import sys

from diracx.core.models import SandboxType, UserInfo
from diracx.db.sql import SandboxMetadataDB


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = SandboxMetadataDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            op = request["op"]
            if op == "upload":
                user = UserInfo(**request["user"])
                owner_id = await db.get_owner_id(user) or await db.insert_owner(user)
                await db.insert_sandbox(owner_id, request["se_name"], request["pfn"], request["size"])
            elif op == "assign":
                await db.assign_sandbox_to_jobs(
                    request["job_ids"], request["pfn"], SandboxType(request["sb_type"]), request["se_name"]
                )
            elif op == "assigned":
                out = list(
                    await db.get_sandbox_assigned_to_job(request["job_id"], SandboxType(request["sb_type"]))
                )
            elif op == "unassign":
                await db.unassign_sandboxes_to_jobs(request["job_ids"])
            elif op == "is_assigned":
                out = await db.sandbox_is_assigned(request["pfn"], request["se_name"])
    print(json.dumps(out))


asyncio.run(main())
