"""`/api/v1/jobs`: the ping job, one job, and the signed-in user's jobs."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from ayni.jobs.queue import enqueue
from ayni.jobs.schemas import JobListQuery, JobPage, JobRecord, PingRequest
from ayni.jobs.store import fetch_job, list_jobs
from ayni.paging import decode_cursor, encode_cursor
from ayni.problems import Problem
from ayni.resources import CurrentUser, resources
from ayni.routing import Access, RouteGroup, json_response


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
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(jobs) > query.limit else None
    return json_response(JobPage(items=page, next_cursor=next_cursor))


_JOBS = RouteGroup("/api/v1/jobs", tags=("jobs",))
_NEXT = {"GetJob": {"operationId": "get_get_job", "parameters": {"job_id": "$response.body#/id"}}}

routes = [
    _JOBS.post(
        "/ping",
        ping,
        Access.USER,
        "Enqueue a ping job",
        response=JobRecord,
        status_code=202,
        errors=[429, 503],
        response_headers=["Location"],
        links=_NEXT,
    ),
    _JOBS.get("/{job_id:uuid}", get_job, Access.USER, "One job", response=JobRecord, errors=[404]),
    _JOBS.get("", get_jobs, Access.USER, "Your jobs, newest first", response=JobPage, errors=[400, 422]),
]
