"""/api/v1/jobs over real HTTP, with a real worker, Redis and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import uuid
from typing import Any

import httpx
import psycopg
import pytest
import redis

from ayni.actors import CATALOG
from ayni.app import create_app
from ayni.config import Settings
from ayni.db import make_database, make_redis
from ayni.embedded import free_port
from ayni.jobs.actors import sweep_outbox
from ayni.jobs.broker import make_broker
from ayni.jobs.catalog import TaskContext
from ayni.jobs.queue import jobs_transaction
from ayni.problems import FIELD_ERROR_CODES
from ayni.resources import Resources
from tests.accounts import bearer, create_user, login
from tests.servers import LiveServer
from tests.workers import WorkerProcess, job_row, wait_for_status


@pytest.fixture
def ana(client: httpx.Client, database_url: str) -> dict[str, str]:
    create_user(database_url, "ana@example.cl")
    return bearer(login(client, "ana@example.cl")["access_token"])


def wait_for_api_status(
    client: httpx.Client, headers: dict[str, str], location: str, wanted: set[str]
) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(location, headers=headers).json()
        if job["status"] in wanted:
            return job
        time.sleep(0.05)
    raise AssertionError(f"{location} never reached {wanted}")


def test_ping_through_the_api_and_the_worker(client: httpx.Client, ana: dict[str, str], worker: WorkerProcess) -> None:
    response = client.post("/api/v1/jobs/ping", json={"sleep_ms": 20}, headers=ana)
    assert response.status_code == 202
    job = response.json()
    assert response.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert job["status"] == "pending" and job["actor"] == "ping" and job["attempts"] == 0
    assert set(job) == {
        "id",
        "actor",
        "status",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "result",
        "progress",
    }
    done = wait_for_api_status(client, ana, response.headers["location"], {"succeeded", "failed", "dead"})
    assert done["status"] == "succeeded" and done["result"] == {"pong": True, "slept_ms": 20}
    assert done["progress"] == 1 and done["attempts"] == 1 and done["finished_at"] is not None


def test_jobs_are_private_and_listed_newest_first(client: httpx.Client, ana: dict[str, str], database_url: str) -> None:
    create_user(database_url, "bruno@example.cl")
    bruno = bearer(login(client, "bruno@example.cl")["access_token"])
    ids = [client.post("/api/v1/jobs/ping", json={}, headers=ana).json()["id"] for _ in range(5)]
    other = client.post("/api/v1/jobs/ping", json={}, headers=bruno).json()["id"]

    assert client.get(f"/api/v1/jobs/{other}", headers=ana).status_code == 404
    assert client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=ana).status_code == 404
    assert client.get("/api/v1/jobs/not-a-uuid", headers=ana).status_code == 404

    first = client.get("/api/v1/jobs", params={"limit": 2}, headers=ana).json()
    assert [j["id"] for j in first["items"]] == ids[::-1][:2]
    second = client.get("/api/v1/jobs", params={"limit": 2, "cursor": first["next_cursor"]}, headers=ana).json()
    third = client.get("/api/v1/jobs", params={"limit": 2, "cursor": second["next_cursor"]}, headers=ana).json()
    seen = [j["id"] for page in (first, second, third) for j in page["items"]]
    assert seen == ids[::-1] and third["next_cursor"] is None
    assert client.get("/api/v1/jobs", params={"status": "succeeded"}, headers=ana).json()["items"] == []
    assert len(client.get("/api/v1/jobs", params={"status": "pending"}, headers=ana).json()["items"]) == 5


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"status": "asleep"}, 422),
        ({"limit": "0"}, 422),
        ({"limit": "101"}, 422),
        ({"cursor": "!!"}, 400),
        ({"cursor": "bm90IGEgY3Vyc29y"}, 400),
        ({"page": "2"}, 422),
    ],
)
def test_bad_list_queries(client: httpx.Client, ana: dict[str, str], params: dict[str, str], status: int) -> None:
    response = client.get("/api/v1/jobs", params=params, headers=ana)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "body",
    [
        {"sleep_ms": 10_001},
        {"sleep_ms": -1},
        {"fail": "maybe"},
        {"extra": 1},
        [],
        # Issue 10, finding 8: JSON has types; no coercion of strings to numbers or numbers to booleans.
        {"fail": 0, "sleep_ms": "100"},
        {"fail": "yes"},
        {"fail": 1},
        {"sleep_ms": "100"},
        {"sleep_ms": 1.5},
        {"sleep_ms": True},
    ],
)
def test_bad_ping_bodies(client: httpx.Client, ana: dict[str, str], body: Any, database_url: str) -> None:
    response = client.post("/api/v1/jobs/ping", json=body, headers=ana)
    assert response.status_code == 422
    assert all(e["code"] in FIELD_ERROR_CODES for e in response.json()["errors"])
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM jobs").fetchone() == (0,)


def test_an_integral_number_is_a_whole_number(client: httpx.Client, ana: dict[str, str]) -> None:
    response = client.post("/api/v1/jobs/ping", json={"sleep_ms": 100.0}, headers=ana)
    assert response.status_code == 202, response.text


# Any job id: the cursors below are refused for their shape. A fixed one keeps the test ids the same in every
# collection (pytest-xdist's processes must collect the same tests).
SOME_ID = "3f2a7c1e-9b4d-4e8a-a5c6-0d1e2f3a4b5c"


def _old_cursor(created_at: str) -> str:
    """The cursor format before issue 10: base64 of "<isoformat>|<id>"."""
    return base64.urlsafe_b64encode(f"{created_at}|{SOME_ID}".encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        # Issue 10, finding 1: these overflowed to a 500.
        _old_cursor("0001-01-01T00:00:00+14:00"),
        _old_cursor("9999-12-31T23:59:59-14:00"),
        "",
        "99999999999999999999_" + SOME_ID,  # past what a datetime holds
        "1_" + SOME_ID.upper(),
        "1_" + SOME_ID + "\n",
        "-1_" + SOME_ID,
        "1\x00_" + SOME_ID,
    ],
)
def test_a_cursor_this_api_did_not_give_is_400(client: httpx.Client, ana: dict[str, str], cursor: str) -> None:
    response = client.get("/api/v1/jobs", params={"cursor": cursor}, headers=ana)
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/invalid-cursor")


def test_jobs_need_a_signed_in_user(client: httpx.Client) -> None:
    for method, path in (
        ("POST", "/api/v1/jobs/ping"),
        ("GET", "/api/v1/jobs"),
        ("GET", f"/api/v1/jobs/{uuid.uuid4()}"),
    ):
        response = client.request(method, path, json={} if method == "POST" else None)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_ping_with_redis_down_is_503_and_leaves_no_job(
    app_settings: Settings, make_settings: Any, database_url: str, clean_state: None
) -> None:
    create_user(database_url, "ana@example.cl")
    with LiveServer(create_app(app_settings)) as up, httpx.Client(base_url=up.url) as http:
        headers = bearer(login(http, "ana@example.cl")["access_token"])
    down = make_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    with LiveServer(create_app(down)) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        response = http.post("/api/v1/jobs/ping", json={}, headers=headers)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/service-unavailable")
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM jobs").fetchone() == (0,)


def _resources(settings: Settings) -> Resources:
    return Resources(
        settings=settings,
        db=make_database(settings),
        redis=make_redis(settings),
        broker=make_broker(settings, CATALOG.actors),
    )


def test_a_rolled_back_transaction_enqueues_nothing(
    app_settings: Settings, clean_state: None, database_url: str, redis_url: str
) -> None:
    async def scenario() -> None:
        res = _resources(app_settings)
        await res.db.connect()
        try:
            with pytest.raises(RuntimeError):
                async with jobs_transaction(res) as outbox:
                    await outbox.add("ping", {})
                    raise RuntimeError("the request failed after adding its job")
            async with jobs_transaction(res) as outbox:
                kept = await outbox.add("ping", {"sleep_ms": 1})
        finally:
            await res.db.disconnect()
            res.broker.close()
            await res.redis.aclose()
        row = job_row({"DATABASE_URL": database_url}, kept)
        assert row is not None and row["enqueued_at"] is not None and row["outbox_kwargs"] is None

    asyncio.run(scenario())
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM jobs").fetchone() == (1,)
    queued = redis.Redis.from_url(redis_url).llen("ayni:default")
    assert queued == 1  # only the committed job's message


def test_the_sweeper_sends_committed_jobs_whose_message_was_lost(
    make_settings: Any, worker_env: dict[str, str], database_url: str, tmp_path: Any
) -> None:
    """The API committed the row but died before (or failed at) handing the message to Redis."""
    down = make_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")

    async def commit_while_redis_is_down() -> uuid.UUID:
        res = _resources(down)
        await res.db.connect()
        try:
            async with jobs_transaction(res) as outbox:
                return await outbox.add("ping", {"sleep_ms": 5})
        finally:
            await res.db.disconnect()
            res.broker.close()
            await res.redis.aclose()

    job_id = asyncio.run(commit_while_redis_is_down())
    row = job_row(worker_env, job_id)
    assert row is not None and row["enqueued_at"] is None and row["outbox_kwargs"] == {"sleep_ms": 5}
    with psycopg.connect(database_url, autocommit=True) as conn:  # as if the API had died 5 minutes ago
        conn.execute("UPDATE jobs SET created_at = now() - interval '5 minutes' WHERE id = %s", (job_id,))
    settings = make_settings()

    async def sweep_twice() -> tuple[int, int]:
        db, broker = make_database(settings), make_broker(settings, CATALOG.actors)
        await db.connect()
        try:
            context = TaskContext(settings, db, broker)
            return await sweep_outbox(context), await sweep_outbox(context)
        finally:
            await db.disconnect()
            broker.close()

    assert asyncio.run(sweep_twice()) == (1, 0)  # claimed once
    process = WorkerProcess(worker_env, tmp_path / "w.log").start()
    try:
        assert wait_for_status(worker_env, job_id, {"succeeded"})["status"] == "succeeded"
    finally:
        process.stop()


def test_health_reports_the_worker(client: httpx.Client, worker_env: dict[str, str], tmp_path: Any) -> None:
    without = client.get("/api/v1/health")
    assert without.status_code == 503
    assert without.json()["status"] == "degraded" and without.json()["services"]["worker"] == "unhealthy"
    process = WorkerProcess(worker_env, tmp_path / "w.log").start()
    try:
        with_worker = client.get("/api/v1/health")
        assert with_worker.status_code == 200
        assert with_worker.json() == {**with_worker.json(), "status": "healthy"}
        assert with_worker.json()["services"] == {"database": "healthy", "redis": "healthy", "worker": "healthy"}
    finally:
        process.stop()
    assert client.get("/api/v1/health").json()["services"]["worker"] == "unhealthy"
