"""An agent with no person behind it, in Python: the official MCP Python SDK (`pip install mcp`)
logs in to a diracx-ts server by OAuth client credentials (its ClientCredentialsOAuthProvider
discovers our authorization server from the 401 challenge of /mcp, then asks for a token bound
to /mcp), lists the tools, submits a job, follows it and reads its status history, acting as the
service account the client is registered for. Prints one JSON report on stdout.

    DIRACX_MCP_URL=https://diracx.example.org/mcp DIRACX_CLIENT_ID=lhcb-monitor \
    DIRACX_CLIENT_SECRET=... DIRACX_ISSUER=https://diracx.example.org python3 agent.py

`tools_for_agent` turns the server's tools into plain (name, description, JSON schema, call)
records, the shape smolagents and LangGraph wrap (see README.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from mcp import ClientSession
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
from mcp.client.auth.oauth2 import TokenStorage
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken


class MemoryTokenStorage(TokenStorage):
    """Keeps the token in memory: an agent process logs in again when it restarts."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


@dataclass
class AgentTool:
    """One MCP tool as agent frameworks describe tools."""

    name: str
    description: str
    input_schema: dict[str, Any]
    call: Callable[..., Awaitable[dict[str, Any]]]


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"agent: set {name}")
    return value


async def call(session: ClientSession, name: str, **arguments: Any) -> dict[str, Any]:
    """Calls a tool and returns its structured result; a tool error stops the agent."""
    result = await session.call_tool(name, arguments)
    if result.is_error:
        raise RuntimeError(f"{name} failed: {result.content}")
    return result.structured_content or {}


async def tools_for_agent(session: ClientSession) -> list[AgentTool]:
    listed = await session.list_tools()

    def bind(tool_name: str) -> Callable[..., Awaitable[dict[str, Any]]]:
        return lambda **arguments: call(session, tool_name, **arguments)

    return [AgentTool(t.name, t.description or "", t.input_schema, bind(t.name)) for t in listed.tools]


async def main() -> None:
    mcp_url = required("DIRACX_MCP_URL")
    auth = ClientCredentialsOAuthProvider(
        server_url=mcp_url,
        storage=MemoryTokenStorage(),
        client_id=required("DIRACX_CLIENT_ID"),
        client_secret=required("DIRACX_CLIENT_SECRET"),
        issuer=os.environ.get("DIRACX_ISSUER"),
    )
    async with create_mcp_http_client(auth=auth) as http, streamable_http_client(mcp_url, http_client=http) as (read, write, *_):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name: t for t in await tools_for_agent(session)}
            me = await tools["whoami"].call()
            submitted = await tools["submit_job"].call(executable="echo", arguments="hello from python", job_name="python-agent-example")
            job_id = submitted["job_ids"][0]
            job = await tools["get_job"].call(job_id=job_id)
            history = await tools["get_job_status_history"].call(job_id=job_id)
            print(
                json.dumps(
                    {
                        "acting_as": {"user": me["preferred_username"], "vo": me["vo"], "group": me["group"], "client_id": me["client_id"]},
                        "tools": len(tools),
                        "job_id": job_id,
                        "status": job["data"]["Status"],
                        "history": [h["Status"] for h in history["history"]],
                    }
                )
            )


def root_cause(err: BaseException) -> BaseException:
    """The first leaf of the task groups the SDK's transport wraps errors in."""
    while isinstance(err, BaseExceptionGroup) and err.exceptions:
        err = err.exceptions[0]
    return err


if __name__ == "__main__":
    # The SDK logs failed logins with a traceback; the agent reports them in one line below.
    logging.getLogger("mcp").setLevel(logging.CRITICAL)
    try:
        asyncio.run(main())
    except Exception as err:  # one line a person or a supervisor can act on
        cause = root_cause(err)
        print(f"agent: {type(cause).__name__}: {cause}", file=sys.stderr)
        sys.exit(1)
