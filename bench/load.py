"""Load: wrk (closed loop, keep-alive) with a Lua done() hook that prints its figures as one JSON line; a small
asyncio HTTP/1.1 client for the job runs (a fixed number of requests, their answers kept); and an open-loop
generator of simulated users on a schedule (`open_loop`: wrk2 is not in Debian)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

MARK = "BENCHJSON "

_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCHJSON {\"requests\":%d,\"duration_us\":%d,\"connect\":%d,\"read\":%d,\"write\":%d," ..
    "\"status\":%d,\"timeout\":%d,\"p50_us\":%d,\"p90_us\":%d,\"p95_us\":%d,\"p99_us\":%d,\"max_us\":%d}\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for ASCII text


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors_socket: int  # connect + read + write + timeout
    errors_status: int  # answers other than 2xx/3xx
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_s: float = float("nan")  # CPU time the server process used during the run

    @property
    def cpu_us_per_ok(self) -> float:
        """The server's CPU time per successful answer: unlike req/s, barely moved by other load on the machine."""
        return self.server_cpu_s / max(1, self.requests - self.errors_status) * 1e6

    @property
    def server_busy(self) -> float:
        """The share of its core the server used (1.0: the server, not the load generator, was the limit)."""
        return self.server_cpu_s / self.seconds

    @property
    def ok_per_s(self) -> float:
        return (self.requests - self.errors_status) / self.seconds

    @property
    def errors(self) -> int:
        return self.errors_socket + self.errors_status


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of every thread of `pid` so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str,
    *,
    core: int,
    connections: int,
    seconds: float,
    script_dir: Path,
    method: str = "GET",
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout_s: int = 5,
    server_pid: int | None = None,
) -> WrkResult:
    """One wrk run (one thread, pinned to `core`)."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    script = script_dir / f"wrk-{abs(hash((url, method, body, tuple((headers or {}).items()))))}.lua"
    script.write_text("\n".join(lines) + "\n" + _DONE)
    command = [
        "taskset", "-c", str(core), "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout_s}s", "-s", str(script), url,
    ]  # fmt: skip
    cpu_before = cpu_seconds(server_pid) if server_pid else float("nan")
    out = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    cpu_used = cpu_seconds(server_pid) - cpu_before if server_pid else float("nan")
    for line in out.stdout.splitlines():
        if line.startswith(MARK):
            data = json.loads(line[len(MARK) :])
            break
    else:
        raise RuntimeError(f"wrk printed no figures (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors_socket=data["connect"] + data["read"] + data["write"] + data["timeout"],
        errors_status=data["status"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        server_cpu_s=cpu_used,
    )


async def _post_many(
    port: int, path: str, body: bytes, headers: dict[str, str], count: int, connections: int
) -> list[tuple[int, bytes]]:
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    answers: list[tuple[int, bytes]] = []
    left = count

    async def one_connection() -> None:
        nonlocal left
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while left > 0:
                left -= 1
                writer.write(request)
                status_line = await reader.readline()
                status = int(status_line.split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                answers.append((status, await reader.readexactly(length)))
        finally:
            writer.close()

    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return answers


def post_many(
    port: int, path: str, body: dict[str, object], headers: dict[str, str], count: int, connections: int = 16
) -> list[tuple[int, bytes]]:
    """`count` POSTs over `connections` keep-alive connections; (status, body) of each answer."""
    return asyncio.run(_post_many(port, path, json.dumps(body).encode(), headers, count, connections))


# --- open loop: users on a schedule -------------------------------------------------------------------------------

BROWSER_CONNECTIONS = 6  # what a browser opens to one host over HTTP/1.1


@dataclass
class User:
    """A simulated browser: its Authorization header, the ETag each path last answered (sent back as
    If-None-Match, as a browser revalidates), and its keep-alive connections."""

    authorization: str
    etags: dict[str, str]
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
    slots: asyncio.Semaphore


@dataclass(frozen=True)
class OpenLoopResult:
    scheduled: int  # requests scheduled
    seconds: float  # the schedule's length
    latencies_ms: list[float]  # of the answered requests, from their scheduled time to the last byte
    opens_ms: list[float]  # of the dashboard opens all of whose requests were answered: the slowest request
    statuses: dict[int, int]  # answers by status
    errors_socket: int  # connection errors and timeouts
    lag_ms: list[float]  # how late the generator started each open after its scheduled time
    last_answer_s: float  # from the first scheduled time to the last answer
    elapsed_s: float  # from the first scheduled time until every request was answered or given up
    client_cpu_s: float  # CPU time of the generator (this process) during the run

    @property
    def errors(self) -> int:
        return self.errors_socket + sum(n for status, n in self.statuses.items() if status not in (200, 304))

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def scheduled_per_s(self) -> float:
        return self.scheduled / self.seconds

    @property
    def answered_per_s(self) -> float:
        """Answers per second over the schedule, or longer when the answers came later than it."""
        return self.answered / max(self.seconds, self.last_answer_s)

    def percentile(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(self.latencies_ms if values is None else values)
        return data[min(len(data) - 1, int(q / 100 * len(data)))] if data else float("nan")


async def _answer(reader: asyncio.StreamReader) -> tuple[int, str | None]:
    """Read one HTTP/1.1 answer (a Content-Length body, none for 304): its status and ETag."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, etag = 0, None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"etag":
            etag = value.strip().decode("latin-1")
        elif name == b"transfer-encoding":
            raise ValueError("a chunked answer: the bench reads Content-Length bodies only")
    if status != 304 and length:
        await reader.readexactly(length)
    return status, etag


