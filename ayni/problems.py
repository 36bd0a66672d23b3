"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal, get_args

from starlette.requests import Request
from starlette.responses import JSONResponse

from ayni.context import current_request_id

PROBLEM_BASE = "https://ayni.app/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
# RFC 9110's names where Python's differ before 3.13: the title is part of the contract and must not
# change with the interpreter.
_RFC_9110_PHRASES = {413: "Content Too Large", 416: "Range Not Satisfiable", 422: "Unprocessable Content"}


def status_phrase(status: int) -> str:
    return _RFC_9110_PHRASES.get(status) or HTTPStatus(status).phrase


# What is wrong with one field, for programs (the web app words it in the user's language); `message` says the
# same in English for people reading the API directly.
FieldErrorCode = Literal[
    "required",  # the field is missing
    "not-allowed",  # a field the body or query does not have
    "invalid-type",  # the wrong JSON type (a string for a number, a number for true/false, ...)
    "too-short",  # text shorter than `limit` characters
    "too-long",  # text longer than `limit` characters
    "too-small",  # a number below `limit`
    "too-large",  # a number above `limit`
    "invalid-email",
    "invalid-value",  # not one of the allowed values, a forbidden character, anything else
    "password-too-short",
    "password-too-long",
    "password-is-email",
    "password-is-email-name",
    "password-too-common",
    "password-incorrect",  # the current password given to change it is not the account's
    "invalid-rut",  # not a Chilean RUT (the form, or the check digit): the message shows 12.345.678-5
]
FIELD_ERROR_CODES: frozenset[str] = frozenset(get_args(FieldErrorCode))


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    code: FieldErrorCode
    limit: int | float | None = None

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"field": self.field, "message": self.message, "code": self.code}
        if self.limit is not None:
            item["limit"] = self.limit
        return item


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
        "title": title or status_phrase(status),
        "status": status,
        "detail": detail,
        "instance": current_request_id(),
    }
    if errors:
        body["errors"] = [e.as_json() for e in errors]
    return body


def problem_response(problem: Problem) -> ProblemResponse:
    body = problem_body(problem.status, problem.slug, problem.detail, problem.title, problem.errors)
    return ProblemResponse(body, status_code=problem.status, headers=dict(problem.headers))


async def handle_problem(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc)


def unavailable(detail: str) -> Problem:
    return Problem(503, "service-unavailable", detail, headers={"Retry-After": "5"})
