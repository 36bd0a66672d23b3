"""The `ayni` command as a user runs it: real processes, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from ayni.embedded import free_port
from tests.conftest import make_env

PRODUCTION_SECRET = "Vh3-kq9Zr_TQ2pL8xWm4Nc7Bd1Fg6Jy0Hs5Ua2Ke9Lo3Pi8Qt7Rw1Ez4Xc6Vb0Nm5Al2Sd9Fg3Hj7Kl1"


def ayni(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ayni", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "POSTGRES_", "JWT_"))}
    env.update(values)
    return env


BASE = {"DATABASE_URL": "postgresql://u@127.0.0.1:1/db", "REDIS_URL": "redis://127.0.0.1:1/0"}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://u@h/db"),
        ("DATABASE_URL", "postgresql://u@host:notaport/db"),
        ("DATABASE_URL", "postgresql://u@host:5432"),
        ("REDIS_URL", "http://localhost:6379"),
        ("REDIS_URL", "redis://localhost:6379/zero"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("ENVIRONMENT", "prod"),
        ("WEB_CONCURRENCY", "0"),
        ("AUTH_REQUIRE_VERIFIED_EMAIL", "perhaps"),
    ],
)
def test_a_bad_variable_is_one_line_exit_2(variable: str, value: str) -> None:
    result = ayni("config", "check", env=clean_env(**{**BASE, variable: value}))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert variable in result.stderr and "Traceback" not in result.stderr


def test_production_needs_a_strong_secret() -> None:
    for secret in ("", "short", "changethis" * 10, "a" * 80):
        result = ayni("serve", env=clean_env(**BASE, ENVIRONMENT="production", JWT_SECRET=secret))
        assert result.returncode == 2 and "JWT_SECRET" in result.stderr and "Traceback" not in result.stderr


def test_config_check_names_what_it_cannot_reach() -> None:
    pg, rd = free_port(), free_port()
    result = ayni(
        "config",
        "check",
        env=clean_env(
            DATABASE_URL=f"postgres://ayni:hunter2@127.0.0.1:{pg}/ayni", REDIS_URL=f"redis://:s3cret@127.0.0.1:{rd}/0"
        ),
    )
    assert result.returncode == 1
    assert f"127.0.0.1:{pg}" in result.stderr and f"127.0.0.1:{rd}" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr and "s3cret" not in result.stdout + result.stderr
    assert "postgresql://ayni:******@" in result.stdout


def test_config_check_passes_with_reachable_services(database_url: str, redis_url: str) -> None:
    result = ayni("config", "check", env=clean_env(**make_env(database_url, redis_url)))
    assert result.returncode == 0, result.stderr
    assert "configuration ok" in result.stdout
    assert "test-secret" not in result.stdout


def test_postgres_variables_build_the_url(database_url: str, redis_url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(database_url)
    env = clean_env(
        REDIS_URL=redis_url,
        POSTGRES_SERVER=parts.hostname or "",
        POSTGRES_PORT=str(parts.port),
        POSTGRES_USER=parts.username or "",
        POSTGRES_DB=parts.path.strip("/"),
    )
    result = ayni("config", "check", env=env)
    assert result.returncode == 0, result.stderr


def test_unknown_command_prints_usage() -> None:
    result = ayni("launch", env=clean_env())
    assert result.returncode == 2 and "usage: ayni" in result.stderr and "Traceback" not in result.stderr


def test_unexpected_errors_have_no_traceback_without_debug(tmp_path: object) -> None:
    env = clean_env(DATABASE_URL="postgresql://u@127.0.0.1:1/db", REDIS_URL="redis://127.0.0.1:1/0")
    plain = ayni("migrate", "list", env=env)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr and plain.stderr.startswith("ayni: ")
    debug = ayni("--debug", "migrate", "list", env=env)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_the_served_app_leaves_its_start_up_objects_out_of_garbage_collection() -> None:
    probe = "import gc; from ayni.app import app_from_environment; app_from_environment(); print(gc.get_freeze_count())"
    env = clean_env(**BASE, JWT_SECRET=PRODUCTION_SECRET)
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000  # the app and everything it imported


@pytest.fixture
def serve_env(database_url: str, redis_url: str, clean_state: None) -> dict[str, str]:
    return clean_env(**make_env(database_url, redis_url, LOG_LEVEL="info"))


def wait_for(url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


def start_serve(env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    """`ayni serve` on a free port, its output captured: the process and the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ayni", "serve"],
        env={**env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, port


@pytest.fixture
def served(serve_env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], int]]:
    process, port = start_serve(serve_env)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=30)


