"""Fixtures for the auth tests: an SMTP server, a worker sending to it, a user, a signed-in session."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from ayni.embedded import free_port
from tests.accounts import Mailbox, SmtpServer, create_user, login
from tests.workers import WorkerProcess


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


@pytest.fixture
def user(database_url: str, clean_state: None) -> uuid.UUID:
    return create_user(database_url)


@pytest.fixture
def signed_in(client: httpx.Client, user: uuid.UUID) -> dict[str, Any]:
    return login(client)


Factory = Callable[..., uuid.UUID]
