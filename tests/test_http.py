"""The HTTP contract of DESIGN.md over real HTTP: problem+json errors, request ids, security headers, CORS,
gzip, 500/503 without internals, body limits and body validation."""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import signal
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ayni import migrations
from ayni.app import create_app
from ayni.config import Settings, load_settings
from ayni.embedded import EmbeddedPostgres, EmbeddedRedis, free_port
from ayni.middleware import RequestIds, accept_request_id
from ayni.resources import resources
from ayni.routing import Access, ApiRoute, json_response
from tests.conftest import make_env
from tests.servers import LiveServer, start_postgres, start_redis

PROBLEM = "application/problem+json"
SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
FRONTEND = "http://localhost:5173"
BODY_LIMIT = 2048


def check_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """RFC 9457 as DESIGN.md fixes it; `instance` is the request id of this very response."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["type"].startswith("https://ayni.app/problems/")
    assert re.fullmatch(r"https://ayni\.app/problems/[a-z0-9-]+", body["type"])
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["instance"] == response.headers["x-request-id"]
    return body


def check_security_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "x-request-id" in response.headers


def no_internals(response: httpx.Response, *words: str) -> None:
    for word in ("Traceback", 'File "', "line ", *words):
        assert word not in response.text


# --- a test app: the real app plus routes that fail on purpose -----------------------------------------------


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=20)
    count: int = Field(ge=0, le=10)
    note: str | None = None


async def echo(request: Request, body: Item) -> Response:
    return json_response(body)


async def explode(request: Request) -> Response:
    raise RuntimeError("secret internals: password=hunter2")


async def refused_connection(request: Request) -> Response:
    raise ConnectionRefusedError("connect to 10.0.0.7:5432 refused")


async def query_database(request: Request) -> Response:
    value = await resources(request).db.fetch_val("SELECT 41 + 1")
    return json_response(Item(name="db", count=min(int(value), 10)))


async def ping_redis(request: Request) -> Response:
    await resources(request).redis.ping()
    return json_response(Item(name="redis", count=1))


TEST_ROUTES = [
    ApiRoute("/api/v1/test/items", echo, methods=["POST"], access=Access.PUBLIC, summary="echo", response=Item),
    Route("/api/v1/test/explode", explode, methods=["GET"]),
    Route("/api/v1/test/refused", refused_connection, methods=["GET"]),
    Route("/api/v1/test/db", query_database, methods=["GET"]),
    Route("/api/v1/test/redis", ping_redis, methods=["GET"]),
]


def test_app(settings: Settings) -> Starlette:
    app = create_app(settings)
    app.router.routes.extend(TEST_ROUTES)
    return app


test_app.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def serve(clean_state: None) -> Iterator[Callable[[Settings], httpx.Client]]:
    """serve(settings) -> a client of the test app on those settings, over real HTTP."""
    opened: list[tuple[LiveServer, httpx.Client]] = []

    def start(settings: Settings) -> httpx.Client:
        server = LiveServer(test_app(settings)).__enter__()
        http = httpx.Client(base_url=server.url, timeout=10)
        opened.append((server, http))
        return http

    yield start
    for server, http in opened:
        http.close()
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def api(database_url: str, redis_url: str) -> Iterator[httpx.Client]:
    """One test app for the tests that change no state (module-wide: a server per test costs seconds)."""
    settings = load_settings(make_env(database_url, redis_url, MAX_REQUEST_BODY_BYTES=str(BODY_LIMIT)))
    with LiveServer(test_app(settings)) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


# --- 404, 405 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/nowhere", "/api/v1/nowhere", "/api/v2/health", "/api/v1/health/extra"])
def test_404_is_a_problem(api: httpx.Client, path: str) -> None:
    body = check_problem(api.get(path), 404)
    assert body["type"].endswith("/not-found")


def test_405_is_a_problem_with_allow(api: httpx.Client) -> None:
    response = api.delete("/api/v1/health")
    body = check_problem(response, 405)
    assert body["type"].endswith("/method-not-allowed")
    assert "GET" in response.headers["allow"]
    check_security_headers(response)


# --- X-Request-ID ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rid", ["abc-123", "req_01HF.x:y", "a" * 128, "550e8400-e29b-41d4-a716-446655440000"])
def test_a_sane_request_id_is_echoed(api: httpx.Client, rid: str) -> None:
    ok = api.get("/api/v1/health", headers={"X-Request-ID": rid})
    assert ok.headers["x-request-id"] == rid
    missing = api.get("/missing", headers={"X-Request-ID": rid})
    assert missing.headers["x-request-id"] == rid
    assert check_problem(missing, 404)["instance"] == rid


@pytest.mark.parametrize(
    "rid", ["a" * 10 * 1024, "a" * 129, "abc\tdef", "abc def", "<script>", 'id"quoted"', "ümlaut", "../../etc"]
)
def test_an_insane_request_id_is_replaced(api: httpx.Client, rid: str) -> None:
    response = api.get("/missing", headers={"X-Request-ID": rid.encode()})
    replaced = response.headers["x-request-id"]
    assert replaced != rid
    assert SANE_ID.match(replaced)
    assert check_problem(response, 404)["instance"] == replaced


def _raw_get(port: int, header_value: bytes) -> tuple[int, dict[str, str]]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Request-ID: "
            + header_value
            + b"\r\n\r\n"
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}
    return status, headers


@pytest.mark.parametrize("raw", [b"abc\x01def", b"abc\x7fdef", b"abc\x1b[31mred", b"abc\xffdef", b"a" * 10240])
def test_a_request_id_with_control_characters_never_comes_back(live_app: LiveServer, raw: bytes) -> None:
    """Sent byte for byte (clients refuse to send these): either the HTTP server refuses the request or the app
    replaces the id; it is never echoed."""
    status, headers = _raw_get(live_app.port, raw)
    if status == 400 and "x-request-id" not in headers:
        return  # refused by the HTTP parser before the app
    assert headers["x-request-id"].encode("latin-1") != raw
    assert SANE_ID.match(headers["x-request-id"])


def test_every_response_gets_a_fresh_request_id(api: httpx.Client) -> None:
    ids = {api.get("/health").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(SANE_ID.match(i) for i in ids)


@given(st.text(max_size=300) | st.none())
def test_accept_request_id_always_gives_a_sane_id(candidate: str | None) -> None:
    result = accept_request_id(candidate, RequestIds().new)
    assert SANE_ID.match(result)
    if candidate is not None and SANE_ID.fullmatch(candidate):
        assert result == candidate
    else:
        assert result != candidate


# --- security headers, HSTS -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/health"),
        ("GET", "/health"),
        ("GET", "/x"),
        ("PUT", "/api/v1/health"),
        ("GET", "/api/v1/openapi.json"),
    ],
)
def test_security_headers_on_api_responses(api: httpx.Client, method: str, path: str) -> None:
    response = api.request(method, path)
    check_security_headers(response)
    assert "strict-transport-security" not in response.headers


def test_hsts_only_in_production(
    serve: Callable[[Settings], httpx.Client], make_settings: Callable[..., Settings]
) -> None:
    for environment in ("local", "staging"):
        env: dict[str, str] = {"ENVIRONMENT": environment, "JWT_SECRET": secrets.token_urlsafe(64)}
        local = serve(make_settings(**env))
        assert "strict-transport-security" not in local.get("/api/v1/health").headers
    production = serve(make_settings(ENVIRONMENT="production", JWT_SECRET=secrets.token_urlsafe(64)))
    for path in ("/api/v1/health", "/health", "/nowhere"):
        response = production.get(path)
        hsts = response.headers["strict-transport-security"]
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))  # type: ignore[union-attr]
        assert max_age >= 31_536_000
        check_security_headers(response)


# --- CORS -----------------------------------------------------------------------------------------------------


def test_cors_allows_the_frontend_with_credentials(api: httpx.Client) -> None:
    response = api.get("/api/v1/health", headers={"Origin": FRONTEND})
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert "origin" in response.headers["vary"].lower()


def test_cors_allows_the_extra_origins(
    serve: Callable[[Settings], httpx.Client], make_settings: Callable[..., Settings]
) -> None:
    http = serve(make_settings(BACKEND_CORS_ORIGINS="https://admin.example.com,https://ops.example.com"))
    for origin in ("https://admin.example.com", "https://ops.example.com", FRONTEND):
        response = http.get("/health", headers={"Origin": origin})
        assert response.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-origin" not in http.get("/health", headers={"Origin": "https://x.example"}).headers


def test_cors_preflight_works(api: httpx.Client) -> None:
    response = api.options(
        "/api/v1/jobs/ping",
        headers={
            "Origin": FRONTEND,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "x-request-id"):
        assert header in allowed_headers


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:5174", "null", "http://localhost"])
def test_another_origin_is_not_allowed(api: httpx.Client, origin: str) -> None:
    simple = api.get("/api/v1/health", headers={"Origin": origin})
    assert "access-control-allow-origin" not in simple.headers
    preflight = api.options("/api/v1/health", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:5174"])
def test_another_origin_gets_no_cors_headers_at_all(api: httpx.Client, origin: str) -> None:
    """Issue 2: "any other origin gets no CORS headers" — not even Allow-Credentials or Expose-Headers."""
    simple = api.get("/api/v1/health", headers={"Origin": origin})
    preflight = api.options("/api/v1/health", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    for response in (simple, preflight):
        leaked = sorted(h for h in response.headers if h.lower().startswith("access-control-"))
        assert leaked == [], f"{response.request.method}: {leaked}"


def test_a_refused_preflight_is_a_problem(api: httpx.Client) -> None:
    """DESIGN.md: every error is problem+json."""
    response = api.options(
        "/api/v1/health", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    if response.status_code >= 400:
        check_problem(response, response.status_code)


def _vary(response: httpx.Response) -> list[str]:
    return [v.strip().lower() for v in response.headers.get("vary", "").split(",")]


@pytest.mark.parametrize("origin", [FRONTEND, "https://evil.example"])
@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("GET", "/api/v1/health", {}),
        ("GET", "/api/v1/nowhere", {}),
        ("POST", "/api/v1/test/items", {"Content-Type": "application/json"}),
        ("OPTIONS", "/api/v1/health", {"Access-Control-Request-Method": "GET"}),
        ("OPTIONS", "/api/v1/health", {"Access-Control-Request-Method": "TRACE"}),
    ],
)
def test_every_answer_to_an_origin_varies_on_it(
    api: httpx.Client, origin: str, method: str, path: str, extra: dict[str, str]
) -> None:
    """Issue 10: a cache must not hand one origin's answer (or refusal) to another."""
    response = api.request(method, path, headers={"Origin": origin, **extra}, content=b"{}" if extra else None)
    assert _vary(response).count("origin") == 1, response.headers


