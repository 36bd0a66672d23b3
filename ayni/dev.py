"""`ayni dev`: the whole stack in one terminal.

Embedded PostgreSQL and Valkey when no URLs are given (data under .ayni/, kept across restarts),
migrations, then the API and the worker as child processes, exactly the commands production runs.
Ctrl-C (or SIGTERM) stops everything; children die with this process even if it is killed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from ayni import migrations
from ayni.config import load_settings
from ayni.embedded import EmbeddedPostgres, EmbeddedRedis, EmbeddedServer, tie_to_parent
from ayni.errors import UserFacingError


def state_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("AYNI_HOME") or Path.cwd() / ".ayni").resolve()


def local_secret(home: Path) -> str:
    """One JWT key per checkout, so the API and the worker agree and sessions survive a restart."""
    path = home / "jwt_secret"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def frontend_dist(env: Mapping[str, str]) -> Path | None:
    candidate = Path(env.get("FRONTEND_DIST") or Path.cwd() / "frontend" / "dist")
    return candidate.resolve() if (candidate / "index.html").is_file() else None


@contextlib.contextmanager
def embedded_services(env: dict[str, str], home: Path) -> Iterator[list[EmbeddedServer]]:
    started: list[EmbeddedServer] = []
    try:
        if not env.get("DATABASE_URL") and not env.get("POSTGRES_SERVER"):
            postgres = EmbeddedPostgres(home / "postgres")
            postgres.start()
            started.append(postgres)
            env["DATABASE_URL"] = postgres.url
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(home / "redis")
            redis.start()
            started.append(redis)
            env["REDIS_URL"] = redis.url
        yield started
    finally:
        for server in reversed(started):
            server.stop()


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise UserFacingError(f"the API exited at start (code {process.returncode}); see its log above")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(0.1)
    raise UserFacingError(f"the API did not answer {url} within {timeout:.0f} s")


def _spawn(args: list[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ayni", *args],
        env=dict(env),
        preexec_fn=tie_to_parent,  # the children must not outlive `ayni dev`
    )


def _stop(processes: list[subprocess.Popen[bytes]], timeout: float = 30.0) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_dev(port: int | None = None, web: bool = True) -> int:
    env = dict(os.environ)
    home = state_dir(env)
    env.setdefault("JWT_SECRET", local_secret(home))
    env.setdefault("ENVIRONMENT", "local")
    dist = frontend_dist(env) if web else None
    if dist is not None:
        env["FRONTEND_DIST"] = str(dist)
    else:
        env.pop("FRONTEND_DIST", None)
    api_port = port or int(env.get("PORT") or 8000)
    env["PORT"] = str(api_port)
    env.setdefault("FRONTEND_HOST", f"http://localhost:{api_port}")

    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = signal.signal(signal.SIGTERM, request_stop)
    # Ctrl-C must stop everything even when SIGINT came in ignored, as it does for a command a script
    # starts in the background (`cmd &` without job control).
    previous_interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    started_at = time.monotonic()
    try:
        with embedded_services(env, home):
            settings = load_settings(env)
            applied = migrations.apply(settings.database_url)
            print(f"ayni dev: database {settings.masked()['database_url']} ({len(applied)} migration(s) applied)")
            print(f"ayni dev: redis {settings.masked()['redis_url']}")
            children = {"serve": _spawn(["serve", "--port", str(api_port)], env), "worker": _spawn(["worker"], env)}
            try:
                base = f"http://127.0.0.1:{api_port}"
                wait_until_healthy(f"{base}/health", children["serve"])
                print(f"ayni dev: ready in {time.monotonic() - started_at:.1f} s")
                print(f"  API      {base}/api/v1  (docs: {base}/api/v1/docs, health: {base}/api/v1/health)")
                print(f"  web app  {base}/" if dist else "  web app  not built (scripts/dev builds frontend/dist)")
                print("  Ctrl-C stops everything.", flush=True)
                while not stopping:
                    for name, child in children.items():
                        if child.poll() is not None:
                            raise UserFacingError(
                                f"`ayni {name}` exited with code {child.returncode}; stopping the rest"
                            )
                    time.sleep(0.2)
            except KeyboardInterrupt:
                pass
            finally:
                print("ayni dev: stopping…", flush=True)
                _stop(list(children.values()))
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_interrupt)
    return 0
