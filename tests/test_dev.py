"""`ayni dev`: the whole stack from nothing, stopped with Ctrl-C, started again on the same data; a second one on
the same data or port refused before it starts anything; one origin in what it prints, its links and CORS."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import httpx
import psutil
import pytest
from aiosmtpd.controller import Controller
from hypothesis import given
from hypothesis import strategies as st

from ayni.dev import already_running, lock_record
from ayni.embedded import free_port
from tests.e2e.smtp import MaildirSink

OWN_ENV = ("DATABASE_", "REDIS_", "POSTGRES_", "JWT_", "FRONTEND_", "SMTP_")


def dev_env(home: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_ENV)}
    env.update({"AYNI_HOME": str(home), "PORT": str(port), "LOG_LEVEL": "warning", **extra})
    return env


def ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def launch_dev(
    home: Path, port: int, *, interrupts_ignored: bool = False, demo: bool = False, **extra_env: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ayni", "dev", "--no-web", *([] if demo else ["--no-demo"])],
        env=dev_env(home, port, **extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=ignore_interrupts if interrupts_ignored else None,
    )


def start_dev(
    home: Path, port: int, *, interrupts_ignored: bool = False, demo: bool = False, **extra_env: str
) -> tuple[subprocess.Popen[str], float]:
    started = time.monotonic()
    process = launch_dev(home, port, interrupts_ignored=interrupts_ignored, demo=demo, **extra_env)
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


def wait_for_child(process: subprocess.Popen[str], command: str, timeout: float = 90) -> None:
    """Until `ayni dev` has started `ayni COMMAND` (exec'd: its command line is its own)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        for child in descendants(process.pid):
            with contextlib.suppress(psutil.Error):
                if child.cmdline()[-2:] == ["ayni", command]:
                    return
        time.sleep(0.01)
    process.kill()
    raise AssertionError(f"ayni dev never started `ayni {command}`:\n{process.communicate()[0]}")


def stop_dev(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


def run_dev_once(home: Path, port: int, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """`ayni dev` that is expected to refuse to start: it must say why within seconds."""
    return subprocess.run(
        [sys.executable, "-m", "ayni", "dev", *args],
        env=dev_env(home, port, **extra_env),
        capture_output=True,
        text=True,
        timeout=60,  # before the fix, it gave up only when the embedded PostgreSQL did, after ~31 s
        check=False,
    )


def new_home(parent: Path) -> Path:
    """An AYNI_HOME readable by `nobody`, whom the embedded PostgreSQL runs as under root."""
    folder = parent / "home"
    folder.mkdir()
    folder.chmod(0o755)
    parent.chmod(0o755)
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return new_home(tmp_path)


@dataclass
class RunningDev:
    process: subprocess.Popen[str]
    home: Path
    port: int
    printed: str  # what it printed up to "Ctrl-C stops everything."
    mail: Path  # one .eml file per message the worker sent


@pytest.fixture(scope="module")
def running_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDev]:
    """One `ayni dev` for the tests that need one running, with its emails going to a real SMTP server."""
    mail = tmp_path_factory.mktemp("mail")
    controller = Controller(MaildirSink(mail), hostname="127.0.0.1", port=free_port())
    controller.start()
    home, port = new_home(tmp_path_factory.mktemp("dev")), free_port()
    process, _ = start_dev(home, port, demo=True, SMTP_URL=f"smtp://127.0.0.1:{controller.port}")
    try:
        assert process.stdout is not None
        printed = "".join(iter_until(process.stdout, "Ctrl-C stops everything."))
        yield RunningDev(process, home, port, printed, mail)
    finally:
        stop_dev(process)
        controller.stop()


def iter_until(stream: Iterator[str], last: str) -> Iterator[str]:
    for line in stream:
        yield line
        if last in line:
            return


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
    output = stop_dev(process)
    assert process.returncode == 0, output


@pytest.mark.slow
def test_ctrl_c_while_it_starts_stops_the_children_before_the_servers(home: Path) -> None:
    # Found flaky: a Ctrl-C before the API answered raised in the stop itself, so the embedded Valkey and
    # PostgreSQL stopped under a running worker and `ayni dev` exited 1.
    process = launch_dev(home, free_port())
    wait_for_child(process, "worker")  # the API and the worker are starting: neither is ready yet
    children = descendants(process.pid)
    output = stop_dev(process)
    assert process.returncode == 0, output
    assert "ayni dev: stopping" in output, output
    assert "connection error" not in output and "Connection refused" not in output, output
    assert not re.search(r"^ayni: ", output, re.MULTILINE), output
    _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"orphans after Ctrl-C: {alive}"


@pytest.mark.slow
def test_dev_creates_the_demo_company_on_a_fresh_home(running_dev: RunningDev) -> None:
    """`ayni demo` through the real import path, alongside the running stack; its sign-in works."""
    assert "creating the demo company (100,000 lines" in running_dev.printed
    assert running_dev.process.stdout is not None
    [*_, ready] = iter_until(running_dev.process.stdout, "demo ready")
    email, password = ready.split("demo sign-in: ")[1].strip().split(" / ")
    base = f"http://127.0.0.1:{running_dev.port}/api/v1"
    login = httpx.post(f"{base}/auth/login", json={"email": email, "password": password}, timeout=30)
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    [company] = httpx.get(f"{base}/companies", headers=headers, timeout=30).json()["items"]
    assert (company["name"], company["role"]) == ("Almacenes Ayni Demo SpA", "owner")
    [record] = httpx.get(f"{base}/companies/{company['id']}/imports", headers=headers, timeout=30).json()["items"]
    assert record["status"] == "succeeded" and record["summary"]["lines_loaded"] == 100_000, record
    assert (running_dev.home / "demo-sign-in.txt").read_text(encoding="utf-8").strip() in ready


@pytest.mark.slow
def test_a_second_dev_on_the_same_home_says_so_before_it_starts_anything(running_dev: RunningDev) -> None:
    # --build-web: the running one's frontend/dist must not be rebuilt under it either.
    second = run_dev_once(running_dev.home, free_port(), "--build-web")
    assert second.returncode == 1, second.stdout + second.stderr
    first = f"pid {running_dev.process.pid}, http://127.0.0.1:{running_dev.port}"
    assert second.stderr.strip() == (
        f"ayni: Ayni is already running here ({first}): stop it first, or use another AYNI_HOME"
    )
    assert "building" not in second.stdout and "PostgreSQL" not in second.stdout + second.stderr
    health = httpx.get(f"http://127.0.0.1:{running_dev.port}/health", timeout=10)
    assert health.status_code == 200, "the first one still serves"


@pytest.mark.slow
def test_a_port_held_by_another_ayni_is_refused_and_never_called_ready(running_dev: RunningDev, tmp_path: Path) -> None:
    # Finding 11: the other Ayni answered /health, so this one said "ready", then its own API failed to bind.
    home = new_home(tmp_path)
    other = run_dev_once(home, running_dev.port, "--no-web")
    assert other.returncode == 1, other.stdout + other.stderr
    assert "ready" not in other.stdout
    assert other.stderr.strip() == (
        f"ayni: port {running_dev.port} on 127.0.0.1 is already in use; stop what holds it or choose another "
        "with --port or the PORT variable"
    )
    assert not (home / "postgres").exists(), "nothing was started"


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm (AYNI_SKIP_FRONTEND machines have none)")
def test_a_web_app_that_does_not_build_stops_dev_before_anything_starts(home: Path, tmp_path: Path) -> None:
    sources = tmp_path / "web"
    sources.mkdir()
    (sources / "package.json").write_text(json.dumps({"name": "broken", "scripts": {"build": "exit 3"}}))
    failed = run_dev_once(home, free_port(), "--build-web", FRONTEND_DIST=str(sources / "dist"))
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert failed.stderr.strip().endswith(
        f"ayni: building the web app failed (npm run build in {sources}); its errors are above"
    )
    assert not (home / "postgres").exists(), "nothing was started"


def test_building_the_web_app_without_npm_says_what_is_missing(home: Path, tmp_path: Path) -> None:
    failed = run_dev_once(home, free_port(), "--build-web", PATH=str(tmp_path))
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert failed.stderr.strip() == ("ayni: building the web app needs npm (Node.js 20 or newer); or run with --no-web")


def mail_to(folder: Path, address: str, timeout: float = 60) -> Message:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml")):
            message = message_from_bytes(path.read_bytes())
            if message["To"] == address:
                return message
        time.sleep(0.2)
    raise AssertionError(f"no email to {address} within {timeout:.0f} s")


def text_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


@pytest.mark.slow
def test_one_origin_for_printed_urls_email_links_and_cors(running_dev: RunningDev) -> None:
    printed = re.search(r"API +(http://[^/ ]+)/api/v1", running_dev.printed)
    assert printed is not None, running_dev.printed
    origin = printed.group(1)
    register = httpx.post(
        f"{origin}/api/v1/auth/register",
        json={"email": "origin@example.cl", "password": "a long enough passphrase"},
        timeout=30,
    )
    assert register.status_code == 201, register.text
    link = re.search(r"https?://\S+/verify-email\?token=\S+", text_of(mail_to(running_dev.mail, "origin@example.cl")))
    assert link is not None
    assert link.group(0).startswith(f"{origin}/verify-email?"), f"printed {origin}, the email links to {link.group(0)}"
    allowed = httpx.get(f"{origin}/api/v1/health", headers={"Origin": origin}, timeout=10)
    assert allowed.headers.get("access-control-allow-origin") == origin


@given(pid=st.integers(min_value=1, max_value=2**22), port=st.integers(min_value=1, max_value=65535))
def test_the_lock_record_names_the_running_one(pid: int, port: int) -> None:
    url = f"http://127.0.0.1:{port}"
    assert f"(pid {pid}, {url})" in already_running(lock_record(pid, url))


@given(st.text())
def test_any_lock_content_gives_one_line(record: str) -> None:
    message = already_running(record)
    assert message.startswith("Ayni is already running here (")
    assert message.endswith("stop it first, or use another AYNI_HOME")
    assert "\n" not in message and "\r" not in message
