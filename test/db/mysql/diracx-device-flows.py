"""DiracX 0.7.0's own AuthDB device flows on a MySQL URL, for test/db/mysql/device-flows.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's AuthDB
in one transaction and prints the result as JSON: "start" (client_id, scope: insert_device_flow,
[user_code, device_code]), "validate" (user_code: device_flow_validate_user_code's scope),
"ready" (user_code, id_token: device_flow_insert_id_token), "poll" (device_code: get_device_flow
as {status, client_id, scope, id_token}).
"""

import asyncio
import json
import sys

from diracx.db.sql import AuthDB

MAX_VALIDITY = 600


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = AuthDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            op = request["op"]
            if op == "start":
                out = list(await db.insert_device_flow(request["client_id"], request["scope"]))
            elif op == "validate":
                out = await db.device_flow_validate_user_code(request["user_code"], MAX_VALIDITY)
            elif op == "ready":
                await db.device_flow_insert_id_token(request["user_code"], request["id_token"], MAX_VALIDITY)
            elif op == "poll":
                row = await db.get_device_flow(request["device_code"])
                status = row["Status"]
                out = {
                    "status": getattr(status, "name", status),
                    "client_id": row["ClientID"],
                    "scope": row["Scope"],
                    "id_token": row["IDToken"],
                }
    print(json.dumps(out))


asyncio.run(main())
