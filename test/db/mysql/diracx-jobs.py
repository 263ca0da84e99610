"""DiracX 0.7.0's own JobDB on a MySQL URL, for test/db/mysql/job-submission.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's JobDB in
one transaction and prints the result as JSON. "read" (job_ids): each job's JDL and original JDL
through get_job_jdls and DIRAC's extractJDL, and its attributes through JobDB.search. "submit"
(original_jdl, jdl, attributes): a job written as DiracX's submission writes one (create_job,
insert_job_attributes, update_job_jdls, with DIRAC's compressJDL); prints its id.
"commands_set" (commands: [[job_id, command, arguments], ...]): DiracX's set_job_commands.
"commands_get" (job_ids): DiracX's get_job_commands, as [[job_id, command, arguments], ...].
"""

import asyncio
import json
import sys
from datetime import datetime

from DIRACCommon.WorkloadManagementSystem.DB.JobDBUtils import compressJDL, extractJDL
from diracx.db.sql import JobDB


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = JobDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            if request["op"] == "read":
                ids = request["job_ids"]
                jdls = await db.get_job_jdls(ids)
                originals = await db.get_job_jdls(ids, original=True)
                _, rows = await db.search(
                    None, [{"parameter": "JobID", "operator": "in", "values": ids}], []
                )
                out = {
                    "jdl": {str(k): extractJDL(v) for k, v in jdls.items()},
                    "original": {str(k): extractJDL(v) for k, v in originals.items()},
                    "jobs": rows,
                }
            elif request["op"] == "commands_set":
                await db.set_job_commands([tuple(c) for c in request["commands"]])
            elif request["op"] == "commands_get":
                commands = await db.get_job_commands(request["job_ids"])
                out = [[c.job_id, c.command, c.arguments] for c in commands]
            else:
                job_id = await db.create_job(compressJDL(request["original_jdl"]))
                attributes = dict(request["attributes"])
                attributes["SubmissionTime"] = datetime.fromisoformat(attributes["SubmissionTime"])
                attributes["LastUpdateTime"] = attributes["SubmissionTime"]
                await db.insert_job_attributes({job_id: attributes})
                await db.update_job_jdls({job_id: compressJDL(request["jdl"])})
                out = job_id
    print(json.dumps(out, default=str))


asyncio.run(main())
