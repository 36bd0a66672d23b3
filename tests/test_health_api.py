"""`/health` and `/api/v1/health` over real HTTP (DESIGN.md, "Health"), including outages of real
PostgreSQL and Redis servers stopped, hung and restarted while the API runs."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis

from ayni import migrations
from ayni.app import create_app
from ayni.config import Settings, load_settings
from ayni.embedded import EmbeddedPostgres, EmbeddedRedis, free_port
from ayni.jobs.heartbeat import Heartbeat
from tests.conftest import make_env
from tests.servers import LiveServer, start_postgres, start_redis

REQUIRED = ("database", "redis")
STATES = {"healthy", "degraded", "unhealthy"}
RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
RECOVERY_SECONDS = 15


def expected_status(services: dict[str, str]) -> str:
    """DESIGN.md's rule over the services the answer names: database and redis are required, the rest
    (the worker) optional."""
    if any(services.get(name) == "unhealthy" for name in REQUIRED):
        return "unhealthy"
    if all(state == "healthy" for state in services.values()):
        return "healthy"
    return "degraded"


def check_report(response: httpx.Response) -> dict[str, Any]:
    """Everything DESIGN.md promises of an /api/v1/health answer, whatever the state."""
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    assert set(body) == {"status", "timestamp", "services"}
    services = body["services"]
    assert set(REQUIRED) <= set(services)
    assert set(services) <= {"database", "redis", "worker"}
    assert set(services.values()) <= STATES
    assert body["status"] == expected_status(services), body
    assert response.status_code == (200 if body["status"] == "healthy" else 503), body
    assert RFC3339_Z.match(body["timestamp"]), body["timestamp"]
    stamp = datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
    return body


def poll(
    http: httpx.Client, until: Callable[[dict[str, Any]], bool], seconds: float = RECOVERY_SECONDS
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = check_report(http.get("/api/v1/health"))
        if until(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"health did not reach the expected state within {seconds} s; last answer: {body}")


# A dependency that hangs must not hang the answer: HEALTH_CHECK_TIMEOUT is 1 s here, and a request that
# gets no answer in eight times that fails. (A deadline for an answer, not a speed figure: bench/ measures.)
NO_ANSWER_AFTER = 8.0


def timed_health(http: httpx.Client) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    try:
        response = http.get("/api/v1/health", timeout=NO_ANSWER_AFTER)
    except httpx.TimeoutException:
        elapsed = time.perf_counter() - started
        raise AssertionError(f"/api/v1/health gave no answer in {elapsed:.1f} s (HEALTH_CHECK_TIMEOUT=1)") from None
    return response, time.perf_counter() - started


# --- against the session servers ----------------------------------------------------------------------------


def test_liveness(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}
    assert response.headers["content-type"].startswith("application/json")


def test_health_report_with_live_dependencies(client: httpx.Client) -> None:
    body = check_report(client.get("/api/v1/health"))
    assert body["services"]["database"] == "healthy"
    assert body["services"]["redis"] == "healthy"


def test_health_is_200_and_healthy_when_a_worker_is_alive(client: httpx.Client, redis_url: str) -> None:
    connection = redis.Redis.from_url(redis_url)
    try:
        Heartbeat(connection).beat()  # what a live worker process writes
        response = client.get("/api/v1/health")
    finally:
        connection.close()
    body = check_report(response)
    assert response.status_code == 200
    assert body["status"] == "healthy"
    assert set(body["services"].values()) == {"healthy"}


def test_without_a_worker_the_api_is_degraded_not_unhealthy(client: httpx.Client) -> None:
    body = check_report(client.get("/api/v1/health"))
    if "worker" in body["services"] and body["services"]["worker"] != "healthy":
        assert body["status"] == "degraded"


@pytest.mark.parametrize("path", ["/health", "/api/v1/health"])
def test_head_works(client: httpx.Client, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"].startswith("application/json")
    if path == "/api/v1/health":
        assert head.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/health", "/api/v1/health"])
def test_health_refuses_other_methods(client: httpx.Client, path: str) -> None:
    response = client.post(path)
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")


def test_liveness_touches_no_dependency(make_settings: Callable[..., Settings]) -> None:
    nowhere = make_settings(
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/ayni",
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
    )
    with LiveServer(create_app(nowhere)) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        for _ in range(3):
            live = http.get("/health")
            assert live.status_code == 200
            assert live.json() == {"status": "healthy"}
        body = check_report(http.get("/api/v1/health"))
        assert body["services"]["database"] == "unhealthy"
        assert body["services"]["redis"] == "unhealthy"
        assert body["status"] == "unhealthy"


# --- dedicated servers: stopped, hung, restarted -------------------------------------------------------------


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[EmbeddedPostgres]:
    server = start_postgres()
    try:
        migrations.apply(server.url)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def own_redis() -> Iterator[EmbeddedRedis]:
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def outage_api(own_postgres: EmbeddedPostgres, own_redis: EmbeddedRedis) -> Iterator[httpx.Client]:
    """The API on the dedicated servers; whatever a test stops or hangs is running again afterwards."""
    if not own_postgres.running:
        own_postgres.start()
    if not own_redis.running:
        own_redis.start()
    settings = load_settings(make_env(own_postgres.url, own_redis.url, HEALTH_CHECK_TIMEOUT="1"))
    try:
        with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=10) as http:
            yield http
    finally:
        if own_redis.process is not None:
            os.kill(own_redis.process.pid, signal.SIGCONT)
        if not own_postgres.running:
            own_postgres.start()
        if not own_redis.running:
            own_redis.start()


def both_healthy(body: dict[str, Any]) -> bool:
    return bool(body["services"]["database"] == "healthy" and body["services"]["redis"] == "healthy")


def test_database_outage_and_recovery(outage_api: httpx.Client, own_postgres: EmbeddedPostgres) -> None:
    poll(outage_api, both_healthy)  # also puts a connection in the pool, which the stop then kills
    own_postgres.stop()

    response, elapsed = timed_health(outage_api)
    body = check_report(response)
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["services"]["database"] == "unhealthy"
    assert body["services"]["redis"] == "healthy"
    print(f"health answered in {elapsed:.2f} s with PostgreSQL stopped")

    # A second look (the pool now has no connection at all) gives the same answer.
    assert check_report(outage_api.get("/api/v1/health"))["services"]["database"] == "unhealthy"

    live = outage_api.get("/health")
    assert live.status_code == 200
    assert live.json() == {"status": "healthy"}

    own_postgres.start()  # same data directory, same port
    body = poll(outage_api, both_healthy)
    assert body["status"] in ("healthy", "degraded")


def test_redis_outage_and_recovery(outage_api: httpx.Client, own_redis: EmbeddedRedis) -> None:
    poll(outage_api, both_healthy)
    own_redis.stop()

    response, elapsed = timed_health(outage_api)
    body = check_report(response)
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["services"]["redis"] == "unhealthy"
    assert body["services"]["database"] == "healthy"
    print(f"health answered in {elapsed:.2f} s with Redis stopped")

    assert outage_api.get("/health").status_code == 200

    own_redis.start()
    poll(outage_api, both_healthy)


def test_hung_redis_still_gets_an_answer(outage_api: httpx.Client, own_redis: EmbeddedRedis) -> None:
    poll(outage_api, both_healthy)
    assert own_redis.process is not None
    pid = own_redis.process.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        response, elapsed = timed_health(outage_api)
        body = check_report(response)
        assert response.status_code == 503
        assert body["services"]["redis"] == "unhealthy"
        assert body["services"]["database"] == "healthy"
        assert body["status"] == "unhealthy"
        print(f"health answered in {elapsed:.2f} s with Redis hung (timeout 1 s)")
        assert outage_api.get("/health").status_code == 200
    finally:
        os.kill(pid, signal.SIGCONT)
    poll(outage_api, both_healthy)


def process_tree(pid: int) -> list[int]:
    """The PostgreSQL postmaster and every backend it forked (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def test_hung_postgres_still_gets_an_answer(outage_api: httpx.Client, own_postgres: EmbeddedPostgres) -> None:
    poll(outage_api, both_healthy)  # a connection sits in the pool: its backend is frozen too
    assert own_postgres.process is not None
    frozen = process_tree(own_postgres.process.pid)
    assert len(frozen) > 1
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        for _ in range(2):
            response, elapsed = timed_health(outage_api)
            body = check_report(response)
            assert body["services"]["database"] == "unhealthy"
            assert body["services"]["redis"] == "healthy"
            print(f"health answered in {elapsed:.2f} s with PostgreSQL hung (timeout 1 s)")
        assert outage_api.get("/health").status_code == 200
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
    poll(outage_api, both_healthy)


def test_both_down_then_back(
    outage_api: httpx.Client, own_postgres: EmbeddedPostgres, own_redis: EmbeddedRedis
) -> None:
    poll(outage_api, both_healthy)
    own_postgres.stop()
    own_redis.stop()
    body = check_report(outage_api.get("/api/v1/health"))
    assert body["services"]["database"] == "unhealthy"
    assert body["services"]["redis"] == "unhealthy"
    own_redis.start()
    own_postgres.start()
    poll(outage_api, both_healthy)


def test_api_starts_while_the_database_is_down_and_recovers(
    own_postgres: EmbeddedPostgres, own_redis: EmbeddedRedis
) -> None:
    own_postgres.stop()
    try:
        settings = load_settings(make_env(own_postgres.url, own_redis.url, HEALTH_CHECK_TIMEOUT="1"))
        with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=10) as http:
            assert http.get("/health").status_code == 200
            body = check_report(http.get("/api/v1/health"))
            assert body["services"]["database"] == "unhealthy"
            own_postgres.start()
            poll(http, both_healthy)
    finally:
        if not own_postgres.running:
            own_postgres.start()