def test_vary_origin_is_added_to_an_existing_vary(api: httpx.Client) -> None:
    """A gzipped answer already varies on Accept-Encoding; Origin is appended, not substituted."""
    for origin in (FRONTEND, "https://evil.example"):
        response = api.get("/api/v1/openapi.json", headers={"Origin": origin, "Accept-Encoding": "gzip"})
        assert response.headers.get("content-encoding") == "gzip"
        assert "accept-encoding" in _vary(response)
        assert _vary(response).count("origin") == 1


def _preflight(api: httpx.Client, origin: str, method: str, headers: str | None = None) -> dict[str, Any]:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        request_headers["Access-Control-Request-Headers"] = headers
    response = api.options("/api/v1/health", headers=request_headers)
    return check_problem(response, response.status_code)


def test_a_refused_preflight_names_what_was_refused(api: httpx.Client) -> None:
    only_headers = _preflight(api, FRONTEND, "GET", "x-evil, content-type")["detail"]
    assert "headers x-evil are not allowed" in only_headers
    assert "x-request-id" in only_headers and "authorization" in only_headers
    assert "method" not in only_headers and "PATCH" not in only_headers

    only_method = _preflight(api, FRONTEND, "TRACE", "content-type")["detail"]
    assert "method TRACE is not allowed" in only_method
    assert "PATCH" in only_method
    assert "header" not in only_method

    both = _preflight(api, FRONTEND, "TRACE", "x-evil")["detail"]
    assert "method TRACE" in both and "headers x-evil" in both

    origin = _preflight(api, "https://evil.example", "GET")["detail"]
    assert "origin https://evil.example" in origin
    assert FRONTEND in origin
    assert "PATCH" not in origin


