"""A standalone MCP server built the way dirac-agentic's `dirac-mcp` is: FastMCP (Python) whose
`search_jobs` tool opens a new `AsyncDiracClient` (the DiracX Python client, from PyPI) for
every call and calls our REST API with it (`POST /api/jobs/search`), then returns
dirac-agentic's result shape (`success`, `data`, `content_range`, `pagination`,
`search_specs`) as a dict, which FastMCP sends as structured content plus its JSON text.

Written for the benchmark from dirac-agentic's documented behaviour (not its code). Like
dirac-agentic it acts with one credential file (DIRACX_CREDENTIALS_PATH, the benchmark user's
token) at DIRACX_URL. Unlike dirac-agentic's default (stateful sessions, SSE), it runs
FastMCP stateless with JSON responses, the cheapest streamable-HTTP mode FastMCP has, so that
one POST per call works under wrk. Listens on 127.0.0.1:PORT and prints
`{"msg":"listening","port":N}` once the socket accepts connections.

    DIRACX_URL=http://127.0.0.1:8000 DIRACX_CREDENTIALS_PATH=creds.json PORT=8081 \
        python bench/dirac_agentic_peer.py
"""

import asyncio
import json
import os
import re
import socket
import sys

import uvicorn
from diracx.client.aio import AsyncDiracClient
from fastmcp import FastMCP

DEFAULT_FIELDS = ["JobID", "Status", "MinorStatus", "ApplicationStatus", "JobGroup", "Site", "JobName", "Owner", "LastUpdateTime"]

mcp = FastMCP("dirac-agentic-peer")


def _spec(condition: dict) -> dict:
    spec = {"parameter": condition["parameter"], "operator": condition["operator"]}
    if condition.get("values") is not None:
        spec["values"] = condition["values"]
    else:
        spec["value"] = condition.get("value")
    return spec


def _pagination(content_range: str | None) -> dict:
    match = re.search(r"(\d+)-(\d+)/(\d+)", content_range or "")
    if not match:
        return {"raw": content_range}
    start, end, total = (int(x) for x in match.groups())
    return {"start": start, "end": end, "total": total, "has_more": end < total - 1}


@mcp.tool(annotations={"readOnlyHint": True, "openWorldHint": True})
async def search_jobs(
    parameter: str,
    operator: str,
    value: str | None = None,
    values: list[str] | None = None,
    extra_conditions: str | None = None,
    result_fields: list[str] | None = None,
    page: int = 1,
    per_page: int = 10,
    sort_by: str | None = None,
    sort_direction: str = "asc",
) -> dict:
    """Search jobs with one condition and optional extra_conditions (JSON array string)."""
    search = [_spec({"parameter": parameter, "operator": operator, "value": value, "values": values})]
    try:
        search += [_spec(c) for c in json.loads(extra_conditions or "[]")]
        sort = [{"parameter": sort_by, "direction": sort_direction}] if sort_by else []
        # dirac-agentic opens a new client for every tool call.
        async with AsyncDiracClient() as client:
            data, headers = await client.jobs.search(
                parameters=result_fields or DEFAULT_FIELDS,
                search=search,
                sort=sort,
                page=page,
                per_page=per_page,
                cls=lambda response, body, response_headers: (body, response_headers),
            )
        content_range = headers.get("Content-Range")
        return {"success": True, "data": data, "content_range": content_range, "pagination": _pagination(content_range), "search_specs": search}
    except Exception as err:  # dirac-agentic reports every failure in-band
        return {"success": False, "error": str(err), "search_specs": search}


def main() -> None:
    port = int(os.environ.get("PORT", "0"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    app = mcp.http_app(path="/mcp", stateless_http=True, json_response=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.05)
        print(json.dumps({"msg": "listening", "port": sock.getsockname()[1]}, separators=(",", ":")), flush=True)
        await task

    asyncio.run(serve())
    sys.exit(0)


if __name__ == "__main__":
    main()
