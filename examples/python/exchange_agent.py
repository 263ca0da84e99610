"""An agent started with a person's DiracX credentials: it reads the DiracX CLI's credentials file
(`dirac login` writes `~/.cache/diracx/credentials.json`; `DIRACX_CREDENTIALS_PATH` names another,
as for the DiracX client), exchanges its access token (RFC 8693) at our token endpoint for one
bound to /mcp, then calls tools with the official MCP Python SDK as that person. No browser, no
client registration. Prints one JSON report on stdout.

    DIRACX_MCP_URL=https://diracx.example.org/mcp DIRACX_ISSUER=https://diracx.example.org \
    python3 exchange_agent.py

The exchanged token lives no longer than the DiracX access token (20 minutes by default) and comes
without a refresh token: exchange again once the DiracX client has refreshed its credentials.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"exchange_agent: set {name}")
    return value


def diracx_access_token() -> str:
    """The access token of the DiracX CLI's credentials file."""
    default = Path.home() / ".cache" / "diracx" / "credentials.json"
    path = Path(os.environ.get("DIRACX_CREDENTIALS_PATH", default))
    return json.loads(path.read_text())["access_token"]


async def exchange(issuer: str, mcp_url: str, subject_token: str) -> str:
    """A token for `mcp_url` in exchange for a DiracX access token."""
    async with create_mcp_http_client() as http:
        res = await http.post(
            f"{issuer}/api/auth/token",
            data={
                "grant_type": TOKEN_EXCHANGE,
                "subject_token": subject_token,
                "subject_token_type": ACCESS_TOKEN,
                "resource": mcp_url,
            },
        )
    if res.status_code != 200:
        raise RuntimeError(f"token exchange refused ({res.status_code}): {res.text}")
    return res.json()["access_token"]


async def main() -> dict[str, Any]:
    mcp_url = required("DIRACX_MCP_URL")
    token = await exchange(required("DIRACX_ISSUER"), mcp_url, diracx_access_token())
    headers = {"Authorization": f"Bearer {token}"}
    async with create_mcp_http_client(headers=headers) as http, streamable_http_client(
        mcp_url, http_client=http
    ) as (read, write, *_):
        async with ClientSession(read, write) as session:
            await session.initialize()
            whoami = await session.call_tool("whoami", {})
            if whoami.is_error:
                raise RuntimeError(f"whoami failed: {whoami.content}")
            me = whoami.structured_content or {}
            keys = ("preferred_username", "vo", "group", "properties", "client_id")
            return {"acting_as": {k: me.get(k) for k in keys}, "tools": len((await session.list_tools()).tools)}


if __name__ == "__main__":
    try:
        print(json.dumps(asyncio.run(main())))
    except Exception as exc:  # one line on stderr, exit 1: the caller reads the reason
        print(f"exchange_agent: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
