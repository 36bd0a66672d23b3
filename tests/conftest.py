"""Session servers (embedded, or AYNI_TEST_DATABASE_URL / AYNI_TEST_REDIS_URL), a migrated test database,
a clean state for every test, and the app over real HTTP."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller
from hypothesis import HealthCheck, settings

from ayni import migrations
from ayni.app import create_app
from ayni.config import Settings, load_settings
from ayni.embedded import free_port
from tests.accounts import Mailbox, SmtpServer
from tests.servers import LiveServer, scratch_database, start_postgres, start_redis
from tests.workers import WorkerProcess

settings.register_profile(
    "ci", max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Tables the migrations tool owns: never truncated between tests.
_KEEP_TABLES = ("_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    external = os.environ.get("AYNI_TEST_DATABASE_URL")
    if external:
        yield external
        return
    server = start_postgres()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    external = os.environ.get("AYNI_TEST_REDIS_URL")
    if external:
        yield external
        return
    server = start_redis()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(postgres_server_url: str) -> Iterator[str]:
    """A database of its own for this test session, with every migration applied."""
    with scratch_database(postgres_server_url) as url:
        migrations.apply(url)
        yield url


def _truncate_all(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY(%s))",
                (list(_KEEP_TABLES),),
            )
        ]
        if tables:
            connection.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")


@pytest.fixture
def clean_state(database_url: str, redis_url: str) -> Iterator[None]:
    _truncate_all(database_url)
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    yield


def make_env(database_url: str, redis_url: str, **overrides: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "JWT_SECRET": "test-secret-" + "k" * 40 + "-0123456789abcdef",
        "FRONTEND_HOST": "http://localhost:5173",
        "HEALTH_CHECK_TIMEOUT": "1",
        "LOG_LEVEL": "warning",
    }
    env.update(overrides)
    return env


@pytest.fixture
def make_settings(database_url: str, redis_url: str) -> Callable[..., Settings]:
    def build(**overrides: str) -> Settings:
        return load_settings(make_env(database_url, redis_url, **overrides))

    return build


@pytest.fixture
def app_settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def live_app(app_settings: Settings, clean_state: None) -> Iterator[LiveServer]:
    with LiveServer(create_app(app_settings)) as server:
        yield server


@pytest.fixture
def client(live_app: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_app.url, timeout=10) as http:
        yield http


@pytest.fixture
def worker_env(database_url: str, redis_url: str, clean_state: None) -> dict[str, str]:
    return {**os.environ, **make_env(database_url, redis_url, WORKER_THREADS="2", LOG_LEVEL="info")}


@pytest.fixture
def worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    """A real `ayni worker` process on the test database and Redis, stopped (SIGTERM) afterwards."""
    process = WorkerProcess(worker_env, tmp_path / "worker.log").start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(mailbox, "127.0.0.1", port)
    finally:
        controller.stop()


@pytest.fixture
def mail_worker(worker_env: dict[str, str], smtp_server: SmtpServer, tmp_path: Path) -> Iterator[WorkerProcess]:
    """A real `ayni worker` sending email to `smtp_server`."""
    process = WorkerProcess({**worker_env, "SMTP_URL": smtp_server.url}, tmp_path / "worker.log").start()
    try:
        yield process
    finally:
        process.stop()
