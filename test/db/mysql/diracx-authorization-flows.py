"""DiracX 0.7.0's own AuthDB authorization-code flows on a MySQL URL, for
test/db/mysql/authorization-flows.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's AuthDB
in one transaction and prints the result as JSON: "start" (client_id, scope, code_challenge,
redirect_uri: insert_authorization_flow's uuid), "login" (uuid, id_token:
authorization_flow_insert_id_token, [code, redirect_uri]), "redeem" (code:
get_authorization_flow as {status, scope, id_token, redirect_uri}).
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
                out = await db.insert_authorization_flow(
                    request["client_id"], request["scope"], request["code_challenge"], "S256", request["redirect_uri"]
                )
            elif op == "login":
                out = list(await db.authorization_flow_insert_id_token(request["uuid"], request["id_token"], MAX_VALIDITY))
            elif op == "redeem":
                row = await db.get_authorization_flow(request["code"], MAX_VALIDITY)
                status = row["Status"]
                out = {
                    "status": getattr(status, "name", status),
                    "scope": row["Scope"],
                    "id_token": row["IDToken"],
                    "redirect_uri": row["RedirectURI"],
                }
    print(json.dumps(out, default=str))


asyncio.run(main())
