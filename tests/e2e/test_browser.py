"""The web app in a real browser (Playwright driving Debian's Chromium) against the real stack: the API
serving the built app, a real worker, PostgreSQL, Valkey and an SMTP server whose mail the browser
tests open (frontend/e2e/). In the same Playwright run, the deployed shape: the web app on a static host on
another loopback address (another site) that forwards /api/ to the API, as render.yaml sets up."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from ayni.app import create_app
from ayni.config import load_settings
from ayni.embedded import free_port
from ayni.webapp import web_app
from tests.conftest import make_env
from tests.e2e.site import StaticHost
from tests.e2e.smtp import MaildirSink
from tests.servers import LiveServer
from tests.workers import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
CHROMIUM = Path("/usr/bin/chromium")


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


# About 1.5 minutes on a loaded 2-core machine, most of it waiting for an access token to expire (by design):
# the suite's 120 s default is too short for it.
@pytest.mark.timeout(600)
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
    site = LiveServer(StaticHost(web_app(FRONTEND / "dist"), origin), host="127.0.0.2")
    env = make_env(
        database_url,
        redis_url,
        SMTP_URL=smtp_url,
        FRONTEND_HOST=origin,
        ACCESS_TOKEN_EXPIRE_MINUTES="1",
        FRONTEND_DIST=str(FRONTEND / "dist"),
        LOGIN_ATTEMPTS_LIMIT="50",
        # Lets the one-site spec call the API cross-site as the old render.yaml had the web app do; the
        # session is lost there all the same: what CORS allows, the refresh cookie does not.
        BACKEND_CORS_ORIGINS=site.url,
    )
    worker = WorkerProcess({**os.environ, **env}, tmp_path / "worker.log").start()
    server = LiveServer(create_app(load_settings(env)), port)
    try:
        with server, site:
            result = subprocess.run(
                ["npx", "playwright", "test"],
                cwd=FRONTEND,
                env={
                    **os.environ,
                    "AYNI_E2E_URL": origin,
                    "AYNI_E2E_SITE_URL": site.url,
                    "AYNI_E2E_MAILDIR": str(mail_dir),
                    "CI": "1",
                },
                capture_output=True,
                text=True,
                timeout=540,  # under the test's own timeout, so a hung run still shows Playwright's output
                check=False,
            )
    finally:
        worker.stop()
    print(result.stdout[-6000:])
    assert result.returncode == 0, f"{result.stdout[-8000:]}\n{result.stderr[-4000:]}\nworker log:\n{worker.log()}"
