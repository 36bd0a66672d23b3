"""Every route under /api/v1 says who may call it; every signed-in route (USER or TOKEN) refuses an anonymous
call."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from ayni.app import all_routes
from ayni.routing import Access, ApiRoute

UNDECLARED_ALLOWED = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/{name}"}


def walk(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, BaseRoute]]:
    found: list[tuple[str, BaseRoute]] = []
    for route in routes:
        if isinstance(route, Mount):
            found += walk(list(route.routes), prefix + route.path)
        else:
            found.append((prefix + getattr(route, "path", ""), route))
    return found


def test_every_api_route_declares_its_access() -> None:
    offenders = [
        path
        for path, route in walk(all_routes())
        if path.startswith("/api/v1")
        and path not in UNDECLARED_ALLOWED
        and not (isinstance(route, ApiRoute) and isinstance(route.access, Access))
    ]
    assert offenders == []


def test_the_walk_catches_an_undeclared_route() -> None:
    async def sneaky(request: object) -> None: ...

    routes = [*all_routes(), Route("/api/v1/sneaky", sneaky)]
    assert [p for p, r in walk(routes) if p.startswith("/api/v1") and not isinstance(r, ApiRoute)] == [
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/api/v1/docs/{name}",
        "/api/v1/sneaky",
    ]


SIGNED_IN_ROUTES = [
    (method, path)
    for path, route in walk(all_routes())
    if isinstance(route, ApiRoute) and route.access.signed_in
    for method in sorted((route.methods or set()) - {"HEAD"})
]


def test_the_auth_routes_have_the_expected_access() -> None:
    access = {
        (m, r.path): r.access
        for _, r in walk(all_routes())
        if isinstance(r, ApiRoute) and r.path.startswith("/api/v1/auth")
        for m in (r.methods or set()) - {"HEAD"}
    }
    user = {
        ("POST", "/api/v1/auth/logout-all"),
        ("GET", "/api/v1/auth/me"),
        ("PATCH", "/api/v1/auth/me"),
        ("POST", "/api/v1/auth/password"),
    }
    assert {k for k, v in access.items() if v is Access.USER} == user
    assert len(access) == 12


def test_the_signed_in_routes_are_the_user_and_token_routes() -> None:
    accesses = {r.access for p, r in walk(all_routes()) if isinstance(r, ApiRoute) and (r.methods or set()) - {"HEAD"}}
    assert accesses == set(Access)
    assert {a for a in Access if a.signed_in} == {Access.USER, Access.TOKEN}


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_ROUTES)
def test_every_signed_in_route_refuses_anonymous_calls(client: httpx.Client, method: str, path: str) -> None:
    concrete = re.sub(r"\{\w+(:uuid)?\}", "00000000-0000-0000-0000-000000000000", path)
    response = client.request(method, concrete, json={})
    assert response.status_code == 401, (method, path, response.text)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
