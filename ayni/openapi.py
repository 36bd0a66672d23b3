"""The OpenAPI 3.1 document, generated from the app's ApiRoutes (never kept by hand).

The document is the contract: every status an operation can answer is listed with its body, so a client (and
schemathesis, in tests/test_contract.py) can hold the API to it."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any, get_args

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema, models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from ayni.apidocs import BEARER, SIGNING_IN
from ayni.problems import FieldErrorCode, status_phrase
from ayni.routing import Access, ApiRoute

REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-z]+))?}")

DESCRIPTION = """\
Every error is an RFC 9457 `application/problem+json` body: `type` (a URL ending in a slug that names the
problem, e.g. `.../problems/validation-error`), `title`, `status`, `detail` (in English, for people) and
`instance` (the request id, also in the `X-Request-ID` header). A 422 adds `errors`, one item per invalid
field: `field`, `message` (English), `code` (for programs; the list is in the `FieldError` schema) and, for
length and size rules, `limit`. Bodies are JSON in UTF-8 and are read strictly: a string is never taken for a
number, nor a number for true/false. Query parameters are text and are read as the type they document."""


def _optional(schema: dict[str, Any]) -> None:
    """A field that is left out when it has no value (never sent as null): no default in the schema."""
    schema.pop("default", None)


class FieldError(BaseModel):
    """One invalid field of a 422."""

    field: str = Field(description="The field's name; nested fields are joined with dots.")
    message: str = Field(description="What is wrong, in English.")
    code: FieldErrorCode = Field(
        description="What is wrong, for programs: `required`, `not-allowed` (a field the request does not "
        "have), `invalid-type` (the wrong JSON type), `too-short` / `too-long` (text length, see `limit`), "
        "`too-small` / `too-large` (numbers, see `limit`), `invalid-email`, `invalid-value` (anything else "
        "about the value), `password-too-short` / `password-too-long` (see `limit`), `password-is-email`, "
        "`password-is-email-name`, `password-too-common`, `password-incorrect` (the current password is not "
        "the account's), `invalid-rut` (not a Chilean RUT; the message shows the form 12.345.678-5)."
    )
    limit: float | SkipJsonSchema[None] = Field(
        None, description="The bound that was crossed, for the length and size codes.", json_schema_extra=_optional
    )


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | SkipJsonSchema[None] = Field(
        None, description="Only in 422 answers.", json_schema_extra=_optional
    )


assert set(get_args(FieldErrorCode)) == set(FieldError.model_json_schema()["properties"]["code"]["enum"]), (
    "every field error code is documented"
)

# Headers some problem answers always carry (RFC 6750 for 401, RFC 9110 for 429) or may carry (503).
_PROBLEM_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "required": True,
            "description": "`Bearer error=...` (RFC 6750).",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "required": True,
            "description": "Seconds until a new attempt can succeed.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
    503: {
        "Retry-After": {
            "required": False,
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def _operation_id(route: ApiRoute, method: str) -> str:
    return f"{method.lower()}_{route.name}"


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is text or absent, never JSON null: `X | None` documents as X."""
    branches = [b for b in schema.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
    return {**branches[0], **rest}


def _parameters(route: ApiRoute, components: dict[str, Any]) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name, convertor in _PATH_PARAM.findall(route.path):
        schema = {"type": "string", "format": "uuid"} if convertor == "uuid" else {"type": "string"}
        if convertor == "int":
            schema = {"type": "integer"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if route.query_model is not None:
        query_schema: dict[str, Any] = route.query_model.model_json_schema(ref_template=REF)
        required = query_schema.get("required", [])
        for name, prop in query_schema.get("properties", {}).items():
            parameter = {"name": name, "in": "query", "required": name in required, "schema": _without_null(prop)}
            if "description" in parameter["schema"]:
                parameter["description"] = parameter["schema"]["description"]
            parameters.append(parameter)
        components.update(query_schema.get("$defs", {}))
    return parameters


def documented_access(access: Access) -> str:
    """Who may call, as a client sees it: a TOKEN route is a USER route to its callers (the same token, the same
    400s and 401s); where the session is checked is the server's business."""
    return Access.USER.value if access.signed_in else access.value


def error_statuses(route: ApiRoute) -> set[int]:
    """Every error status the route can answer: its own, and those of what it goes through."""
    statuses = {*route.error_statuses, 431, 500}  # 431: headers over 32 KiB (ayni.header_limit)
    if route.uses_services:
        statuses.add(503)  # PostgreSQL or Redis unreachable
    if route.access.signed_in:
        statuses |= {400, 401}  # a malformed Authorization header; no valid token
    if route.body_model is not None:
        statuses |= {400, 413, 415, 422}  # not JSON; too large; not declared JSON; invalid fields
    if route.file_media_types:
        statuses |= {413, 415}  # too large; not one of the file types
    if route.query_model is not None:
        statuses.add(422)
    return statuses


def _problem_response(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": status_phrase(status),
        "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}},
    }
    if status in _PROBLEM_HEADERS:
        answer["headers"] = _PROBLEM_HEADERS[status]
    return answer


def _responses(route: ApiRoute) -> dict[str, Any]:
    responses = {str(status): _problem_response(status) for status in sorted(error_statuses(route))}
    for status in (route.status_code, *route.response_statuses):
        answer: dict[str, Any] = {"description": status_phrase(status)}
        content = dict(responses.get(str(status), {}).get("content", {}))
        if route.response_model is not None:
            content["application/json"] = {"schema": {"$ref": REF.format(model=route.response_model.__name__)}}
        if route.answer_media_type is not None and status == route.status_code:
            content[route.answer_media_type] = {"schema": {"type": "string"}}
        if content:
            answer["content"] = content
        if route.links and status == route.status_code:
            answer["links"] = copy.deepcopy(
                route.links
            )  # the document's own: a reader that adds to it (a fuzzer) changes no route
        if route.response_headers and status == route.status_code:
            answer["headers"] = {h: {"required": True, "schema": {"type": "string"}} for h in route.response_headers}
        if route.conditional and status == route.status_code:
            answer["headers"] = {**answer.get("headers", {}), **copy.deepcopy(_VALIDATOR)}
        responses[str(status)] = answer
    if route.conditional:
        responses["304"] = {"description": status_phrase(304), "headers": copy.deepcopy(_VALIDATOR)}
    return dict(sorted(responses.items()))


_VALIDATOR = {
    "ETag": {
        "required": True,
        "description": "Changes when the answer may: send it back as `If-None-Match` to get 304 while it has not.",
        "schema": {"type": "string"},
    }
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of an earlier answer: 304 without a body while the answer is still the same.",
    "schema": {"type": "string"},
}


def build_openapi(routes: Iterable[BaseRoute], title: str, version: str) -> dict[str, Any]:
    api_routes = [r for r in routes if isinstance(r, ApiRoute)]
    models: set[type[BaseModel]] = {Problem}
    for route in api_routes:
        models.update(m for m in (route.body_model, route.response_model) if m is not None)
    ordered = sorted(models, key=lambda m: m.__name__)
    _, schema = models_json_schema([(m, "validation") for m in ordered], ref_template=REF)
    components: dict[str, Any] = dict(schema.get("$defs", {}))

    paths: dict[str, dict[str, Any]] = {}
    for route in api_routes:
        path = _PATH_PARAM.sub(r"{\1}", route.path)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            operation: dict[str, Any] = {
                "operationId": _operation_id(route, method),
                "summary": route.summary,
                "tags": list(route.tags),
                "responses": _responses(route),
                "x-access": documented_access(route.access),
            }
            if route.endpoint.__doc__:
                operation["description"] = route.endpoint.__doc__.strip()
            parameters = _parameters(route, components)
            if route.conditional:
                parameters.append(copy.deepcopy(_IF_NONE_MATCH))
            if parameters:
                operation["parameters"] = parameters
            if route.body_model is not None:
                operation["requestBody"] = {
                    "required": route.body_required,
                    "content": {"application/json": {"schema": {"$ref": REF.format(model=route.body_model.__name__)}}},
                }
            if route.file_media_types:
                binary = {"schema": {"type": "string", "format": "binary"}}
                operation["requestBody"] = {
                    "required": True,
                    "content": dict.fromkeys(route.file_media_types, binary),
                }
            if route.access.signed_in:
                operation["security"] = [{"bearer": []}]
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": version, "description": f"{DESCRIPTION}\n\n{SIGNING_IN}"},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": BEARER}
            },
        },
    }


async def openapi_endpoint(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)
