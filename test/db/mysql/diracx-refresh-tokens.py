"""DiracX 0.7.0's own AuthDB refresh tokens on a MySQL URL, for test/db/mysql/refresh-tokens.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's AuthDB
in one transaction and prints the result as JSON: insert (jti, sub, scope), get (jti: the row, or
{"error": "TokenNotFoundError"}), revoke (jti), revoke_user (sub), list (sub: its non-revoked rows).
"""

import asyncio
import json
import sys

from diracx.core.exceptions import TokenNotFoundError
from diracx.db.sql import AuthDB


def row(r: dict) -> dict:
    # DiracX's rows are keyed by column name (JTI, Status, Scope, Sub).
    status = r["Status"]
    return {
        "jti": str(r["JTI"]),
        "status": getattr(status, "name", status),
        "scope": r["Scope"],
        "sub": r["Sub"],
    }


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = AuthDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            op = request["op"]
            if op == "insert":
                await db.insert_refresh_token(request["jti"], request["sub"], request["scope"])
            elif op == "get":
                try:
                    out = row(await db.get_refresh_token(request["jti"]))
                except TokenNotFoundError:
                    out = {"error": "TokenNotFoundError"}
            elif op == "revoke":
                await db.revoke_refresh_token(request["jti"])
            elif op == "revoke_user":
                await db.revoke_user_refresh_tokens(request["sub"])
            elif op == "list":
                out = [row(r) for r in await db.get_user_refresh_tokens(request["sub"])]
    print(json.dumps(out))


asyncio.run(main())
