"""The OpenAPI 3.1 document (DESIGN.md, "Documentation"): valid, generated from every route of the app, the
same from the CLI as over HTTP, and readable at /api/v1/docs."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from ayni.app import create_app
from ayni.config import Settings
from ayni.routing import Access, ApiRoute

DOC_ROUTES = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs.css"}
ROOT = Path(__file__).resolve().parent.parent


def walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def openapi_path(path: str) -> str:
    return re.sub(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?}", r"{\1}", path)


@pytest.fixture
def app(app_settings: Settings) -> Starlette:
    return create_app(app_settings)


@pytest.fixture
def document(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema


def test_every_api_route_is_documented_with_its_methods(app: Starlette, document: dict[str, Any]) -> None:
    api_routes = [(path, route) for path, route in walk(app.routes) if isinstance(route, ApiRoute)]
    assert api_routes, "the app has API routes"
    for path, route in api_routes:
        documented = document["paths"].get(openapi_path(path))
        assert documented is not None, f"{path} is not in the OpenAPI document"
        for method in (route.methods or set()) - {"HEAD"}:
            assert method.lower() in documented, f"{method} {path} is not in the OpenAPI document"


def test_the_document_has_no_route_the_app_lacks(app: Starlette, document: dict[str, Any]) -> None:
    served: dict[str, set[str]] = {}
    for path, route in walk(app.routes):
        served.setdefault(openapi_path(path), set()).update(m.lower() for m in route.methods or ())
    for path, operations in document["paths"].items():
        assert path in served, f"{path} is documented but not served"
        for method in operations:
            assert method in served[path], f"{method} {path} is documented but not served"


def test_every_route_under_api_v1_is_an_api_route(app: Starlette) -> None:
    for path, route in walk(app.routes):
        if path.startswith("/api/v1") and path not in DOC_ROUTES:
            assert isinstance(route, ApiRoute), f"{path} is a plain route: it escapes the OpenAPI document"
            assert isinstance(route.access, Access)
    paths = {path for path, _ in walk(app.routes)}
    assert paths >= DOC_ROUTES
    assert all(p.startswith("/api/v1/") or p == "/health" or not p.startswith("/api") for p in paths)


def test_the_design_routes_are_there(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert "get" in paths["/health"]
    assert "get" in paths["/api/v1/health"]
    assert "503" in paths["/api/v1/health"]["get"]["responses"]


def test_operations_are_complete_and_unique(document: dict[str, Any]) -> None:
    operation_ids = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            operation_ids.append(operation["operationId"])
            assert operation["summary"], f"{method} {path} has no summary"
            assert operation["x-access"] in ("public", "user")
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), f"{method} {path}: no success answer"
            assert "500" in responses
            for code, answer in responses.items():
                if int(code) >= 400:
                    assert "application/problem+json" in answer["content"], f"{method} {path} {code}"
            if operation["x-access"] == "user":
                assert operation["security"] == [{"bearer": []}]
                assert "401" in responses
            if "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= set(responses)
            for name in re.findall(r"{(\w+)}", path):
                params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
                assert name in [p["name"] for p in params], f"{method} {path}: path parameter {name} undocumented"
    assert len(operation_ids) == len(set(operation_ids)), "operationId must be unique"


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    refs = set(_refs(document))
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schemas, f"{ref} does not resolve"


def test_request_bodies_come_from_the_validating_models(app: Starlette, document: dict[str, Any]) -> None:
    """One definition, two uses: the documented body schema is the model the route validates with."""
    for path, route in walk(app.routes):
        if not isinstance(route, ApiRoute) or route.body_model is None:
            continue
        for method in (route.methods or set()) - {"HEAD"}:
            operation = document["paths"][openapi_path(path)][method.lower()]
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            name = ref.rsplit("/", 1)[1]
            assert name == route.body_model.__name__
            documented = document["components"]["schemas"][name]
            expected = route.body_model.model_json_schema(ref_template="#/components/schemas/{model}")
            assert set(documented.get("properties", {})) == set(expected.get("properties", {}))
            assert set(documented.get("required", [])) == set(expected.get("required", []))


def test_the_problem_schema_matches_design(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem["properties"])


def test_head_works_on_the_document(client: httpx.Client) -> None:
    response = client.head("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.content == b""


def test_the_docs_page_lists_every_operation(client: httpx.Client, document: dict[str, Any]) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<script" not in page.lower()
    for path, operations in document["paths"].items():
        assert f"<code>{html.escape(path)}</code>" in page, f"{path} missing from the docs page"
        for method in operations:
            assert f">{method}<" in page
    for name in document["components"]["schemas"]:
        assert html.escape(name) in page
    css = client.get("/api/v1/docs.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "style-src 'self'" in response.headers["content-security-policy"]


def test_the_cli_prints_the_served_document(document: dict[str, Any]) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "POSTGRES_"))}
    environment.pop("PROJECT_NAME", None)
    result = subprocess.run(
        [sys.executable, "-m", "ayni", "openapi"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == document


def test_the_project_name_titles_the_document(make_settings: Any) -> None:
    app = create_app(make_settings(PROJECT_NAME="Ayni Staging"))
    assert app.state.openapi["info"]["title"].startswith("Ayni Staging")
    validate(app.state.openapi)
