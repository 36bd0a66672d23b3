"""Throw-away servers for the tests: embedded PostgreSQL/Valkey, or the ones AYNI_TEST_* name, and the
app itself served over real HTTP by uvicorn in a thread."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import uvicorn
from starlette.types import ASGIApp

from ayni.embedded import EmbeddedPostgres, EmbeddedRedis, free_port


def scratch_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)  # the embedded PostgreSQL runs as an unprivileged user when the tests run as root
    return path


def start_postgres() -> EmbeddedPostgres:
    server = EmbeddedPostgres(scratch_dir("ayni-pg-"), durable=False)
    server.start()
    return server


def start_redis() -> EmbeddedRedis:
    server = EmbeddedRedis(scratch_dir("ayni-redis-"), durable=False)
    server.start()
    return server


def with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


@contextlib.contextmanager
def scratch_database(server_url: str, prefix: str = "ayni_test") -> Iterator[str]:
    """A new, empty database on the server of `server_url`; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class LiveServer:
    """uvicorn serving an ASGI app on a free loopback port, in a thread of the test process."""

    def __init__(self, app: ASGIApp, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host  # another loopback address (127.0.0.2) is another site for the browser
        self.port = port or free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=host,
                port=self.port,
                log_config=None,
                lifespan="on",
                timeout_graceful_shutdown=5,
                proxy_headers=False,  # as `ayni serve`: the app reads X-Forwarded-For (ayni.clients)
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def env_url(name: str) -> str | None:
    return os.environ.get(name) or None
