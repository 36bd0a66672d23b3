"""`ayni dev`: the whole stack from nothing, stopped with Ctrl-C, started again on the same data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from ayni.embedded import free_port


def dev_env(home: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "POSTGRES_", "JWT_"))}
    env.update({"AYNI_HOME": str(home), "PORT": str(port), "LOG_LEVEL": "warning"})
    return env


def ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_dev(home: Path, port: int, *, interrupts_ignored: bool = False) -> tuple[subprocess.Popen[str], float]:
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "ayni", "dev", "--no-web"],
        env=dev_env(home, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=ignore_interrupts if interrupts_ignored else None,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            if response.status_code == 200:
                return process, time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"ayni dev never became healthy:\n{process.communicate()[0]}")


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def stop_dev(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """AYNI_HOME for one test; readable by `nobody`, whom the embedded PostgreSQL runs as under root."""
    folder = tmp_path / "home"
    folder.mkdir()
    folder.chmod(0o755)
    tmp_path.chmod(0o755)
    return folder


@pytest.mark.slow
def test_dev_starts_stops_and_starts_again(home: Path) -> None:
    port = free_port()
    process, first_start = start_dev(home, port)
    children = descendants(process.pid)
    names = {c.name() for c in children}
    assert "postgres" in names and any("valkey" in n for n in names), names
    base = f"http://127.0.0.1:{port}"
    register = httpx.post(
        f"{base}/api/v1/auth/register",
        json={"email": "dev@example.cl", "password": "a long enough passphrase"},
        timeout=30,
    )
    assert register.status_code == 201, register.text
    output = stop_dev(process)
    assert process.returncode == 0, output
    assert "Traceback" not in output
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"orphans after Ctrl-C: {alive}"
    assert not (home / "postgres" / "data" / "postmaster.pid").exists(), "stale pid file would block a restart"

    process, second_start = start_dev(home, port)
    try:
        again = httpx.post(
            f"{base}/api/v1/auth/register",
            json={"email": "dev@example.cl", "password": "a long enough passphrase"},
            timeout=30,
        )
        assert again.status_code == 409, "the first account was kept across the restart"
    finally:
        output = stop_dev(process)
    assert process.returncode == 0, output
    print(f"ayni dev to a healthy /api/v1/health: first start {first_start:.1f} s, second {second_start:.1f} s")


@pytest.mark.slow
def test_dev_killed_leaves_no_orphans(home: Path) -> None:
    process, _ = start_dev(home, free_port())
    children = descendants(process.pid)
    process.kill()
    process.communicate()
    _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"orphans after SIGKILL of ayni dev: {alive}"
    # Started again the way a script's `ayni dev &` starts it, with SIGINT ignored: Ctrl-C still stops it.
    process, _ = start_dev(home, free_port(), interrupts_ignored=True)
    assert stop_dev(process) is not None and process.returncode == 0
