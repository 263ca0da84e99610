"""Token refresh and revocation as DiracX 0.7.0's client does them, against a live server of ours.

Run by test/interop/diracx-client.test.ts with DIRACX_URL and DIRACX_CREDENTIALS_PATH (a
credentials file saved by `dirac login`). Prints one JSON object: for each step
{"ok": true, "value": ...} or {"ok": false, "error": ..., "message": ...}.

- refresh: the saved access token is marked as expiring now, so the client refreshes it with
  the refresh token on its next call; the call succeeds and the file holds a new refresh token.
- revoke: the current refresh token is revoked by its jti (DELETE /api/auth/refresh-tokens/{jti});
  the next forced refresh is then refused (the client raises).
Our own code, not DiracX's.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import jwt
from diracx.client.aio import AsyncDiracClient

CREDENTIALS = Path(os.environ["DIRACX_CREDENTIALS_PATH"])
results: dict[str, dict[str, Any]] = {}


def saved() -> dict[str, Any]:
    return json.loads(CREDENTIALS.read_text())


def expire_access_token() -> None:
    credentials = saved()
    credentials["expires_on"] = int(time.time())
    CREDENTIALS.write_text(json.dumps(credentials))


async def refresh() -> Any:
    before = saved()["refresh_token"]
    expire_access_token()
    async with AsyncDiracClient() as api:
        info = await api.auth.userinfo()
    after = saved()["refresh_token"]
    return {"rotated": before != after, "user": info.preferred_username}


async def revoke() -> Any:
    refresh_token = saved()["refresh_token"]
    jti = jwt.decode(refresh_token, options={"verify_signature": False})["jti"]
    async with AsyncDiracClient() as api:
        listed = await api.auth.get_refresh_tokens()
        # Entries are DiracX's RefreshTokens rows: JTI, Status, Scope, Sub.
        if jti not in {token["JTI"] for token in listed}:
            raise AssertionError(f"{jti} is not among the listed refresh tokens")
        answer = await api.auth.revoke_refresh_token_by_jti(jti)
    expire_access_token()
    try:
        async with AsyncDiracClient() as api:
            await api.auth.userinfo()
    except RuntimeError as exc:
        refresh_after = "refused" if "refreshing your access token" in str(exc) else f"raised {exc}"
    else:
        refresh_after = "accepted"
    return {"revoked": answer, "refreshAfter": refresh_after}


async def main() -> None:
    for name, call in (("refresh", refresh), ("revoke", revoke)):
        try:
            results[name] = {"ok": True, "value": await call()}
        except Exception as exc:  # noqa: BLE001 - reported, the test asserts
            results[name] = {"ok": False, "error": type(exc).__name__, "message": str(exc)[:2000]}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