def test_serve_honours_port_and_reports_a_taken_one(
    served: tuple[subprocess.Popen[str], int], serve_env: dict[str, str]
) -> None:
    _, port = served
    assert httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "healthy"}
    again = ayni("serve", "--port", str(port), env=serve_env)
    assert again.returncode == 1
    assert f"port {port}" in again.stderr and "PORT" in again.stderr and "Traceback" not in again.stderr


def test_the_request_lines_held_at_sigterm_reach_the_log(serve_env: dict[str, str]) -> None:
    """`ayni serve` writes its request lines in blocks (ayni.logs): a stop right after an answer loses none."""
    process, port = start_serve({**serve_env, "LOG_FORMAT": "json"})
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        for index in range(3):
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", headers={"X-Request-ID": f"at-exit-{index}"})
        process.send_signal(signal.SIGTERM)  # well within the half second lines may wait
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert [e["request_id"] for e in lines if e.get("path") == "/api/v1/openapi.json"] == [
        f"at-exit-{i}" for i in range(3)
    ]


def test_sigterm_drains_an_in_flight_request(serve_env: dict[str, str], redis_url: str) -> None:
    """A request still running when SIGTERM arrives gets its answer before the process exits."""
    from tests.servers import start_redis

    hung = start_redis()
    port = free_port()
    env = {**serve_env, "PORT": str(port), "REDIS_URL": hung.url, "HEALTH_CHECK_TIMEOUT": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ayni", "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        assert hung.process is not None
        os.kill(hung.process.pid, signal.SIGSTOP)  # the health check now waits for its timeout
        answers: list[int] = []
        request = threading.Thread(
            target=lambda: answers.append(httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=20).status_code)
        )
        request.start()
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        request.join(20)
        assert answers == [503]
        # uvicorn re-raises the signal once drained, so the exit reads as "terminated by SIGTERM".
        assert process.wait(20) in (0, -signal.SIGTERM)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, "still listening after SIGTERM"
    finally:
        if hung.process is not None:
            os.kill(hung.process.pid, signal.SIGCONT)
        hung.stop()
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_serve_defaults_to_loopback_locally_and_all_interfaces_deployed() -> None:
    from ayni.config import load_settings
    from ayni.server import default_host

    assert default_host(load_settings({**BASE})) == "127.0.0.1"
    deployed = load_settings({**BASE, "ENVIRONMENT": "staging", "JWT_SECRET": PRODUCTION_SECRET})
    assert default_host(deployed) == "0.0.0.0"


def test_serve_with_several_workers(serve_env: dict[str, str]) -> None:
    process, port = start_serve({**serve_env, "WEB_CONCURRENCY": "2"})
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process, timeout=60)
        assert all(httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200 for _ in range(10))
        for index in range(4):  # logged by whichever worker answers, each writing its lines in blocks
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", headers={"X-Request-ID": f"worker-{index}"})
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    logged = {f"worker-{index}" for index in range(4) if f"[worker-{index}] GET /api/v1/openapi.json" in stderr}
    assert logged == {f"worker-{index}" for index in range(4)}, stderr


def test_openapi_command_prints_the_document() -> None:
    result = ayni("openapi", env=clean_env())
    assert result.returncode == 0
    assert '"openapi": "3.1.0"' in result.stdout


def test_python_dash_m_is_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "ayni", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "serve" in result.stdout and "migrate" in result.stdout
