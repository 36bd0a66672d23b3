"""Declarative API routes: each route names who may call it and the models of its body and answer.

One definition, two uses: the same pydantic models validate request bodies here and describe them in the
OpenAPI document (`ayni.openapi`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ayni.problems import FieldError, Problem

Endpoint = Callable[[Request], Awaitable[Response]]
Model = TypeVar("Model", bound=BaseModel)


class Access(Enum):
    """Who may call a route. Every route under /api/v1 says so explicitly (a test walks them all)."""

    PUBLIC = "public"
    USER = "user"


Authenticator = Callable[[Request], Awaitable[object]]


class ApiRoute(Route):
    def __init__(
        self,
        path: str,
        endpoint: Endpoint,
        *,
        methods: Sequence[str],
        access: Access,
        summary: str,
        body: type[BaseModel] | None = None,
        body_required: bool = True,
        response: type[BaseModel] | None = None,
        status_code: int = 200,
        errors: Sequence[int] = (),
        tags: Sequence[str] = (),
        query: type[BaseModel] | None = None,
        response_headers: Sequence[str] = (),
    ) -> None:
        self.access = access
        self.summary = summary
        self.body_model = body
        # An optional body may be left out entirely (request.state.body is then None): browsers send the
        # refresh cookie and no body to /auth/refresh and /auth/logout.
        self.body_required = body_required
        self.query_model = query
        self.response_model = response
        self.status_code = status_code
        self.error_statuses = tuple(errors)
        self.tags = tuple(tags)
        self.response_headers = tuple(response_headers)
        super().__init__(path, self._wrap(endpoint), methods=list(methods), name=endpoint.__name__)

    def _wrap(self, endpoint: Endpoint) -> Endpoint:
        async def run(request: Request) -> Response:
            if self.access is Access.USER:
                authenticate: Authenticator = request.app.state.authenticate
                request.state.user = await authenticate(request)
            if self.query_model is not None:
                request.state.query = validate(self.query_model, dict(request.query_params), "query")
            if self.body_model is not None:
                if self.body_required or (await request.body()).strip():
                    request.state.body = validate(self.body_model, await read_json(request), "body")
                else:
                    request.state.body = None
            return await endpoint(request)

        run.__name__ = endpoint.__name__
        run.__doc__ = endpoint.__doc__
        return run


async def read_json(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if not raw:
        raise Problem(400, "malformed-body", "The request needs a JSON body.")
    media_type = content_type.split(";")[0].strip().lower()
    # Only JSON media types: a cross-site form can send text/plain or form bodies without a preflight.
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise Problem(415, "unsupported-media-type", "Send the body as application/json (Content-Type header).")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "malformed-body", f"The body is not valid JSON: {exc}.") from None
    except RecursionError:
        raise Problem(400, "malformed-body", "The body's JSON is nested too deeply.") from None


def validate(model: type[Model], data: Any, location: str) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(
                ".".join(str(p) for p in err["loc"]) or location,
                _message(err),
            )
            for err in exc.errors(include_url=False, include_input=False)
        ]
        raise Problem(422, "validation-error", f"The {location} has invalid fields.", errors=errors) from None


def _message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "This field is not allowed."
    if err["type"] == "missing":
        return "This field is required."
    message: str = err["msg"]
    return message


def body_of(request: Request, model: type[Model]) -> Model:
    body = request.state.body
    assert isinstance(body, model)
    return body


def query_of(request: Request, model: type[Model]) -> Model:
    query = request.state.query
    assert isinstance(query, model)
    return query


def json_response(model: BaseModel, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(model.model_dump_json(), status_code=status_code, headers=headers, media_type="application/json")
