"""The web app in a real browser (Playwright driving Debian's Chromium) against the real stack: the API
serving the built app, a real worker, PostgreSQL, Valkey and an SMTP server whose mail the browser
tests open (frontend/e2e/)."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ayni.app import create_app
from ayni.config import load_settings
from ayni.embedded import free_port
from tests.conftest import make_env
from tests.servers import LiveServer
from tests.workers import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
CHROMIUM = Path("/usr/bin/chromium")


class MaildirSink:
    """An SMTP server that writes each message it accepts to its own .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        path = self.directory / f"{next(self.counter):04d}.eml"
        path.write_bytes(envelope.original_content or b"")
        return "250 OK"


@pytest.fixture
def maildir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    directory = tmp_path / "mail"
    directory.mkdir()
    port = free_port()
    controller = Controller(MaildirSink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield directory, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def test_the_web_app_end_to_end(
    database_url: str, redis_url: str, clean_state: None, maildir: tuple[Path, str], tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is needed at /usr/bin/chromium: apt-get install chromium (scripts/test does)")
    if not (FRONTEND / "dist" / "index.html").exists() or shutil.which("npx") is None:
        pytest.fail("build the web app first (scripts/test does: cd frontend && npm ci && npm run build)")
    mail_dir, smtp_url = maildir
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env = make_env(
        database_url,
        redis_url,
        SMTP_URL=smtp_url,
        FRONTEND_HOST=origin,
        ACCESS_TOKEN_EXPIRE_MINUTES="1",
        FRONTEND_DIST=str(FRONTEND / "dist"),
        LOGIN_ATTEMPTS_LIMIT="50",
    )
    worker = WorkerProcess({**os.environ, **env}, tmp_path / "worker.log").start()
    server = LiveServer(create_app(load_settings(env)), port)
    try:
        with server:
            result = subprocess.run(
                ["npx", "playwright", "test"],
                cwd=FRONTEND,
                env={**os.environ, "AYNI_E2E_URL": origin, "AYNI_E2E_MAILDIR": str(mail_dir), "CI": "1"},
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
    finally:
        worker.stop()
    print(result.stdout[-6000:])
    assert result.returncode == 0, f"{result.stdout[-8000:]}\n{result.stderr[-4000:]}\nworker log:\n{worker.log()}"
