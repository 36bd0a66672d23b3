"""Load: wrk (closed loop, keep-alive) with a Lua done() hook that prints its figures as one JSON line, and
a small asyncio HTTP/1.1 client for the job runs (a fixed number of requests, their answers kept)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
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
