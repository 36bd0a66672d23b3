"""The processes a benchmark run starts: pinned to a core with taskset, stopped on exit (and with their parent).

Every child runs in its own session (a Ctrl-C in the terminal reaches only `bench/run`, which then stops
them in order) and gets SIGTERM from the kernel if `bench/run` itself dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
_PR_SET_PDEATHSIG = 1


def cores() -> tuple[int, int]:
    """(server core, load core): two different CPUs this process may use (the same one if only one)."""
    allowed = sorted(os.sched_getaffinity(0))
    return allowed[0], allowed[1] if len(allowed) > 1 else allowed[0]


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 65536 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


def ensure_tools() -> None:
    """wrk from Debian's packages when missing (apt-get update first); taskset (util-linux) must be there."""
    if shutil.which("taskset") is None:
        sys.exit("bench: taskset (util-linux) is missing; install it with apt-get install util-linux")
    if shutil.which("wrk") is not None:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit("bench: wrk is missing; install it (Debian: apt-get install wrk) and run again")
    print("bench: installing wrk with apt-get ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.exit(f"bench: {' '.join(command)} failed:\n{result.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _child_setup() -> None:
    os.setsid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def pin(pid: int, core: int, *, tree: bool = False) -> None:
    """taskset every thread of `pid` (and, with `tree`, of its descendants) to `core`."""
    pids = [pid, *(descendants(pid) if tree else [])]
    for one in pids:
        subprocess.run(["taskset", "-a", "-p", "-c", str(core), str(one)], capture_output=True, check=False)


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def wait_childless(pid: int, timeout: float = 30.0) -> None:
    """Wait until `pid` has no child left (a worker's import job ends its process a moment after its row says
    succeeded)."""
    deadline = time.monotonic() + timeout
    while descendants(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def rss_mb(pid: int, *, tree: bool = True) -> float:
    """Resident memory (VmRSS) of `pid` plus, with `tree`, its descendants, in MiB."""
    total_kib = 0
    for one in [pid, *(descendants(pid) if tree else [])]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


class PeakRss:
    """The highest RSS of `pid` and its descendants, in MiB, while the `with` block runs: sampled with psutil
    every `interval` seconds in a thread (a spike shorter than that may be missed). `before` is the sample
    taken on entry; `peak_at` the time.perf_counter() of the highest."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.before = 0.0
        self.peak = 0.0
        self.peak_at = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_done, name=f"rss-{pid}", daemon=True)

    def sample(self) -> float:
        total = 0
        for one in [self.process, *self.process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):  # a child may end between the listing and the reading
                total += one.memory_info().rss
        return total / 1_048_576

    def _sample_until_done(self) -> None:
        while not self._done.wait(self.interval):
            self._record(self.sample())

    def _record(self, rss: float) -> None:
        if rss > self.peak:
            self.peak, self.peak_at = rss, time.perf_counter()

    def __enter__(self) -> PeakRss:
        self.before = self.peak = self.sample()
        self.peak_at = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._done.set()
        self._thread.join()
        self._record(self.sample())


def cpu_tree(pid: int) -> float:
    """CPU seconds used so far by `pid` and its live descendants."""
    import load

    total = 0.0
    for one in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError):
            total += load.cpu_seconds(one)
    return total


def wait_idle(pid: int, share: float = 0.05, interval: float = 0.5, timeout: float = 60.0) -> float:
    """Wait until `pid` and its descendants use under `share` of a core over `interval` (a server still answering
    what an overloaded run left queued is not ready for the next run); the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        before = cpu_tree(pid)
        time.sleep(interval)
        if cpu_tree(pid) - before < share * interval:
            break
    return time.monotonic() - start


def switches(pid: int) -> int:
    """Context switches so far (voluntary and not) of every thread of `pid` and its live descendants."""
    total = 0
    for one in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError):
            for thread in Path(f"/proc/{one}/task").iterdir():
                with contextlib.suppress(OSError):
                    for line in (thread / "status").read_text().splitlines():
                        if "ctxt_switches:" in line:
                            total += int(line.split()[1])
    return total


class Processes:
    """Children of this run; `stop_all` (in a finally) ends each one's process group."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(
        self, name: str, command: Sequence[str], core: int | str, env: Mapping[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """`command` pinned to `core` (a CPU number, or a taskset list such as "0,1")."""
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            ["taskset", "-c", str(core), *command],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            preexec_fn=_child_setup,
            cwd=ROOT,
        )
        log.close()
        self.running.append((name, process))
        return process

    def log_tail(self, name: str, chars: int = 2000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Whatever it left in its group (spawned worker processes) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        self.running = [(n, p) for n, p in self.running if p is not process]

    def stop_all(self) -> None:
        for _, process in reversed(list(self.running)):
            self.stop(process)


class Servers:
    """Throw-away PostgreSQL and a Redis-compatible server (Ayni's embedded ones), pinned to `core`."""

    def __init__(self, core: int) -> None:
        from ayni.embedded import EmbeddedPostgres, EmbeddedRedis

        self.directory = Path(tempfile.mkdtemp(prefix="ayni-bench-"))
        self.directory.chmod(0o755)  # PostgreSQL runs as `nobody` when we are root
        self.postgres = EmbeddedPostgres(self.directory / "pg", durable=False)
        self.redis = EmbeddedRedis(self.directory / "redis", durable=False)
        self.core = core

    def start(self) -> None:
        self.postgres.start()
        self.redis.start()
        for server in (self.postgres, self.redis):
            assert server.process is not None
            pin(server.process.pid, self.core, tree=True)

    def repin(self) -> None:
        """PostgreSQL forks a backend per connection; they inherit the postmaster's core anyway."""
        assert self.postgres.process is not None
        pin(self.postgres.process.pid, self.core, tree=True)

    def stop(self) -> None:
        for server in (self.redis, self.postgres):
            with contextlib.suppress(Exception):
                server.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def wait_http_200(
    port: int, path: str = "/health", timeout: float = 30.0, interval: float = 0.005, *, any_status: bool = False
) -> float:
    """Poll until GET `path` answers 200 (with `any_status`, answers at all: the server is up); the monotonic time
    of that answer."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
                sock.sendall(request)
                head = sock.recv(64)
                if head.startswith(b"HTTP/1.1 " if any_status else b"HTTP/1.1 200"):
                    return time.monotonic()
        except OSError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"no 200 from 127.0.0.1:{port}{path} within {timeout:.0f} s")
