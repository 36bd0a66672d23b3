"""`/api/v1/jobs`: the ping job, one job, and the signed-in user's jobs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ayni.jobs.queue import enqueue
from ayni.jobs.states import Status
from ayni.jobs.views import JobPage, JobRecord, fetch_job, list_jobs
from ayni.problems import Problem
from ayni.resources import CurrentUser, resources
from ayni.routing import Access, ApiRoute, WholeNumber, json_response


class PingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sleep_ms: WholeNumber = Field(0, ge=0, le=10_000, description="How long the ping actor sleeps.")
    fail: bool = Field(False, description="Make every attempt fail (to see retries, then `failed`).")


# A cursor names the last job of a page: its creation time in microseconds since 1970 (UTC) and its id. Every
# string of this form is a cursor (17 digits reach past the year 5000, inside what datetime holds), so the
# document states the whole rule and nothing that passes it can overflow.
CURSOR_PATTERN = r"^[0-9]{1,17}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class JobListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(
        None,
        description="`next_cursor` of the previous page; any other text is a 400 `invalid-cursor`.",
        json_schema_extra={"pattern": CURSOR_PATTERN},
    )


def encode_cursor(job: JobRecord) -> str:
    return f"{(job.created_at - _EPOCH) // timedelta(microseconds=1)}_{job.id}"


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The (created_at, id) a cursor names; a 400 for any text that is not a cursor."""
    if not _CURSOR.fullmatch(cursor):
        raise Problem(400, "invalid-cursor", "The cursor is not one this API gave out.")
    micros, job_id = cursor.split("_")
    return _EPOCH + timedelta(microseconds=int(micros)), UUID(job_id)


async def ping(request: Request, body: PingRequest, user: CurrentUser) -> Response:
    """A real round trip through Redis, the worker and the database."""
    job = await enqueue(resources(request), "ping", body.model_dump(), user_id=user.id)
    return json_response(job, 202, headers={"Location": f"/api/v1/jobs/{job.id}"})


async def get_job(request: Request, user: CurrentUser) -> Response:
    """One of the signed-in user's jobs; another user's job is 404."""
    job_id: UUID = request.path_params["job_id"]
    job = await fetch_job(resources(request).db, job_id, user.id)
    if job is None:
        raise Problem(404, "not-found", f"No job {job_id}.")
    return json_response(job)


async def get_jobs(request: Request, query: JobListQuery, user: CurrentUser) -> Response:
    """The signed-in user's jobs, newest first."""
    before = decode_cursor(query.cursor) if query.cursor is not None else None
    jobs = await list_jobs(resources(request).db, user.id, status=query.status, limit=query.limit + 1, before=before)
    page = jobs[: query.limit]
    next_cursor = encode_cursor(page[-1]) if len(jobs) > query.limit else None
    return json_response(JobPage(items=page, next_cursor=next_cursor))


def _routes() -> list[Any]:
    return [
        ApiRoute(
            "/api/v1/jobs/ping",
            ping,
            methods=["POST"],
            access=Access.USER,
            summary="Enqueue a ping job",
            response=JobRecord,
            status_code=202,
            errors=[429, 503],
            tags=["jobs"],
            response_headers=["Location"],
            links={"GetJob": {"operationId": "get_get_job", "parameters": {"job_id": "$response.body#/id"}}},
        ),
        ApiRoute(
            "/api/v1/jobs/{job_id:uuid}",
            get_job,
            methods=["GET"],
            access=Access.USER,
            summary="One job",
            response=JobRecord,
            errors=[404],
            tags=["jobs"],
        ),
        ApiRoute(
            "/api/v1/jobs",
            get_jobs,
            methods=["GET"],
            access=Access.USER,
            summary="Your jobs, newest first",
            response=JobPage,
            errors=[400, 422],
            tags=["jobs"],
        ),
    ]


routes = _routes()
