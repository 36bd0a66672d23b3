"""`ayni dev`: the whole stack in one terminal.

Before it starts anything it makes sure the stack will be its own: it locks its AYNI_HOME (one `ayni dev` per
data folder) and takes its port. Then, if asked, it builds the web app; then embedded PostgreSQL and Valkey
when no URLs are given (data under .ayni/, kept across restarts), migrations, then the API and the worker as
child processes, exactly the commands production runs. The API serves on the socket taken at the start, so the
server that answers there is this one. Ctrl-C (or SIGTERM) stops everything; children die with this process
even if it is killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from ayni import migrations
from ayni.command_errors import UserFacingError
from ayni.config import load_settings
from ayni.embedded import EmbeddedPostgres, EmbeddedRedis, EmbeddedServer, tie_to_parent
from ayni.server import bind

LOCK_FILE = "dev.lock"


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


def dist_folder(env: Mapping[str, str]) -> Path:
    return Path(env.get("FRONTEND_DIST") or Path.cwd() / "frontend" / "dist").resolve()


def frontend_dist(env: Mapping[str, str]) -> Path | None:
    candidate = dist_folder(env)
    return candidate if (candidate / "index.html").is_file() else None


def lock_record(pid: int, url: str) -> str:
    return f"{pid} {url}\n"


def already_running(record: str) -> str:
    """The one line for a second `ayni dev` on the same data, from what the first wrote in the lock file."""
    # The holder writes its record just after it locks: a record still empty means it is starting.
    written = re.fullmatch(r"([0-9]+) (http://[!-~]+)", record.strip())
    who = f"pid {written[1]}, {written[2]}" if written else "starting"
    return f"Ayni is already running here ({who}): stop it first, or use another AYNI_HOME"


@contextlib.contextmanager
def home_lock(home: Path, url: str) -> Iterator[None]:
    """Held for the whole run: two `ayni dev` on one AYNI_HOME would start one PostgreSQL on one data folder.

    flock, not a pid file: the kernel drops the lock when the holder dies, however it dies.
    """
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise UserFacingError(already_running(lock.read())) from None
        _rewrite(lock, lock_record(os.getpid(), url))
        try:
            yield
        finally:
            _rewrite(lock, "")


def _rewrite(file: IO[str], text: str) -> None:
    file.truncate(0)
    file.write(text)
    file.flush()


def take_port(port: int) -> socket.socket:
    """The API's listening socket, taken now and handed to `ayni serve`: from here on the port is ours, so a
    server answering on it can only be our own API (never another Ayni that held the port already)."""
    sock = bind("127.0.0.1", port)
    sock.listen()
    return sock


def build_web_app(sources: Path) -> None:
    print("ayni dev: building the web app (frontend/dist)", flush=True)
    try:
        built = subprocess.run(["npm", "run", "--silent", "build"], cwd=sources, stdout=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise UserFacingError("building the web app needs npm (Node.js 20 or newer); or run with --no-web") from None
    if built.returncode != 0:
        raise UserFacingError(f"building the web app failed (npm run build in {sources}); its errors are above")


@contextlib.contextmanager
def embedded_services(env: dict[str, str], home: Path) -> Iterator[list[EmbeddedServer]]:
    # Each is listed before it starts: a Ctrl-C while it starts stops it too (stopping one never started is a no-op).
    servers: list[EmbeddedServer] = []
    try:
        if not env.get("DATABASE_URL") and not env.get("POSTGRES_SERVER"):
            postgres = EmbeddedPostgres(home / "postgres")
            servers.append(postgres)
            postgres.start()
            env["DATABASE_URL"] = postgres.url
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(home / "redis")
            servers.append(redis)
            redis.start()
            env["REDIS_URL"] = redis.url
        yield servers
    finally:
        for server in reversed(servers):
            server.stop()


class StopRequest:
    """The signal handler for Ctrl-C and SIGTERM.

    While the embedded servers start and the migrations run, the first request interrupts them
    (KeyboardInterrupt): nothing uses the servers yet. From the children's start on (`interrupts` False) a
    request is only noted, and the code that started the children stops them, then the servers they use. An
    interruption there could skip a child's stop and stop the servers under it (a worker left consuming from a
    Valkey that is gone, and an exception instead of exit 0). Later requests are only noted as well, so a
    second Ctrl-C never cuts the ordered stop short.
    """

    def __init__(self) -> None:
        self.requested = False
        self.interrupts = True

    def __call__(self, signum: int, frame: object) -> None:
        first = not self.requested
        self.requested = True
        if first and self.interrupts:
            raise KeyboardInterrupt


def exited_by_itself(child: subprocess.Popen[bytes], stop: StopRequest) -> bool:
    """A child that has exited, unless a stop was requested: a terminal's Ctrl-C reaches the children too (one
    process group), and one that exits because of it is no failure. Python runs the handler of a signal that
    came before the child's exit by the time poll() returns, so `stop.requested` is read after it."""
    return child.poll() is not None and not stop.requested


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], stop: StopRequest, timeout: float = 60.0) -> bool:
    """True once the API answers; False when a stop is requested first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stop.requested:
            return False
        if exited_by_itself(process, stop):
            raise UserFacingError(f"the API exited at start (code {process.returncode}); see its log above")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
            if response.status == 200:
                return True
        time.sleep(0.1)
    raise UserFacingError(f"the API did not answer {url} within {timeout:.0f} s")


DEMO_LINES = 100_000
DEMO_RECORD = "demo-sign-in.txt"


def _start_demo(env: Mapping[str, str], home: Path) -> subprocess.Popen[bytes] | None:
    """On a fresh AYNI_HOME, the demo company (`ayni demo`, smaller than its default so it is ready in seconds),
    alongside the running stack; later starts print its sign-in again."""
    record = home / DEMO_RECORD
    if record.exists():
        print(f"  {record.read_text(encoding='utf-8').strip()}")
        return None
    print(f"  creating the demo company ({DEMO_LINES:,} lines of sales; --no-demo skips it) …", flush=True)
    return _spawn(["demo", "--lines", str(DEMO_LINES), "--record", str(record)], env)


def _report_demo(process: subprocess.Popen[bytes], home: Path) -> None:
    if process.returncode == 0:
        print(f"ayni dev: demo ready; {(home / DEMO_RECORD).read_text(encoding='utf-8').strip()}", flush=True)
    else:
        print(f"ayni dev: the demo company was not created (exit {process.returncode}); run `ayni demo`", flush=True)


def _spawn(args: list[str], env: Mapping[str, str], pass_fds: tuple[int, ...] = ()) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ayni", *args],
        env=dict(env),
        pass_fds=pass_fds,
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


def run_dev(port: int | None = None, web: bool = True, build_web: bool = False, demo: bool = True) -> int:
    env = dict(os.environ)
    home = state_dir(env)
    api_port = port or int(env.get("PORT") or 8000)
    env["PORT"] = str(api_port)
    base = f"http://127.0.0.1:{api_port}"
    # One origin for what it prints, the email links and CORS: a session started at one origin is unknown
    # at another (localhost and 127.0.0.1 are two), so a link to the other one would sign the user out.
    env["FRONTEND_HOST"] = env.get("FRONTEND_HOST") or base
    with home_lock(home, base), contextlib.closing(take_port(api_port)) as listener:
        env.setdefault("JWT_SECRET", local_secret(home))
        env.setdefault("ENVIRONMENT", "local")
        if web and build_web:
            build_web_app(dist_folder(env).parent)
        dist = frontend_dist(env) if web else None
        if dist is not None:
            env["FRONTEND_DIST"] = str(dist)
        else:
            env.pop("FRONTEND_DIST", None)
        return _run_stack(env, home, listener, base, web_app_line(base, web, dist), demo)


def web_app_line(base: str, web: bool, dist: Path | None) -> str:
    if dist is not None:
        return f"  web app  {base}/"
    if not web:
        return "  web app  not served (--no-web)"
    return "  web app  not built (scripts/dev or ayni dev --build-web builds frontend/dist)"


def _run_stack(env: dict[str, str], home: Path, listener: socket.socket, base: str, web_line: str, demo: bool) -> int:
    stop = StopRequest()
    previous = signal.signal(signal.SIGTERM, stop)
    # Ctrl-C must stop everything even when SIGINT came in ignored, as it does for a command a script
    # starts in the background (`cmd &` without job control).
    previous_interrupt = signal.signal(signal.SIGINT, stop)
    started_at = time.monotonic()
    children: dict[str, subprocess.Popen[bytes]] = {}
    seeding: subprocess.Popen[bytes] | None = None
    try:
        with embedded_services(env, home):
            settings = load_settings(env)
            applied = migrations.apply(settings.database_url)
            print(f"ayni dev: database {settings.masked()['database_url']} ({len(applied)} migration(s) applied)")
            print(f"ayni dev: redis {settings.masked()['redis_url']}")
            stop.interrupts = False  # from here on, the `finally` below stops the children before the servers
            try:
                fd = listener.fileno()
                children["serve"] = _spawn(["serve", "--fd", str(fd)], env, pass_fds=(fd,))
                children["worker"] = _spawn(["worker"], env)
                listener.close()  # the API has its own copy; ours would keep the port open after it exits
                if wait_until_healthy(f"{base}/health", children["serve"], stop):
                    _print_ready(env, base, web_line, started_at)
                    seeding = _start_demo(env, home) if demo else None
                    print("  Ctrl-C stops everything.", flush=True)
                    _watch(children, seeding, home, stop)
            finally:
                print("ayni dev: stopping…", flush=True)
                _stop([*children.values(), *([seeding] if seeding is not None else [])])
    except KeyboardInterrupt:
        pass  # a stop requested while the servers started or the migrations ran; embedded_services stopped them
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_interrupt)
    return 0


def _print_ready(env: Mapping[str, str], base: str, web_line: str, started_at: float) -> None:
    print(f"ayni dev: ready in {time.monotonic() - started_at:.1f} s")
    print(f"  API      {base}/api/v1  (docs: {base}/api/v1/docs, health: {base}/api/v1/health)")
    print(web_line)
    if env["FRONTEND_HOST"] != base:
        print(f"  email links go to {env['FRONTEND_HOST']} (FRONTEND_HOST)")


def _watch(
    children: Mapping[str, subprocess.Popen[bytes]],
    seeding: subprocess.Popen[bytes] | None,
    home: Path,
    stop: StopRequest,
) -> None:
    """Until a stop is requested; a child exiting by itself stops the rest."""
    while not stop.requested:
        if seeding is not None and seeding.poll() is not None:
            _report_demo(seeding, home)
            seeding = None
        for name, child in children.items():
            if exited_by_itself(child, stop):
                raise UserFacingError(f"`ayni {name}` exited with code {child.returncode}; stopping the rest")
        time.sleep(0.2)