async def _open_loop(
    port: int, opens: list[tuple[float, int]], seconds: float, paths: list[str], tokens: list[str], timeout_s: float
) -> OpenLoopResult:
    loop = asyncio.get_running_loop()
    users = [User(f"Authorization: Bearer {t}\r\n", {}, [], asyncio.Semaphore(BROWSER_CONNECTIONS)) for t in tokens]
    latencies: list[float] = []
    lag: list[float] = []
    opens_ms: list[float] = []
    statuses: dict[int, int] = {}
    socket_errors = 0
    last_answer = 0.0
    start = loop.time() + 0.05

    async def fetch(user: User, path: str, scheduled: float) -> float | None:
        nonlocal socket_errors, last_answer
        async with user.slots:
            connection = None
            try:
                async with asyncio.timeout(timeout_s - (loop.time() - scheduled)):
                    connection = user.idle.pop() if user.idle else await asyncio.open_connection("127.0.0.1", port)
                    etag = user.etags.get(path)
                    revalidate = f"If-None-Match: {etag}\r\n" if etag else ""
                    connection[1].write(
                        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{user.authorization}{revalidate}\r\n".encode()
                    )
                    status, new_etag = await _answer(connection[0])
            except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
                socket_errors += 1
                if connection is not None:
                    connection[1].close()
                return None
            user.idle.append(connection)
        done = loop.time()
        if new_etag:
            user.etags[path] = new_etag
        statuses[status] = statuses.get(status, 0) + 1
        latencies.append((done - scheduled) * 1000)
        last_answer = max(last_answer, done - start)
        return done - scheduled if status in (200, 304) else None

    async def open_dashboard(user: User, scheduled: float) -> None:
        answers = await asyncio.gather(*(fetch(user, path, scheduled) for path in paths))
        if all(a is not None for a in answers):
            opens_ms.append(max(answers) * 1000)  # type: ignore[type-var]

    cpu = time.process_time()
    tasks = []
    for offset, user in opens:
        scheduled = start + offset
        if (wait := scheduled - loop.time()) > 0:
            await asyncio.sleep(wait)
        lag.append((loop.time() - scheduled) * 1000)
        tasks.append(loop.create_task(open_dashboard(users[user], scheduled)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    client_cpu = time.process_time() - cpu
    for user in users:
        for _, writer in user.idle:
            writer.close()
    return OpenLoopResult(
        scheduled=len(opens) * len(paths),
        seconds=seconds,
        latencies_ms=latencies,
        opens_ms=opens_ms,
        statuses=statuses,
        errors_socket=socket_errors,
        lag_ms=lag,
        last_answer_s=last_answer,
        elapsed_s=elapsed,
        client_cpu_s=client_cpu,
    )


def open_loop(
    port: int,
    opens: list[tuple[float, int]],
    seconds: float,
    paths: list[str],
    tokens: list[str],
    timeout_s: float = 5.0,
) -> OpenLoopResult:
    """Open-loop load, `seconds` of schedule: at each (seconds from the start, user) of `opens`, that user asks
    every path of `paths` at once, over at most BROWSER_CONNECTIONS keep-alive connections of its own, with its
    token and the ETags its earlier answers gave. Every request has its scheduled time, and its latency counts
    from that time, so a server that falls behind is charged for the wait (no coordinated omission). A request
    not answered within `timeout_s` of its scheduled time is an error."""
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        runner = asyncio.run
    return runner(_open_loop(port, opens, seconds, paths, tokens, timeout_s))
