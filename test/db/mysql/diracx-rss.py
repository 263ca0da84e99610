"""DiracX 0.7.0's own ResourceStatusDB on a MySQL URL, for test/db/mysql/rss.test.ts.

Takes one JSON request as its argument, {"url": ..., "op": ..., ...}, runs it with DiracX's
ResourceStatusDB in one transaction and prints the result as JSON: "insert_site" and
"insert_resource" (DiracX's insert_*_status with the request's fields), "sites" (get_site_statuses
as [name, status, reason, vo]), "resources" (status_types, element_type: get_resource_statuses as
{vo: {name: {status_type: [status, reason]}}}), "site_date" (get_site_status_date).
"""

import asyncio
import json
import sys
from datetime import datetime

from diracx.db.sql import ResourceStatusDB


async def main() -> None:
    request = json.loads(sys.argv[1])
    db = ResourceStatusDB(request["url"])
    out = None
    async with db.engine_context():
        async with db:
            op = request["op"]
            fields = dict(request.get("fields", {}))
            if "date_effective" in fields:
                fields["date_effective"] = datetime.fromisoformat(fields["date_effective"])
            if op == "insert_site":
                await db.insert_site_status(**fields)
            elif op == "insert_resource":
                await db.insert_resource_status(**fields)
            elif op == "sites":
                out = sorted(list(row) for row in await db.get_site_statuses())
            elif op == "resources":
                statuses = await db.get_resource_statuses(request["status_types"], request["element_type"])
                out = {
                    vo: {
                        name: {st: [row.Status, row.Reason] for st, row in by_type.items()}
                        for name, by_type in by_name.items()
                    }
                    for vo, by_name in statuses.items()
                }
            elif op == "site_date":
                date, count = await db.get_site_status_date()
                out = [date.isoformat() if date else None, count]
    print(json.dumps(out))


asyncio.run(main())