# --- gzip -----------------------------------------------------------------------------------------------------


def test_a_large_body_is_gzipped(api: httpx.Client) -> None:
    with api.stream("GET", "/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    plain = api.get("/api/v1/openapi.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(plain.content) >= 1024
    assert len(raw) < len(plain.content)
    assert json.loads(gzip.decompress(raw)) == plain.json()


def test_a_small_body_is_not_gzipped(api: httpx.Client) -> None:
    response = api.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert response.json() == {"status": "healthy"}


# --- 500 and 503 ----------------------------------------------------------------------------------------------


def test_an_unexpected_exception_is_a_500_problem_without_internals(api: httpx.Client) -> None:
    response = api.get("/api/v1/test/explode", headers={"X-Request-ID": "boom-1"})
    body = check_problem(response, 500)
    assert body["instance"] == "boom-1"
    no_internals(response, "secret internals", "hunter2", "RuntimeError", "explode")
    check_security_headers(response)
    # The server keeps serving.
    assert api.get("/health").status_code == 200


@pytest.mark.parametrize(
    ("path", "status"), [("/api/v1/test/explode", 500), ("/api/v1/test/refused", 503), ("/api/v1/nowhere", 404)]
)
def test_errors_are_readable_by_the_web_app(api: httpx.Client, path: str, status: int) -> None:
    """The SPA must be able to read an error's problem body and request id: CORS headers on errors too."""
    response = api.get(path, headers={"Origin": FRONTEND})
    check_problem(response, status)
    assert response.headers.get("access-control-allow-origin") == FRONTEND
    assert response.headers.get("access-control-allow-credentials") == "true"


def test_a_413_is_readable_by_the_web_app(api: httpx.Client) -> None:
    response = api.post(ITEMS, content=_padded(BODY_LIMIT + 1), headers={**JSON, "Origin": FRONTEND})
    check_problem(response, 413)
    assert response.headers.get("access-control-allow-origin") == FRONTEND


def test_a_dependency_error_is_a_503_problem(api: httpx.Client) -> None:
    response = api.get("/api/v1/test/refused")
    body = check_problem(response, 503)
    assert body["type"].endswith("/service-unavailable")
    assert int(response.headers["retry-after"]) > 0
    no_internals(response, "10.0.0.7", "ConnectionRefusedError", "5432")


def test_an_unreachable_database_is_a_503(
    serve: Callable[[Settings], httpx.Client], make_settings: Callable[..., Settings]
) -> None:
    http = serve(make_settings(DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/ayni"))
    response = http.get("/api/v1/test/db", timeout=9)  # refused at once: no hang until a driver timeout
    check_problem(response, 503)
    no_internals(response, "127.0.0.1")


def test_an_unreachable_redis_is_a_503(
    serve: Callable[[Settings], httpx.Client], make_settings: Callable[..., Settings]
) -> None:
    http = serve(make_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"))
    response = http.get("/api/v1/test/redis")
    check_problem(response, 503)
    no_internals(response, "127.0.0.1", "Error ")


def test_the_test_routes_work_when_dependencies_do(api: httpx.Client) -> None:
    assert api.get("/api/v1/test/db").json()["count"] == 10
    assert api.get("/api/v1/test/redis").json()["name"] == "redis"


@pytest.fixture(scope="module")
def own_servers() -> Iterator[tuple[EmbeddedPostgres, EmbeddedRedis]]:
    postgres = start_postgres()
    redis_server = start_redis()
    try:
        migrations.apply(postgres.url)  # the API connects as ayni_app, which the migrations create
        yield postgres, redis_server
    finally:
        postgres.stop()
        redis_server.stop()


def test_database_stopped_during_requests_is_503_then_recovers(
    serve: Callable[[Settings], httpx.Client],
    make_settings: Callable[..., Settings],
    own_servers: tuple[EmbeddedPostgres, EmbeddedRedis],
) -> None:
    postgres, _ = own_servers
    http = serve(make_settings(DATABASE_URL=postgres.url))
    try:
        assert http.get("/api/v1/test/db").status_code == 200  # a live connection now sits in the pool
        postgres.stop()
        for _ in range(3):  # the dead pooled connection, then fresh connection attempts
            response = http.get("/api/v1/test/db")
            check_problem(response, 503)
            no_internals(response)
        postgres.start()
        deadline = time.monotonic() + 15
        while http.get("/api/v1/test/db").status_code != 200:
            assert time.monotonic() < deadline, "the API did not use the restarted database"
            time.sleep(0.2)
    finally:
        if not postgres.running:
            postgres.start()


def test_hung_redis_during_a_request_is_503_not_a_hang(
    serve: Callable[[Settings], httpx.Client],
    make_settings: Callable[..., Settings],
    own_servers: tuple[EmbeddedPostgres, EmbeddedRedis],
) -> None:
    _, redis_server = own_servers
    http = serve(make_settings(REDIS_URL=redis_server.url, HEALTH_CHECK_TIMEOUT="0.5"))
    assert http.get("/api/v1/test/redis").status_code == 200
    assert redis_server.process is not None
    pid = redis_server.process.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        response = http.get("/api/v1/test/redis")
        elapsed = time.perf_counter() - started
        check_problem(response, 503)
        print(f"503 after {elapsed:.2f} s with Redis hung")
    finally:
        os.kill(pid, signal.SIGCONT)
    deadline = time.monotonic() + 15
    while http.get("/api/v1/test/redis").status_code != 200:
        assert time.monotonic() < deadline, "the API did not recover after Redis resumed"
        time.sleep(0.2)


# --- request bodies -------------------------------------------------------------------------------------------

ITEMS = "/api/v1/test/items"
JSON = {"content-type": "application/json"}


def test_a_valid_body_is_accepted(api: httpx.Client) -> None:
    response = api.post(ITEMS, json={"name": "a", "count": 3})
    assert response.status_code == 200
    assert response.json() == {"name": "a", "count": 3, "note": None}


@pytest.mark.parametrize("raw", [b"{", b"not json", b"{'name': 'a'}", b'{"name": "a",}', b"\xff\xfe\x00", b"[1, 2"])
def test_malformed_json_is_400(api: httpx.Client, raw: bytes) -> None:
    body = check_problem(api.post(ITEMS, content=raw, headers=JSON), 400)
    assert body["type"].endswith("/malformed-body")


def test_an_empty_body_is_400(api: httpx.Client) -> None:
    check_problem(api.post(ITEMS, content=b"", headers=JSON), 400)


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_is_a_client_error_not_a_500(
    make_settings: Callable[..., Settings], serve: Callable[[Settings], httpx.Client], depth: int
) -> None:
    """Well within the 1 MiB limit; JSON's parser gives up on the nesting: a 400 or 422, never a 500."""
    http = serve(make_settings())
    response = http.post(ITEMS, content=b"[" * depth + b"]" * depth, headers=JSON)
    assert response.status_code in (400, 422), response.text
    check_problem(response, response.status_code)


@pytest.mark.parametrize(
    "content_type",
    # text/plain and forms are what a cross-site page can send without a preflight; "" is no header at all.
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/plain", ""],
)
def test_a_wrong_content_type_is_415(api: httpx.Client, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = api.post(ITEMS, content=b'{"name": "a", "count": 1}', headers=headers)
    body = check_problem(response, 415)
    assert body["type"].endswith("/unsupported-media-type")


def test_a_json_suffix_media_type_is_accepted(api: httpx.Client) -> None:
    response = api.post(ITEMS, content=b'{"name": "a", "count": 1}', headers={"content-type": "application/merge+json"})
    assert response.status_code == 200


def test_json_with_charset_is_accepted(api: httpx.Client) -> None:
    response = api.post(
        ITEMS, content=b'{"name": "a", "count": 1}', headers={"content-type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"count": 1}, {"name"}),
        ({"name": "a"}, {"count"}),
        ({}, {"name", "count"}),
        ({"name": "a", "count": "many"}, {"count"}),
        ({"name": "a", "count": 11}, {"count"}),
        ({"name": "", "count": 1}, {"name"}),
        ({"name": "a" * 21, "count": 1}, {"name"}),
        ({"name": "a", "count": 1, "admin": True}, {"admin"}),
        ({"name": 5, "count": 1, "extra": 1}, {"name", "extra"}),
    ],
)
def test_validation_failures_are_422_with_field_errors(
    api: httpx.Client, payload: dict[str, Any], fields: set[str]
) -> None:
    response = api.post(ITEMS, json=payload)
    body = check_problem(response, 422)
    assert body["type"].endswith("/validation-error")
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors
    for error in errors:
        assert {"field", "message", "code"} <= set(error) <= {"field", "message", "code", "limit"}
        assert isinstance(error["message"], str)
        assert error["message"]
    assert {e["field"] for e in errors} == fields
    for error in errors:
        assert "https://errors.pydantic.dev" not in error["message"]


def test_an_unknown_field_is_refused_by_name(api: httpx.Client) -> None:
    body = check_problem(api.post(ITEMS, json={"name": "a", "count": 1, "is_admin": True}), 422)
    assert body["errors"] == [{"field": "is_admin", "message": "This field is not allowed.", "code": "not-allowed"}]


@pytest.mark.parametrize("payload", [[1, 2], "text", 42, None])
def test_a_body_that_is_not_an_object_is_422(api: httpx.Client, payload: object) -> None:
    body = check_problem(api.post(ITEMS, content=json.dumps(payload).encode(), headers=JSON), 422)
    assert body["errors"]


def test_the_input_is_not_echoed_in_errors(api: httpx.Client) -> None:
    response = api.post(ITEMS, json={"name": "a", "count": "sekrit-value-123"})
    check_problem(response, 422)
    assert "sekrit-value-123" not in response.text


# --- body size limit ------------------------------------------------------------------------------------------


def _padded(size: int) -> bytes:
    core = b'{"name": "a", "count": 1}'
    return core + b" " * (size - len(core))


def test_a_body_at_the_limit_is_accepted(api: httpx.Client) -> None:
    assert api.post(ITEMS, content=_padded(BODY_LIMIT), headers=JSON).status_code == 200


def test_a_declared_body_over_the_limit_is_413(api: httpx.Client) -> None:
    response = api.post(ITEMS, content=_padded(BODY_LIMIT + 1), headers=JSON)
    body = check_problem(response, 413)
    assert body["type"].endswith("/body-too-large")
    check_security_headers(response)


def test_a_streamed_body_over_the_limit_is_413(api: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "a", "count": 1, "note": "'
        for _ in range(8):
            yield b"x" * 512
        yield b'"}'

    response = api.post(ITEMS, content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    check_problem(response, 413)


def test_a_streamed_body_within_the_limit_is_accepted(api: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "a", '
        yield b'"count": 2}'

    response = api.post(ITEMS, content=chunks(), headers=JSON)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_the_default_limit_is_one_mebibyte(client: httpx.Client) -> None:
    response = client.post("/api/v1/jobs/ping", content=b"x" * (1_048_576 + 1), headers=JSON)
    check_problem(response, 413)


def test_fresh_request_ids_never_repeat_across_instances() -> None:
    first, second = RequestIds(), RequestIds()
    ids = [first.new() for _ in range(1000)] + [second.new() for _ in range(1000)]
    assert len(set(ids)) == 2000
    assert all(SANE_ID.fullmatch(i) and len(i) == 32 for i in ids)
