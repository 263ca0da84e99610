"""Drives every operation of DiracX 0.7.0's AsyncDiracClient that maps to a route we serve.

Run by test/interop/diracx-client.test.ts with DiracX 0.7.0's client installed, against a live
server of ours. Reads:

- DIRACX_URL: the server;
- INTEROP_USER_CREDENTIALS, INTEROP_ADMIN_CREDENTIALS, INTEROP_PILOT_CREDENTIALS: credentials
  files (DiracX's format) of a normal user, a JobAdministrator and a GenericPilot of one VO;
- INTEROP_VO: that VO;
- INTEROP_WORKDIR: a scratch directory.

Prints one JSON object on stdout: for every step its outcome, {"ok": true, "value": ...} or
{"ok": false, "error": "<exception type>", "status": <HTTP status or null>, "message": ...}.
A step fails when the client raises, including when it cannot deserialize a response. The
script itself never asserts: the bun test does, on this output. Our own code, not DiracX's.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import traceback
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable

from azure.core import MatchConditions
from diracx.api.jobs import create_sandbox, download_sandbox
from diracx.client import models
from diracx.client.aio import AsyncDiracClient
from diracx.core.preferences import DiracxPreferences

results: dict[str, dict[str, Any]] = {}


def plain(value: Any) -> Any:
    """A JSON-friendly view of what the client returned (generated models as dicts)."""
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


async def step(name: str, call: Callable[[], Awaitable[Any]]) -> Any:
    """Runs one client call and records its outcome under `name`; returns its value or None."""
    try:
        value = await call()
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
        response = getattr(exc, "response", None)
        results[name] = {
            "ok": False,
            "error": type(exc).__name__,
            "status": getattr(response, "status_code", None),
            "message": str(exc)[:2000],
            "trace": traceback.format_exc(limit=3)[-2000:],
        }
        return None
    results[name] = {"ok": True, "value": plain(value)}
    return value


def client_for(credentials: str) -> AsyncDiracClient:
    prefs = DiracxPreferences(
        url=os.environ["DIRACX_URL"], credentials_path=Path(credentials)
    )
    return AsyncDiracClient(diracx_preferences=prefs)


def now() -> str:
    return datetime.now(tz=timezone.utc).isoformat()


async def well_known_and_auth(api: AsyncDiracClient) -> None:
    await step("well_known.get_openid_configuration", api.well_known.get_openid_configuration)
    await step("well_known.get_jwks", api.well_known.get_jwks)
    await step("well_known.get_installation_metadata", api.well_known.get_installation_metadata)
    await step("well_known.get_security_txt", api.well_known.get_security_txt)
    await step("auth.userinfo", api.auth.userinfo)
    await step("auth.get_refresh_tokens", api.auth.get_refresh_tokens)


async def config(api: AsyncDiracClient) -> None:
    seen: dict[str, str] = {}

    async def first() -> Any:
        def keep(pipeline_response: Any, deserialized: Any, _headers: Any) -> Any:
            headers = pipeline_response.http_response.headers
            seen["etag"] = headers.get("ETag", "")
            seen["last_modified"] = headers.get("Last-Modified", "")
            return deserialized

        data = await api.config.serve_config(cls=keep)
        return {"keys": sorted(data), "etag": seen["etag"], "last_modified": seen["last_modified"]}

    await step("config.serve_config", first)

    async def not_modified() -> Any:
        try:
            await api.config.serve_config(
                etag=seen.get("etag", ""), match_condition=MatchConditions.IfModified
            )
        except Exception as exc:  # the generated client maps 304 to ResourceNotModifiedError
            return {"raised": type(exc).__name__, "status": exc.response.status_code}  # type: ignore[attr-defined]
        return {"raised": None}

    await step("config.serve_config_if_none_match", not_modified)


async def jobs(user: AsyncDiracClient, admin: AsyncDiracClient, pilot: AsyncDiracClient, workdir: Path) -> None:
    simple = '[Executable = "echo"; Arguments = "hello"; JobName = "interop-simple";]'
    inserted = await step("jobs.submit_jdl_jobs", lambda: user.jobs.submit_jdl_jobs([simple]))
    parametric = '[Executable = "echo"; Arguments = "%s"; JobName = "interop-param"; Parameters = {"a", "b", "c"};]'
    await step("jobs.submit_jdl_jobs_parametric", lambda: user.jobs.submit_jdl_jobs([parametric]))
    if not inserted:
        return
    job_id: int = inserted[0].job_id
    job_ids = [job_id]

    spec = [{"parameter": "JobID", "operator": "in", "values": job_ids}]
    await step("jobs.search", lambda: user.jobs.search(parameters=["JobID", "Status", "JobName"], search=spec))
    await step("jobs.search_all_parameters", lambda: user.jobs.search(search=spec))
    await step("jobs.summary", lambda: user.jobs.summary(grouping=["Status"], search=spec))

    # Sandboxes, through DiracX's own helpers (upload by presigned POST, download by URL).
    payload = workdir / "payload.txt"
    payload.write_text("interop sandbox payload\n")
    pfn = await step("api.create_sandbox", lambda: create_sandbox([payload], client=user))
    if pfn:
        with_sandbox = f'[Executable = "cat"; Arguments = "payload.txt"; InputSandbox = {{"{pfn}"}};]'
        sb_jobs = await step("jobs.submit_jdl_jobs_with_sandbox", lambda: user.jobs.submit_jdl_jobs([with_sandbox]))
        destination = workdir / "downloaded"

        async def download() -> Any:
            await download_sandbox(pfn, destination, client=user)
            return (destination / "payload.txt").read_text()

        await step("api.download_sandbox", download)
        await step("jobs.get_sandbox_file", lambda: user.jobs.get_sandbox_file(pfn=pfn))
        if sb_jobs:
            sb_job = sb_jobs[0].job_id
            await step("jobs.get_job_sandboxes", lambda: user.jobs.get_job_sandboxes(sb_job))
            await step("jobs.get_job_sandbox_input", lambda: user.jobs.get_job_sandbox(sb_job, "input"))
            # The generated client sends `body` as is under `application/json`: the PFN must be
            # JSON-encoded by the caller (a bare PFN is malformed JSON, to DiracX 0.7.0 as to us).
            await step("jobs.assign_sandbox_to_job", lambda: user.jobs.assign_sandbox_to_job(sb_job, json.dumps(pfn)))
            await step("jobs.get_job_sandbox_output", lambda: user.jobs.get_job_sandbox(sb_job, "output"))
            await step("jobs.unassign_job_sandboxes", lambda: user.jobs.unassign_job_sandboxes(sb_job))
            await step("jobs.get_job_sandboxes_after_unassign", lambda: user.jobs.get_job_sandboxes(sb_job))
            await step(
                "jobs.unassign_bulk_jobs_sandboxes",
                lambda: user.jobs.unassign_bulk_jobs_sandboxes(
                    models.BodyJobsUnassignBulkJobsSandboxes(job_ids=[sb_job])
                ),
            )

    # Site is the one attribute DiracX 0.7.0 lets this route change; others are parameters.
    metadata = {job_id: {"Site": "LCG.CERN.ch", "HostName": "wn01"}}
    await step("jobs.patch_metadata", lambda: user.jobs.patch_metadata(metadata))
    await step(
        "jobs.search_after_patch",
        lambda: user.jobs.search(parameters=["JobID", "Site"], search=spec),
    )

    def status(value: str, minor: str) -> dict[str, dict[str, models.JobStatusUpdate]]:
        update = models.JobStatusUpdate(status=value, minor_status=minor, source="interop")
        return {str(job_id): {now(): update}}

    # The admin forces the job to Running (a pilot's job), the pilot beats for it.
    await step(
        "jobs.set_job_statuses_force",
        lambda: admin.jobs.set_job_statuses(status("Running", "Application"), force=True),
    )
    beat = {str(job_id): models.HeartbeatData(load_average=1.5, memory_used=10.0)}
    await step("jobs.add_heartbeat", lambda: pilot.jobs.add_heartbeat(beat))
    await step(
        "jobs.search_status_running",
        lambda: user.jobs.search(parameters=["JobID", "Status", "MinorStatus"], search=spec),
    )
    await step(
        "jobs.set_job_statuses_failed",
        lambda: pilot.jobs.set_job_statuses(status("Failed", "Application Finished With Errors")),
    )
    reschedule = models.BodyJobsRescheduleJobs(job_ids=job_ids)
    await step("jobs.reschedule_jobs", lambda: user.jobs.reschedule_jobs(reschedule))
    await step(
        "jobs.set_job_statuses_killed",
        lambda: user.jobs.set_job_statuses(status("Killed", "Marked for termination")),
    )
    await step(
        "jobs.set_job_statuses_deleted",
        lambda: user.jobs.set_job_statuses(status("Deleted", "Checking accounting")),
    )
    await step(
        "jobs.search_status_final",
        lambda: user.jobs.search(parameters=["JobID", "Status"], search=spec),
    )


async def pilots(user: AsyncDiracClient, pilot: AsyncDiracClient, vo: str) -> None:
    stamp = f"interop-{uuid.uuid4().hex[:12]}"
    await step("pilots.register_pilot", lambda: pilot.pilots.register_pilot(pilot_stamp=stamp, vo=vo))
    await step(
        "pilots.update_pilot_metadata",
        lambda: pilot.pilots.update_pilot_metadata(
            {stamp: models.PilotMetadata(status="Running", grid_site="LCG.CERN.ch")}
        ),
    )
    spec = [{"parameter": "PilotStamp", "operator": "eq", "value": stamp}]
    await step("pilots.search", lambda: user.pilots.search(search=spec))
    await step("pilots.summary", lambda: user.pilots.summary(grouping=["Status"], search=spec))


async def rss(user: AsyncDiracClient) -> None:
    # The generated models turn each status (a union of AllowedStatus and BannedStatus) into an
    # empty model, so the body as sent is recorded beside what the client deserialized.
    def both(pipeline_response: Any, deserialized: Any, _headers: Any) -> Any:
        return {"deserialized": plain(deserialized), "json": pipeline_response.http_response.json()}

    for kind in ("site", "compute", "storage", "fts"):
        operation = getattr(user.rss, f"get_{kind}_status")
        await step(f"rss.get_{kind}_status", lambda: operation(cls=both))

    # ETag then If-None-Match, as for the configuration.
    seen: dict[str, str] = {}

    async def with_etag() -> Any:
        def keep(pipeline_response: Any, deserialized: Any, _headers: Any) -> Any:
            seen["etag"] = pipeline_response.http_response.headers.get("ETag", "")
            return deserialized

        await user.rss.get_site_status(cls=keep)
        return {"etag": seen["etag"]}

    await step("rss.get_site_status_etag", with_etag)

    async def not_modified() -> Any:
        try:
            await user.rss.get_site_status(
                etag=seen.get("etag", ""), match_condition=MatchConditions.IfModified
            )
        except Exception as exc:  # the generated client maps 304 to ResourceNotModifiedError
            return {"raised": type(exc).__name__, "status": exc.response.status_code}  # type: ignore[attr-defined]
        return {"raised": None}

    await step("rss.get_site_status_if_none_match", not_modified)


async def main() -> None:
    workdir = Path(os.environ["INTEROP_WORKDIR"])
    vo = os.environ["INTEROP_VO"]
    async with (
        client_for(os.environ["INTEROP_USER_CREDENTIALS"]) as user,
        client_for(os.environ["INTEROP_ADMIN_CREDENTIALS"]) as admin,
        client_for(os.environ["INTEROP_PILOT_CREDENTIALS"]) as pilot,
    ):
        await well_known_and_auth(user)
        await config(user)
        await jobs(user, admin, pilot, workdir)
        await pilots(user, pilot, vo)
        await rss(user)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
