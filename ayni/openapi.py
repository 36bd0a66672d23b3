"""The OpenAPI 3.1 document, generated from the app's ApiRoutes (never kept by hand), and a page to read it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute

from ayni.routing import Access, ApiRoute

REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-z]+))?}")


class _ProblemField(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[_ProblemField] | None = None


def _operation_id(route: ApiRoute, method: str) -> str:
    return f"{method.lower()}_{route.name}"


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
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": prop})
        components.update(query_schema.get("$defs", {}))
    return parameters


def _problem_responses(statuses: Iterable[int]) -> dict[str, Any]:
    return {
        str(status): {
            "description": HTTPStatus(status).phrase,
            "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}},
        }
        for status in statuses
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
            statuses = {*route.error_statuses, 500}
            if route.body_model is not None:
                statuses |= {400, 413, 415, 422}
            if route.access is Access.USER:
                statuses.add(401)
            success: dict[str, Any] = {"description": HTTPStatus(route.status_code).phrase}
            if route.response_model is not None:
                success["content"] = {
                    "application/json": {"schema": {"$ref": REF.format(model=route.response_model.__name__)}}
                }
            if route.response_headers:
                success["headers"] = {h: {"schema": {"type": "string"}} for h in route.response_headers}
            operation: dict[str, Any] = {
                "operationId": _operation_id(route, method),
                "summary": route.summary,
                "tags": list(route.tags),
                "responses": {str(route.status_code): success, **_problem_responses(sorted(statuses))},
                "x-access": route.access.value,
            }
            if route.endpoint.__doc__:
                operation["description"] = route.endpoint.__doc__.strip()
            parameters = _parameters(route, components)
            if parameters:
                operation["parameters"] = parameters
            if route.body_model is not None:
                operation["requestBody"] = {
                    "required": route.body_required,
                    "content": {"application/json": {"schema": {"$ref": REF.format(model=route.body_model.__name__)}}},
                }
            if route.access is Access.USER:
                operation["security"] = [{"bearer": []}]
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


async def openapi_endpoint(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


_DOCS_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}"
    "h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2rem}"
    "code,pre{font-family:ui-monospace,monospace;background:#f6f8fa;border-radius:4px}"
    "pre{padding:.75rem;overflow:auto}.op{margin:1.25rem 0}.m{font-weight:700;text-transform:uppercase;"
    "display:inline-block;min-width:4.5rem}.lock{color:#9a6700}"
)


def render_docs(document: dict[str, Any]) -> str:
    """A plain HTML rendering of the OpenAPI document: no scripts, nothing fetched from elsewhere."""
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width,initial-scale=1'>",
        f"<title>{html.escape(document['info']['title'])}</title><link rel=stylesheet href=docs.css>",
        f"<h1>{html.escape(document['info']['title'])}</h1>",
        "<p>Machine-readable: <a href=openapi.json><code>openapi.json</code></a> (OpenAPI 3.1). "
        "Errors are RFC 9457 <code>application/problem+json</code>. "
        "<span class=lock>&#128274;</span> marks routes that need <code>Authorization: Bearer</code>.</p>",
    ]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            by_tag.setdefault((op.get("tags") or ["general"])[0], []).append((path, method, op))
    for tag, operations in sorted(by_tag.items()):
        parts.append(f"<h2>{html.escape(tag)}</h2>")
        for path, method, op in operations:
            lock = " <span class=lock>&#128274;</span>" if op.get("security") else ""
            parts.append(
                f"<div class=op><span class=m>{method}</span><code>{html.escape(path)}</code>{lock}"
                f"<div>{html.escape(op.get('summary', ''))}</div>"
            )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                parts.append(f"<div>Body: <code>{html.escape(body['$ref'].rsplit('/', 1)[1])}</code></div>")
            codes = ", ".join(sorted(op["responses"]))
            parts.append(f"<div>Responses: {html.escape(codes)}</div></div>")
    parts.append("<h2>Schemas</h2>")
    for name, schema in sorted(document["components"]["schemas"].items()):
        parts.append(f"<h3 id='{html.escape(name)}'>{html.escape(name)}</h3>")
        parts.append(f"<pre>{html.escape(json.dumps(schema, indent=2))}</pre>")
    return "".join(parts)


async def docs_endpoint(request: Request) -> Response:
    return HTMLResponse(
        request.app.state.docs_html,
        headers={"content-security-policy": "default-src 'none'; style-src 'self'; frame-ancestors 'none'"},
    )


async def docs_css_endpoint(request: Request) -> Response:
    return Response(_DOCS_STYLE, media_type="text/css")
