"""DiracX 0.7.0's own auth code, for the tests beside DiracX (test/interop/diracx-identity.test.ts,
diracx-keystore.test.ts, mixed-fleet.test.ts). Prints one JSON object.

- issue-refresh AUTHDB_URL SUB SCOPE: a refresh token as DiracX's `exchange_token` issues one
  (not a legacy exchange): its row inserted with DiracX's `insert_refresh_token` and `AuthDB`
  into the AuthDB of the running DiracX server (its `DIRACX_DB_URL_AUTHDB`: sqlite or MariaDB),
  its payload DiracX's `RefreshTokenPayload` (exp = the jti's uuid7 time + refresh_token_expire_minutes) signed with
  DiracX's `create_token` and the keystore of DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE.
- sign: an access token for chaen in lhcb_user as DiracX's `exchange_token` builds one, signed by
  DiracX's `create_token` with the keystore's signing key; prints the token.
- verify TOKEN: DiracX's own access-token check (`read_token` with the keystore, the allowed
  algorithms and the issuer); prints the claims, or {"error": ...}.
- write-credentials PATH: the TokenResponse JSON read on stdin written by DiracX's own
  `write_credentials`, as `dirac login` leaves it (~/.cache/diracx/credentials.json).

Settings come from the environment (DIRACX_SERVICE_AUTH_*), as for the DiracX server.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path

from diracx.core.models import AccessTokenPayload, RefreshTokenPayload, TokenResponse
from diracx.core.settings import AuthSettings
from diracx.core.utils import write_credentials
from diracx.db.sql import AuthDB
from diracx.db.sql.utils import uuid7_to_datetime
from diracx.logic.auth.token import create_token, insert_refresh_token
from diracx.logic.auth.utils import read_token
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry
from uuid_utils import uuid7


async def issue_refresh(authdb_url: str, sub: str, scope: str) -> dict[str, str]:
    settings = AuthSettings()
    db = AuthDB(authdb_url)
    async with db.engine_context():
        async with db:
            jti = await insert_refresh_token(auth_db=db, subject=sub, scope=scope)
    exp = uuid7_to_datetime(jti) + timedelta(minutes=settings.refresh_token_expire_minutes)
    payload = RefreshTokenPayload(jti=str(jti), exp=exp, legacy_exchange=False, dirac_policies={})
    return {"refresh_token": create_token(payload, settings), "jti": str(jti)}


def sign() -> dict[str, str]:
    settings = AuthSettings()
    jti = uuid7()
    payload = AccessTokenPayload(
        sub="lhcb:b824d4dc-1f9d-4ee8-8df5-c0ae55d46041",
        vo="lhcb",
        iss=settings.token_issuer,
        dirac_properties=["NormalUser", "PrivateLimitedDelegation"],
        jti=str(jti),
        preferred_username="chaen",
        dirac_group="lhcb_user",
        exp=uuid7_to_datetime(jti) + timedelta(minutes=settings.access_token_expire_minutes),
        dirac_policies={},
    )
    return {"token": create_token(payload, settings)}


def verify(token: str) -> dict:
    settings = AuthSettings()
    registry = JWTClaimsRegistry(iss={"essential": True, "value": settings.token_issuer})
    try:
        return dict(read_token(token, settings.token_keystore.jwks, settings.token_allowed_algorithms, registry))
    except JoseError as e:
        return {"error": repr(e)}


def main() -> dict:
    command, *args = sys.argv[1:]
    if command == "issue-refresh":
        return asyncio.run(issue_refresh(*args))
    if command == "sign":
        return sign()
    if command == "verify":
        return verify(args[0])
    if command == "write-credentials":
        write_credentials(TokenResponse(**json.load(sys.stdin)), location=Path(args[0]))
        return {"written": args[0]}
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    print(json.dumps(main()))
