"""The OpenAPI 3.1 document (DESIGN.md, "Documentation"): valid, generated from every route of the app, the
same from the CLI as over HTTP (its page, /api/v1/docs, is tests/test_apidocs.py)."""

from __future__ import annotations

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
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from ayni.app import create_app
from ayni.config import Settings
from ayni.openapi import build_openapi
from ayni.paging import CURSOR_PATTERN
from ayni.problems import FIELD_ERROR_CODES
from ayni.resources import CurrentUser, TokenUser
from ayni.routing import Access, ApiRoute

DOC_ROUTES = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/{name}"}
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


def test_every_operation_lists_what_it_goes_through(document: dict[str, Any]) -> None:
    """Issue 10, finding 8: a malformed Authorization header is a 400 on every signed-in route; a dependency
    down is a 503 wherever one is used; a query can be a 422."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if operation["x-access"] == "user":
                assert {"400", "401", "503"} <= set(responses), f"{method} {path}"
                assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in responses, f"{method} {path}"
            if "429" in responses:
                assert responses["429"]["headers"]["Retry-After"]["required"] is True
    assert "503" not in document["paths"]["/health"]["get"]["responses"]  # touches nothing


def test_the_health_report_is_the_body_of_its_503(document: dict[str, Any]) -> None:
    content = document["paths"]["/api/v1/health"]["get"]["responses"]["503"]["content"]
    assert content["application/json"]["schema"]["$ref"].endswith("/HealthReport")


def test_field_errors_are_documented_with_their_codes(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["Problem"]["properties"]["errors"]["items"]["$ref"].endswith("/FieldError")
    item = schemas["FieldError"]
    assert set(item["required"]) == {"field", "message", "code"}
    assert set(item["properties"]["code"]["enum"]) == FIELD_ERROR_CODES
    assert item["properties"]["limit"]["type"] == "number"
    assert "code" in document["info"]["description"]


def test_query_parameters_are_never_null(document: dict[str, Any]) -> None:
    """A query parameter is text or absent; `X | None` in its model must not document a JSON null."""
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                assert "anyOf" not in parameter["schema"], parameter
                assert parameter["schema"].get("default", "absent") is not None, parameter


def test_the_rules_of_fields_are_in_the_document(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    register = schemas["RegisterRequest"]["properties"]
    assert register["email"]["format"] == "email"
    assert (register["password"]["minLength"], register["password"]["maxLength"]) == (8, 128)
    assert "pattern" in schemas["UpdateMeRequest"]["properties"]["full_name"]
    [cursor] = [p for p in document["paths"]["/api/v1/jobs"]["get"]["parameters"] if p["name"] == "cursor"]
    assert cursor["schema"]["pattern"] == CURSOR_PATTERN


def test_a_405_lists_every_method_of_its_path(client: httpx.Client) -> None:
    """Issue 10, finding 8: GET and PATCH /auth/me are two routes; a DELETE named only the first's methods."""
    for method in ("DELETE", "PUT", "POST"):
        response = client.request(method, "/api/v1/auth/me")
        assert response.status_code == 405
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["allow"] == "GET, HEAD, PATCH"
        assert "GET, HEAD, PATCH" in response.json()["detail"]
    assert client.delete("/api/v1/jobs/ping").headers["allow"] == "POST"


def test_links_lead_to_operations_that_exist(document: dict[str, Any]) -> None:
    """A ping's answer links to its job (schemathesis follows it: the job must be there)."""
    operations = {op["operationId"]: op for ops in document["paths"].values() for op in ops.values()}
    links = document["paths"]["/api/v1/jobs/ping"]["post"]["responses"]["202"]["links"]
    assert links["GetJob"]["parameters"] == {"job_id": "$response.body#/id"}
    for ops in document["paths"].values():
        for op in ops.values():
            for answer in op["responses"].values():
                for link in answer.get("links", {}).values():
                    target = operations[link["operationId"]]
                    names = {p["name"] for p in target.get("parameters", [])}
                    assert set(link["parameters"]) <= names


def test_a_token_route_is_documented_as_a_user_route() -> None:
    """Where the session is checked (before the handler, or in its statement) is the server's business: to a
    client an Access.TOKEN route is signed in like any other, its operation the same as a USER route's."""

    async def by_user(request: Request, user: CurrentUser) -> Response:
        """The locations."""
        return Response()

    async def by_token(request: Request, user: TokenUser) -> Response:
        """The locations."""
        return Response()

    def operation(access: Access, handler: Any) -> dict[str, Any]:
        route = ApiRoute("/api/v1/x", handler, methods=["GET"], access=access, summary="x", errors=[404])
        document = build_openapi([route], "Ayni", "1")
        answer: dict[str, Any] = document["paths"]["/api/v1/x"]["get"]
        return {k: v for k, v in answer.items() if k != "operationId"}

    as_token = operation(Access.TOKEN, by_token)
    assert as_token == operation(Access.USER, by_user)
    assert (as_token["x-access"], as_token["security"]) == ("user", [{"bearer": []}])
    assert {"400", "401", "404"} <= set(as_token["responses"])
