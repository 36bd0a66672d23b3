"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ayni.context import current_request_id

PROBLEM_BASE = "https://ayni.app/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class Problem(Exception):
    """Raise anywhere under a route: becomes a problem+json response with `status`."""

    status: int
    slug: str
    detail: str
    title: str | None = None
    errors: Sequence[FieldError] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.detail)


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_body(
    status: int, slug: str, detail: str, title: str | None = None, errors: Sequence[FieldError] = ()
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": current_request_id(),
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return body


def problem_response(problem: Problem) -> ProblemResponse:
    body = problem_body(problem.status, problem.slug, problem.detail, problem.title, problem.errors)
    return ProblemResponse(body, status_code=problem.status, headers=dict(problem.headers))


async def handle_problem(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc)


def unavailable(detail: str) -> Problem:
    return Problem(503, "service-unavailable", detail, headers={"Retry-After": "5"})
