"""Session servers (embedded, or AYNI_TEST_DATABASE_URL / AYNI_TEST_REDIS_URL), a migrated test database,
a clean state for every test, and the app over real HTTP."""

from __future__ import annotations

import os
import ssl
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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
from tests.workers import WorkerProcess, wait_until_idle

settings.register_profile(
    "ci", max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_EXTERNAL = ("AYNI_TEST_DATABASE_URL", "AYNI_TEST_REDIS_URL")
# A file whose tests roll back and re-apply the role migration: the role ayni_app is the whole server's, and other
# processes' databases on the same server use it meanwhile.
_SERVER_WIDE = "tests/test_migrations.py"


def _xdist_worker_number() -> int | None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, ... in pytest-xdist's processes
    return int(worker.removeprefix("gw")) if worker else None


def own_redis_database(url: str, worker: int | None) -> str:
    """Each test process its own database of a shared Redis server (the URL's, then the ones below it): one
    process's FLUSHDB must not empty another's queues."""
    if worker is None:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    if worker > base:
        raise pytest.UsageError(f"AYNI_TEST_REDIS_URL: database {base} leaves no database for test process {worker}")
    return urlunsplit(parts._replace(path=f"/{base - worker}"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: object, ids: list[str]) -> None:
    if any(os.environ.get(name) for name in _EXTERNAL) and any(i.startswith(_SERVER_WIDE) for i in ids):
        pytest.exit(
            f"{_SERVER_WIDE} changes the server-wide role ayni_app: with servers of your own (AYNI_TEST_*), run it "
            "in a test process of its own (-n 0), not beside others",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # schemathesis names each operation's test `test_x[GET /path]`, but on pytest 9 they all get the node id of
    # `test_x`: one test, as far as pytest-xdist can tell, which runs one of them and drops the others without a word.
    # Each gets its operation in its id, as a parametrized test would; a node id that is still not unique (pytest's
    # private `_id` changed, say) stops the run rather than leave tests out.
    for item in items:
        params = item.name.partition("[")[2].removesuffix("]")
        if params and not item.nodeid.endswith(f"[{params}]") and item._id.params is None:
            item._id = item._id.with_params(params)
    seen = Counter(item.nodeid for item in items)
    if twice := sorted(nodeid for nodeid, count in seen.items() if count > 1):
        raise pytest.UsageError(f"tests with the same node id would not all run: {', '.join(twice)}")


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
        yield own_redis_database(external, _xdist_worker_number())
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


# httpx loads the CA bundle into a new TLS context for each client it makes (~40 ms of CPU, for each of some 400
# tests); the test clients speak plain HTTP to loopback, so one context made once serves them all.
_CLIENT_TLS = ssl.create_default_context()


@pytest.fixture
def client(live_app: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_app.url, timeout=10, verify=_CLIENT_TLS) as http:
        yield http


def make_worker_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {**os.environ, **make_env(database_url, redis_url, WORKER_THREADS="2", LOG_LEVEL="info")}


@pytest.fixture
def worker_env(database_url: str, redis_url: str, clean_state: None) -> dict[str, str]:
    return make_worker_env(database_url, redis_url)


@pytest.fixture
def worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    """A real `ayni worker` process on the test database and Redis, stopped (SIGTERM) afterwards."""
    process = WorkerProcess(worker_env, tmp_path / "worker.log").start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def module_worker(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerProcess]:
    """One real `ayni worker` for all the tests of a module, handed to each by `shared_worker`."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = WorkerProcess(make_worker_env(database_url, redis_url), log).start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def shared_worker(module_worker: WorkerProcess, clean_state: None) -> Iterator[WorkerProcess]:
    """A real worker running, for a test that needs its jobs run and nothing else of it (not a fresh process, not
    its heartbeat): the module's one, which saves the ~3 s of starting and stopping one per test. Afterwards it is
    waited for until every queue is empty, so that no job of this test runs into the next test's clean state."""
    assert module_worker.process is not None and module_worker.process.poll() is None, module_worker.log()
    yield module_worker
    wait_until_idle(module_worker.env)


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
