"""The benchmark run itself (bench/run is its launcher): phases, table, key=value lines. See bench/README.md."""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import analytics
import ceiling
import imports
import load
import procs
import raw_dramatiq
import redis
import users

from ayni.sales.demo_company import DEMO_COMPANY, demo_company_fields, demo_location_fields

KEYS = [
    "health_vs_ceiling",
    "me_vs_minimal",
    "health_p99_ms",
    "me_p99_ms",
    "locations_vs_me",
    "login_vs_argon2",
    "cold_start_s",
    "api_rss_mb",
    "worker_rss_mb",
    "jobs_vs_raw_dramatiq",
    "reset_timing_gap_ms",
    "resend_timing_gap_ms",
    "import_1m_s",
    "import_vs_copy",
    "import_worker_rss_mb",
    "upload_api_rss_delta_mb",
    "overview_vs_me",
    "timeseries_vs_me",
    "breakdown_product_vs_me",
    "calendar_vs_me",
    "overview_vs_lines_scan",
    "users_1000_p95_ms",
    "dashboard_ready_s",
    "dashboard_switch_ms",
]
DASHBOARD_SCRIPT = procs.ROOT / "frontend" / "scripts" / "dashboard-bench" / "real-api.mjs"
CHROMIUM = Path("/usr/bin/chromium")


@dataclass(frozen=True)
class Plan:
    name: str
    warmup_s: float
    run_s: float
    reps: int
    login_s: float
    cold_starts: int
    c1000_s: float
    jobs: int
    import_lines: int
    import_reps: int
    users_s: float  # the length of each open-loop users run
    users_runs: int  # at most this many users runs per WEB_CONCURRENCY (the light and the 1,000-user one included)
    scale: bool  # the scale curve (SCALE_LINES)


QUICK = Plan(
    "quick",
    warmup_s=3,
    run_s=5,
    reps=3,
    login_s=5,
    cold_starts=3,
    c1000_s=10,
    jobs=1000,
    import_lines=200_000,
    import_reps=1,
    users_s=8,
    users_runs=5,
    scale=False,
)
FULL = Plan(
    "full",
    warmup_s=5,
    run_s=15,
    reps=5,
    login_s=10,
    cold_starts=5,
    c1000_s=30,
    jobs=3000,
    import_lines=1_000_000,
    import_reps=3,
    users_s=20,
    users_runs=7,
    scale=True,
)
# A target of the 64-connection runs: its URL, its request headers, the pid of the process that serves it.
Target = tuple[str, dict[str, str] | None, int]
USERS = 1_000  # users_1000_p95_ms
LIGHT_USERS = 100  # the run that measures what an answer costs
IDLE_S = 2.0  # a worker's idle RSS is read this long after its last job
SCALE_LINES = (100_000, 1_000_000, 5_000_000)
UPLOAD_LIMIT = 256 * 1_048_576  # IMPORT_MAX_BYTES's default: a larger demo file goes gzipped


@dataclass(frozen=True)
class UsersRun:
    result: load.OpenLoopResult
    api_cpu_s: float  # the API's CPU seconds during the run
    other_cpu_s: float  # PostgreSQL's, Redis's and the load generator's

    @property
    def api_us(self) -> float:
        return self.api_cpu_s / max(1, self.result.answered) * 1e6

    @property
    def other_us(self) -> float:
        return self.other_cpu_s / max(1, self.result.answered) * 1e6

    def predicted_users(self, concurrency: int, requests_per_user_s: float) -> int:
        """The users whose requests would keep the busiest core 80 % busy at this run's CPU per answer: with one
        API process, the API's core or the other one (PostgreSQL, Redis, the generator); with two, both cores
        shared by everything. Rounded down to tens."""
        if concurrency == 1:
            answers_per_s = 1e6 / max(self.api_us, self.other_us)
        else:
            answers_per_s = 2e6 / (self.api_us + self.other_us)
        return int(0.8 * answers_per_s / requests_per_user_s) // 10 * 10


@dataclass(frozen=True)
class UsersOutcome:
    light: UsersRun  # LIGHT_USERS users
    full: UsersRun  # USERS users
    most: int  # the most users found to meet the goal (USERS when it does; 0 when not even LIGHT_USERS do)
    at_goal: UsersRun | None  # the run of `most` users
    predicted: int  # the light run's prediction, the search's first try


# The warm-up import: the first import starts the worker's first job process (Python's and polars' files come
# into the page cache), which the measured imports would otherwise pay once.
WARM_UP_LINES = 1_000


@dataclass
class Table:
    rows: list[tuple[str, str, list[float]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    keys: dict[str, float] = field(default_factory=dict)

    def add(self, label: str, unit: str, values: list[float], key: str | None = None) -> float:
        self.rows.append((label, unit, values))
        value = statistics.median(values) if values else math.nan
        if key is not None:
            self.keys[key] = value
        return value

    def print(self, plan: Plan, machine: str) -> None:
        print()
        print(f"Ayni benchmarks ({plan.name} run) on {machine}")
        print(f"{'figure':46} {'unit':8} {'min':>10} {'median':>10} {'max':>10} {'n':>3}")
        for label, unit, values in self.rows:
            if values:
                low, mid, high = min(values), statistics.median(values), max(values)
                print(f"{label:46} {unit:8} {fmt(low):>10} {fmt(mid):>10} {fmt(high):>10} {len(values):>3}")
            else:
                print(f"{label:46} {unit:8} {'n/a':>10} {'n/a':>10} {'n/a':>10} {0:>3}")
        for note in self.notes:
            print(f"note: {note}")
        print()
        for key in KEYS:
            print(f"{key}={fmt(self.keys.get(key, math.nan))}")


def fmt(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def http_json(method: str, url: str, body: object = None, token: str | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - our own loopback server
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        text = exc.read()
        try:
            return exc.code, json.loads(text)
        except ValueError:
            return exc.code, text.decode(errors="replace")


def machine_description() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model}, {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}"


class Bench:
    def __init__(self, plan: Plan, workdir: Path) -> None:
        self.plan = plan
        self.workdir = workdir
        self.server_core, self.load_core = procs.cores()
        self.procs = procs.Processes(workdir)
        self.servers = procs.Servers(self.load_core)
        self.table = Table()
        self.env: dict[str, str] = {}
        self.api_port = 0
        self.api: subprocess.Popen[bytes] | None = None
        self.token: str | None = None
        self.locations_url: str | None = None
        self.imported_company: UUID | None = None  # the last company the imports phase filled
        self.imported: list[tuple[UUID, float]] = []  # each company the imports phase filled, its import's seconds
        self.password = "bench-" + secrets.token_urlsafe(12)
        self.email = "bench@example.com"
        self.python = sys.executable
        ayni_script = Path(sys.executable).parent / "ayni"
        self.ayni = [str(ayni_script)] if ayni_script.exists() else [self.python, "-m", "ayni"]

    # --- set-up -------------------------------------------------------------------------------------------

    def setup(self) -> None:
        say(f"server core {self.server_core}, load core {self.load_core}; logs in {self.workdir}")
        os.sched_setaffinity(0, {self.load_core})  # this process is load too (clients, polling)
        self.servers.start()
        drop = {"WEB_CONCURRENCY", "PORT", "FRONTEND_DIST", "SMTP_URL", "DATABASE_URL", "REDIS_URL"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("POSTGRES_")}
        self.env.update(
            DATABASE_URL=self.servers.postgres.url,
            REDIS_URL=self.servers.redis.url,
            JWT_SECRET=secrets.token_urlsafe(64),
            AUTH_REQUIRE_VERIFIED_EMAIL="false",
            ACCESS_TOKEN_EXPIRE_MINUTES="1440",  # noqa: S106 - a lifetime, not a secret: the token outlives the run
            PYTHONUNBUFFERED="1",
            # The limit is still counted on every enqueue (that cost is measured), never reached.
            JOBS_PER_USER_LIMIT="100000",
            JOBS_PER_USER_WINDOW_SECONDS="1",
        )
        self.env.setdefault("WORKER_PROCESSES", "1")
        self.env.setdefault("WORKER_THREADS", "4")
        result = subprocess.run(
            [*self.ayni, "migrate", "apply"], env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"bench: ayni migrate apply failed:\n{result.stdout}{result.stderr}")
        say(f"PostgreSQL and Redis up, {result.stdout.strip()}")

    def start_api(self) -> tuple[subprocess.Popen[bytes], float]:
        """`ayni serve` on the server core; (process, seconds from start to the first 200 from /health)."""
        self.api_port = procs.free_port()
        start = time.monotonic()
        process = self.procs.start(
            "api", [*self.ayni, "serve", "--port", str(self.api_port)], self.server_core, self.env
        )
        try:
            ready = procs.wait_http_200(self.api_port)
        except TimeoutError:
            raise SystemExit(f"bench: ayni serve did not answer:\n{self.procs.log_tail('api')}") from None
        return process, ready - start

    # --- phases -------------------------------------------------------------------------------------------

    def cold_start(self) -> None:
        """`ayni serve` from Popen to its first 200, and, alternating with it, the bare ceiling's start (Python,
        uvicorn, uvloop and one ASGI function) for scale: how much of the start is the machine's and how much
        Ayni's own imports and set-up."""
        say(f"cold start: 1 unmeasured + {self.plan.cold_starts} measured starts of ayni serve and of the ceiling")
        times, bare = [], []
        for index in range(self.plan.cold_starts + 1):
            process, seconds = self.start_api()
            self.procs.stop(process)
            port = procs.free_port()
            start = time.monotonic()
            ceiling_process = self.procs.start(
                "ceiling-start", [self.python, str(procs.BENCH / "ceiling.py"), str(port), "--bare"], self.server_core,
                self.env,
            )  # fmt: skip
            bare_seconds = procs.wait_http_200(port) - start
            self.procs.stop(ceiling_process)
            if index:  # the first one may write bytecode caches
                times.append(seconds)
                bare.append(bare_seconds)
        self.table.add("cold start, ayni serve -> first 200 /health", "s", times, "cold_start_s")
        self.table.add("bare ASGI app start -> first 200 (for scale)", "s", bare)
        self.table.add("cold start vs the bare start", "ratio", [t / b for t, b in zip(times, bare, strict=True)])

    def sign_in(self) -> None:
        base = f"http://127.0.0.1:{self.api_port}/api/v1/auth"
        status, answer = http_json(
            "POST", f"{base}/register", {"email": self.email, "password": self.password, "full_name": "Bench"}
        )
        if status not in (201, 409):
            self.table.notes.append(f"register answered {status}: {answer}; auth figures skipped")
            return
        status, answer = http_json("POST", f"{base}/login", {"email": self.email, "password": self.password})
        if status != 200 or not isinstance(answer, dict):
            self.table.notes.append(f"login answered {status}: {answer}; auth figures skipped")
            return
        token = str(answer["access_token"])
        status, answer = http_json("GET", f"{base}/me", token=token)
        if status != 200:
            self.table.notes.append(f"/me answered {status}: {answer}; auth figures skipped")
            return
        self.token = token
        self.company()

    def company(self) -> None:
        """A company with two locations for `locations_vs_me` (creating one needs a verified address)."""
        import psycopg

        with psycopg.connect(self.servers.postgres.url, autocommit=True) as db:
            db.execute("UPDATE users SET email_verified_at = now() WHERE email = %s", (self.email,))
        base = f"http://127.0.0.1:{self.api_port}/api/v1/companies"
        body = {"name": "Bench", "industry": "other", "country": "PE", "currency": "PEN"}
        status, answer = http_json("POST", base, body, token=self.token)
        if status != 201 or not isinstance(answer, dict):
            self.table.notes.append(f"creating a company answered {status}: {answer}; locations_vs_me skipped")
            return
        url = f"{base}/{answer['id']}/locations"
        for code in ("1", "2"):
            http_json("POST", url, {"name": f"Local {code}", "code": code}, token=self.token)
        self.locations_url = url

    def wrk_at_64(self, target: Target, seconds: float) -> load.WrkResult:
        """wrk from the load core at 64 connections against `target` (URL, headers, the server's pid)."""
        url, headers, pid = target
        return load.wrk(
            url, core=self.load_core, connections=64, seconds=seconds, script_dir=self.workdir, headers=headers,
            server_pid=pid,
        )  # fmt: skip

    def http(self) -> None:
        """The interleaved 64-connection runs: the ceilings, /health, /me, the minimal /me, the locations list."""
        plan = self.plan
        assert self.api is not None
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else None
        ceilings = {  # name: (script and arguments, path, headers)
            "ceiling": (["ceiling.py"], "/health", None),
            "ceiling_bare": (["ceiling.py", "--bare"], "/health", None),
        }
        if auth:
            ceilings["minimal_me"] = (["minimal_me.py"], "/api/v1/auth/me", auth)
        targets: dict[str, Target] = {}
        started = []
        for name, (script, path, headers) in ceilings.items():
            port = procs.free_port()
            command = [self.python, str(procs.BENCH / script[0]), str(port), *script[1:]]
            started.append(self.procs.start(name, command, self.server_core, self.env))
            procs.wait_http_200(port, any_status=True)  # the minimal /me answers /health with a 401
            targets[name] = (f"http://127.0.0.1:{port}{path}", headers, started[-1].pid)
        targets["health"] = (f"http://127.0.0.1:{self.api_port}/health", None, self.api.pid)
        if auth:
            targets["me"] = (f"http://127.0.0.1:{self.api_port}/api/v1/auth/me", auth, self.api.pid)
        if auth and self.locations_url:
            targets["locations"] = (self.locations_url, auth, self.api.pid)
        self.check_same_bytes(targets, {"ceiling": "health", "minimal_me": "me"})

        def run(name: str, seconds: float) -> load.WrkResult:
            return self.wrk_at_64(targets[name], seconds)

        say(f"HTTP: warm-up {plan.warmup_s:.0f} s each, then {plan.reps} x {plan.run_s:.0f} s of " + ", ".join(targets))
        for name in targets:
            run(name, plan.warmup_s)
        results: dict[str, list[load.WrkResult]] = {name: [] for name in targets}
        for rep in range(plan.reps):
            for name in targets:  # interleaved: drift on the shared machine hits all alike
                results[name].append(run(name, plan.run_s))
            line = ", ".join(f"{n} {results[n][-1].ok_per_s:.0f}/s" for n in targets)
            say(f"  rep {rep + 1}: {line}")
        for process in started:
            self.procs.stop(process)
        for name, rs in results.items():
            bad = sum(r.errors for r in rs)
            if bad:
                self.table.notes.append(f"{name}: {bad} errors at 64 connections")
        self.http_table(results)

    def check_same_bytes(self, targets: dict[str, Target], pairs: dict[str, str]) -> None:
        """Each ceiling's answer against Ayni's, byte for byte (the date's and the request id's values aside):
        a note either way, with both answers when they differ."""
        for ceiling_name, ayni_name in pairs.items():
            if ceiling_name not in targets or ayni_name not in targets:
                continue
            answers = []
            for name in (ceiling_name, ayni_name):
                url, headers, _ = targets[name]
                port, path = url.removeprefix("http://127.0.0.1:").split("/", 1)
                answers.append(ceiling.raw_answer(int(port), "/" + path, headers))
            if ceiling.same_bytes(*answers):
                self.table.notes.append(f"{ceiling_name} answers the same bytes as Ayni's {ayni_name}")
            else:
                differ = f"{ceiling_name} does NOT answer the same bytes as Ayni's {ayni_name}"
                self.table.notes.append(f"{differ}: {answers[0]!r} vs {answers[1]!r}")

    def http_table(self, results: dict[str, list[load.WrkResult]]) -> None:
        def rates(name: str) -> list[float]:
            return [r.ok_per_s for r in results.get(name, [])]

        def ratios(name: str, of: str) -> list[float]:
            return [a / b for a, b in zip(rates(name), rates(of), strict=False)]

        def cpu(name: str) -> list[float]:
            return [r.cpu_us_per_ok for r in results.get(name, [])]

        def cpu_ratios(name: str, of: str) -> list[float]:
            return [b / a for a, b in zip(cpu(name), cpu(of), strict=False)]

        table = self.table
        table.add("ceiling: bare ASGI, /health's bytes and headers", "req/s", rates("ceiling"))
        table.add("ayni GET /health", "req/s", rates("health"))
        table.add("health_vs_ceiling", "ratio", ratios("health", "ceiling"), "health_vs_ceiling")
        table.add("bare ceiling: the body and 2 headers", "req/s", rates("ceiling_bare"))
        table.add("health vs the bare ceiling", "ratio", ratios("health", "ceiling_bare"))
        table.add("ceiling p99 at 64 connections", "ms", [r.p99_ms for r in results["ceiling"]])
        table.add("health p99 at 64 connections", "ms", [r.p99_ms for r in results["health"]], "health_p99_ms")
        table.add("minimal ASGI /me: pyjwt, asyncpg, same bytes", "req/s", rates("minimal_me"))
        table.add("ayni GET /api/v1/auth/me", "req/s", rates("me"))
        table.add("me_vs_minimal", "ratio", ratios("me", "minimal_me"), "me_vs_minimal")
        table.add("me_vs_ceiling (against the bare ceiling)", "ratio", ratios("me", "ceiling_bare"))
        table.add("minimal /me p99 at 64 connections", "ms", [r.p99_ms for r in results.get("minimal_me", [])])
        table.add("me p99 at 64 connections", "ms", [r.p99_ms for r in results.get("me", [])], "me_p99_ms")
        # A company-scoped read pays for the membership check and the RLS settings on top of /me's work.
        table.add("ayni GET /api/v1/companies/{cid}/locations", "req/s", rates("locations"))
        table.add("locations_vs_me", "ratio", ratios("locations", "me"), "locations_vs_me")
        # The same comparisons in server CPU time per answer: steady on a shared machine, and they show whether
        # a ceiling saturated its core (if not, the load generator was the limit and req/s flatters Ayni).
        table.add("ceiling: server core busy", "share", [r.server_busy for r in results["ceiling"]])
        table.add("ceiling: CPU per answer", "us", cpu("ceiling"))
        table.add("bare ceiling: CPU per answer", "us", cpu("ceiling_bare"))
        table.add("ayni /health: CPU per answer", "us", cpu("health"))
        table.add("minimal /me: server core busy", "share", [r.server_busy for r in results.get("minimal_me", [])])
        table.add("minimal /me: CPU per answer", "us", cpu("minimal_me"))
        table.add("ayni /me: CPU per answer", "us", cpu("me"))
        table.add("ayni locations: CPU per answer", "us", cpu("locations"))
        table.add("health_vs_ceiling by CPU time", "ratio", cpu_ratios("health", "ceiling"))
        table.add("me_vs_minimal by CPU time", "ratio", cpu_ratios("me", "minimal_me"))

    def login(self) -> None:
        if not self.token:
            self.table.add("login_vs_argon2", "ratio", [], "login_vs_argon2")
            return
        plan = self.plan
        url = f"http://127.0.0.1:{self.api_port}/api/v1/auth/login"
        body = json.dumps({"email": self.email, "password": self.password})

        assert self.api is not None
        api_pid = self.api.pid

        def logins(seconds: float) -> load.WrkResult:
            # 4 connections: under the sign-in limit of 5 attempts in flight per account and address.
            return load.wrk(
                url, core=self.load_core, connections=4, seconds=seconds, script_dir=self.workdir,
                method="POST", body=body, timeout_s=10, server_pid=api_pid,
            )  # fmt: skip

        def argon2(seconds: float) -> tuple[float, float]:
            out = subprocess.run(
                ["taskset", "-c", str(self.server_core), self.python, str(procs.BENCH / "argon2_rate.py"),
                 str(seconds)],
                env=self.env, capture_output=True, text=True, check=True, cwd=procs.ROOT,
            )  # fmt: skip
            rate, cpu = out.stdout.split()
            return float(rate), float(cpu)

        say(
            f"login: warm-up, then {plan.reps} x ({plan.login_s:.0f} s raw argon2id on the server core, "
            f"{plan.login_s:.0f} s of logins)"
        )
        logins(plan.warmup_s)
        raw, ok, ratios, cpu_ratios = [], [], [], []
        for rep in range(plan.reps):
            rate, cpu_per_verify = argon2(plan.login_s)
            result = logins(plan.login_s)
            cpu_ratios.append(cpu_per_verify * 1e6 / result.cpu_us_per_ok)
            if result.errors:
                self.table.notes.append(f"login rep {rep + 1}: {result.errors} errors (non-200 or socket)")
            raw.append(rate)
            ok.append(result.ok_per_s)
            ratios.append(result.ok_per_s / rate)
            say(f"  rep {rep + 1}: argon2id {rate:.1f}/s, logins {result.ok_per_s:.1f}/s")
        self.table.add("ceiling: argon2id verify, same params, 1 thread", "1/s", raw)
        self.table.add("ayni POST /auth/login (200s)", "1/s", ok)
        self.table.add("login_vs_argon2", "ratio", ratios, "login_vs_argon2")
        self.table.add("login_vs_argon2 by CPU time", "ratio", cpu_ratios)

    def many_connections(self) -> None:
        if not self.token:
            return
        seconds = self.plan.c1000_s
        say(f"1000 connections on /api/v1/auth/me for {seconds:.0f} s")
        result = load.wrk(
            f"http://127.0.0.1:{self.api_port}/api/v1/auth/me", core=self.load_core, connections=1000,
            seconds=seconds, script_dir=self.workdir, headers={"Authorization": f"Bearer {self.token}"}, timeout_s=5,
            server_pid=self.api.pid if self.api else None,
        )  # fmt: skip
        label = f"me, 1000 connections, {seconds:.0f} s"
        if self.plan is QUICK:
            label += " (quick: 30 s in full)"
        self.table.add(f"{label}: req/s", "req/s", [result.ok_per_s])
        self.table.add(f"{label}: p95", "ms", [result.p95_ms])
        self.table.add(f"{label}: p99", "ms", [result.p99_ms])
        self.table.add(f"{label}: errors", "count", [float(result.errors)])
        self.table.add(f"{label}: CPU per answer", "us", [result.cpu_us_per_ok])
        self.table.notes.append(
            f"1000 connections: {result.requests} answers, {result.errors_status} non-2xx, "
            f"{result.errors_socket} socket errors (connect/read/write/timeout at 5 s)"
        )

    def jobs(self) -> None:
        """Ayni's ping jobs (HTTP enqueue to `succeeded`, API and worker on the server core) against a bare Dramatiq
        worker's no-op messages; the key compares their CPU per job (the rates compare Dramatiq's consumer sleeps
        with Ayni's CPU: bench/README.md, "Figures that travel"). Per job, the CPU of every process and the counts
        that explain it (context switches, Redis commands), and what a thread handoff costs here."""
        if not self.token:
            self.table.add("jobs_vs_raw_dramatiq", "ratio", [], "jobs_vs_raw_dramatiq")
            return
        plan = self.plan
        processes, threads = self.env["WORKER_PROCESSES"], self.env["WORKER_THREADS"]
        raw_worker = self.procs.start(
            "raw-dramatiq",
            [self.python, str(procs.BENCH / "raw_dramatiq.py"), "worker", self.servers.redis.url, processes, threads],
            self.server_core,
            self.env,
        )
        worker = self.procs.start("worker", [*self.ayni, "worker"], self.server_core, self.env)
        say(
            f"jobs: workers of {processes} process(es) x {threads} threads; warm-up, then {plan.reps} x "
            f"({plan.jobs} raw messages, {plan.jobs} ayni jobs)"
        )
        import psycopg

        assert self.api is not None
        assert self.servers.postgres.process is not None
        assert self.servers.redis.process is not None
        pids = {
            "api": self.api.pid, "worker": worker.pid, "raw": raw_worker.pid,
            "postgres": self.servers.postgres.process.pid, "redis": self.servers.redis.process.pid,
        }  # fmt: skip
        client = redis.Redis.from_url(self.servers.redis.url)
        with psycopg.connect(self.servers.postgres.url, autocommit=True) as db:
            self.job_settings(db, client)

            def snapshot() -> dict[str, float]:
                values = {name: procs.cpu_tree(pid) for name, pid in pids.items()}
                values |= {f"{name} switches": float(procs.switches(pids[name])) for name in ("api", "worker", "raw")}
                values["commands"] = float(client.info("stats")["total_commands_processed"])
                values["time"] = time.perf_counter()
                return values

            def per(before: dict[str, float], count: int) -> dict[str, float]:
                after = snapshot()
                used = {name: (after[name] - before[name]) for name in before}
                return {name: value / count for name, value in used.items()} | {"elapsed": used["time"]}

            self.ayni_jobs(db, 200)
            raw_dramatiq.drain_rate(self.servers.redis.url, 500)
            rows: dict[str, tuple[str, list[float]]] = {}

            def add(label: str, unit: str, value: float) -> None:
                rows.setdefault(label, (unit, []))[1].append(value)

            for rep in range(plan.reps):
                before = snapshot()
                raw_rate = raw_dramatiq.drain_rate(self.servers.redis.url, plan.jobs)
                raw = per(before, plan.jobs + 1)  # the wake-up message too
                before = snapshot()
                rate, enqueue_rate = self.ayni_jobs(db, plan.jobs)
                ours = per(before, plan.jobs + 1)
                add("bare dramatiq no-op messages", "1/s", raw_rate)
                add("ayni ping jobs: HTTP enqueue -> succeeded", "1/s", rate)
                add("ayni ping jobs: HTTP 202s alone", "1/s", enqueue_rate)
                add("ayni jobs/s vs bare dramatiq messages/s (the earlier key)", "ratio", rate / raw_rate)
                add("raw dramatiq worker: CPU per message", "us", raw["raw"] * 1e6)
                add("raw dramatiq worker: server core busy", "share", raw["raw"] * plan.jobs / raw["elapsed"])
                add("ayni API: CPU per job", "us", ours["api"] * 1e6)
                add("ayni worker: CPU per job", "us", ours["worker"] * 1e6)
                add("ayni API + worker: CPU per job", "us", (ours["api"] + ours["worker"]) * 1e6)
                add("ayni: server core busy", "share", (ours["api"] + ours["worker"]) * plan.jobs / ours["elapsed"])
                add("jobs_vs_raw_dramatiq", "ratio", raw["raw"] / (ours["api"] + ours["worker"]))
                add("ayni: PostgreSQL CPU per job (load core)", "us", ours["postgres"] * 1e6)
                add("ayni: Redis CPU per job (load core)", "us", ours["redis"] * 1e6)
                add("raw: Redis CPU per message (load core)", "us", raw["redis"] * 1e6)
                add(
                    "ayni: context switches per job, API + worker",
                    "count",
                    ours["api switches"] + ours["worker switches"],
                )
                add("raw: context switches per message", "count", raw["raw switches"])
                add("ayni: Redis commands per job", "count", ours["commands"])
                add("raw: Redis commands per message", "count", raw["commands"])
                say(
                    f"  rep {rep + 1}: raw dramatiq {raw_rate:.0f}/s, ayni {rate:.0f}/s (HTTP enqueue alone "
                    f"{enqueue_rate:.0f}/s), CPU per job {(ours['api'] + ours['worker']) * 1e6:.0f} us"
                )
        client.close()
        for label, (unit, values) in rows.items():
            self.table.add(label, unit, values, label if label == "jobs_vs_raw_dramatiq" else None)
        self.table.add("worker RSS after the jobs (no import yet)", "MiB", [procs.rss_mb(worker.pid)])
        self.table.add("raw dramatiq worker RSS (for scale)", "MiB", [procs.rss_mb(raw_worker.pid)])
        self.procs.stop(raw_worker)
        self.procs.stop(worker)
        out = subprocess.run(
            ["taskset", "-c", str(self.server_core), self.python, str(procs.BENCH / "handoff.py"), "20000"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        handoff, syscall = (float(v) for v in out.stdout.split())
        self.table.add("machine: thread handoff round trip, one core", "us", [handoff])
        self.table.add("machine: a system call (os.getppid)", "us", [syscall])

    def job_settings(self, db: object, client: redis.Redis) -> None:
        """A note of the durability settings the job path's PostgreSQL and Redis run with."""
        names = ("fsync", "synchronous_commit", "full_page_writes", "wal_level")
        shown = ", ".join(f"{n}={db.execute(f'SHOW {n}').fetchone()[0]}" for n in names)  # type: ignore[attr-defined]
        saved = client.config_get("save")["save"] or "''"
        appendonly = client.config_get("appendonly")["appendonly"]
        self.table.notes.append(f"jobs: PostgreSQL {shown}; Redis save={saved}, appendonly={appendonly}")

    def enumeration(self, samples: int = 50) -> None:
        """Issue 10, finding 2: do `password-reset` and `verify-email/resend` take longer for an existing
        account than for an unknown address? `samples` answers each, interleaved, timed from this side. The
        limits of those routes (a few per address and hour) are lifted between requests by deleting their
        Redis counters, outside the timed part."""
        client = redis.Redis.from_url(self.servers.redis.url)
        base = f"http://127.0.0.1:{self.api_port}/api/v1/auth"
        say(f"enumeration: {samples} timed answers each for a known and an unknown address, reset and resend")
        for route, key in (("password-reset", "reset_timing_gap_ms"), ("verify-email/resend", "resend_timing_gap_ms")):
            timings: dict[str, list[float]] = {"known": [], "unknown": []}
            for n in range(samples + 5):  # the first 5 rounds warm up
                for who, email in (("known", self.email), ("unknown", f"nobody{n}@example.com")):
                    for name in client.scan_iter("ayni:throttle:*"):
                        client.delete(name)
                    start = time.perf_counter()
                    status, _ = http_json("POST", f"{base}/{route}", {"email": email})
                    elapsed = (time.perf_counter() - start) * 1000
                    if status != 202:
                        raise SystemExit(f"bench: {route} answered {status}")
                    if n >= 5:
                        timings[who].append(elapsed)
            known, unknown = timings["known"], timings["unknown"]
            self.table.add(f"{route}: existing account", "ms", known)
            self.table.add(f"{route}: unknown address", "ms", unknown)
            gap = abs(statistics.median(known) - statistics.median(unknown))
            self.table.add(f"{route}: gap of the medians", "ms", [gap], key)
            overlap = max(min(known), min(unknown)) <= min(max(known), max(unknown))
            self.table.notes.append(f"{route}: the two ranges {'overlap' if overlap else 'DO NOT overlap'}")
        client.close()

    def imports(self) -> None:
        """Sales imports (issue 13): the demo file over HTTP into a new demo-like company of the bench's account,
        loaded by a fresh `ayni worker` (after a small warm-up import), then plain COPY of the same rows; the two
        alternate, `import_reps` times."""
        keys = ("import_1m_s", "import_vs_copy", "import_worker_rss_mb", "upload_api_rss_delta_mb")
        if not self.token:
            for key in keys:
                self.table.add(key, "", [], key)
            return
        plan = self.plan
        say(f"imports: writing the demo file ({plan.import_lines:,} lines) and a {WARM_UP_LINES:,}-line one")
        demo, warm_up = self.workdir / "demo-sales.csv", self.workdir / "warm-up-sales.csv"
        size = imports.write_demo(demo, plan.import_lines)
        imports.write_demo(warm_up, WARM_UP_LINES)
        worker = self.procs.start("import-worker", [*self.ayni, "worker"], self.server_core, self.env)
        runs: list[imports.Measured] = []
        try:
            self.import_done(*self.upload(self.demo_company("Bench warm-up"), warm_up))
            for rep in range(plan.import_reps):
                procs.wait_childless(worker.pid)  # "before the import" is the idle worker's own
                runs.append(self.import_once(f"Bench imports {rep + 1}", demo, worker.pid))
                say(
                    f"  rep {rep + 1}: upload {runs[-1].upload_s:.1f} s, import {runs[-1].done.seconds:.1f} s, "
                    f"COPY {runs[-1].copy_s:.1f} s"
                )
            time.sleep(IDLE_S)
            idle_rss = procs.rss_mb(worker.pid)
        except imports.ImportFailed as exc:
            self.table.notes.append(f"imports: {exc}; import figures skipped")
            for key in (*keys, "worker_rss_mb"):
                self.table.add(key, "", [], key)
            return
        finally:
            self.procs.stop(worker)
        assert self.api is not None
        self.table.add(f"worker RSS, idle {IDLE_S:.0f} s after its imports", "MiB", [idle_rss], "worker_rss_mb")
        engine = [line for line in Path(f"/proc/{self.api.pid}/maps").read_text().splitlines() if "polars" in line]
        self.table.notes.append(
            "the API process has polars (the import engine) mapped: it must not"
            if engine
            else "the API process has no polars (the import engine) mapped after the uploads"
        )
        quick = " (quick: 1M in full)" if plan is QUICK else ""
        self.table.add(f"upload, {size / 1e6:.0f} MB streamed -> 201", "s", [r.upload_s for r in runs])
        self.table.add(
            f"import, {plan.import_lines:,} demo lines{quick}: 201 -> succeeded", "s",
            [r.done.seconds for r in runs], "import_1m_s",
        )  # fmt: skip
        self.table.add("import: lines per second", "1/s", [r.lines_per_s for r in runs])
        self.table.add("plain COPY of the same rows into a like table", "1/s", [r.copy_rows_per_s for r in runs])
        self.table.add("import_vs_copy", "ratio", [r.lines_per_s / r.copy_rows_per_s for r in runs], "import_vs_copy")
        self.table.add("worker RSS before the import", "MiB", [r.worker_rss.before for r in runs])
        self.table.add(
            "worker peak RSS during the import", "MiB", [r.worker_rss.peak for r in runs], "import_worker_rss_mb"
        )
        self.table.add("API RSS before the upload", "MiB", [r.api_rss.before for r in runs])
        self.table.add(
            "API RSS: peak during the upload - before", "MiB",
            [r.api_rss.peak - r.api_rss.before for r in runs], "upload_api_rss_delta_mb",
        )  # fmt: skip
        last = runs[-1]
        stages = ", ".join(f"{stage} at {seconds:.1f} s" for stage, seconds in last.done.stages.items())
        self.table.notes.append(f"import stages first seen after the 201 (last rep): {stages}")
        peak_s, peak_stage = last.worker_rss.peak_at - last.done.started, last.done.stage_at(last.worker_rss.peak_at)
        self.table.notes.append(f"worker RSS peak (last rep) at {peak_s:.1f} s after the 201, in {peak_stage}")

    def analytics(self) -> None:
        """Analytics (issue 14) on the company the imports phase filled last: each endpoint's requests/s against
        /auth/me's at 64 connections, interleaved as in `http` (the same question again and again, as a dashboard
        asks it: answered from the answers the API keeps); the first answer of a question apart; and the overview
        against its figures summed from the sale lines."""
        keys = {f"{name}_vs_me": name for name in analytics.ENDPOINTS}
        company = self.imported_company
        if not self.token or company is None:
            for key in [*keys, "overview_vs_lines_scan"]:
                self.table.add(key, "", [], key)
            return
        plan = self.plan
        api = f"http://127.0.0.1:{self.api_port}/api/v1"
        base = f"{api}/companies/{company}/analytics"
        first_ms, last, locations = self.first_answers(company)
        scan_ms = analytics.lines_scan_ms(self.servers.postgres.url, company, last, analytics.VARIANTS)
        auth = {"Authorization": f"Bearer {self.token}"}
        urls = {"me": f"{api}/auth/me"} | {
            name: f"{base}/{analytics.question(name, last, locations)}" for name in analytics.ENDPOINTS
        }

        def run(name: str, seconds: float) -> load.WrkResult:
            assert self.api is not None
            return self.wrk_at_64((urls[name], auth, self.api.pid), seconds)

        say(
            f"analytics: warm-up {plan.warmup_s:.0f} s each, then {plan.reps} x {plan.run_s:.0f} s of "
            + ", ".join(urls)
        )
        for name in urls:
            run(name, plan.warmup_s)
        results: dict[str, list[load.WrkResult]] = {name: [] for name in urls}
        for rep in range(plan.reps):
            for name in urls:
                results[name].append(run(name, plan.run_s))
            say(f"  rep {rep + 1}: " + ", ".join(f"{n} {results[n][-1].ok_per_s:.0f}/s" for n in urls))
        lines = f"{plan.import_lines:,}-line demo company" + (" (quick: 1M in full)" if plan is QUICK else "")
        self.table.notes.append(f"analytics: on the {lines}, data through {last}; questions: " + "; ".join(
            f"{name} {urls[name].split('/analytics/')[1]}" for name in analytics.ENDPOINTS
        ))  # fmt: skip
        me = results["me"]
        self.table.add("ayni GET /api/v1/auth/me (beside analytics)", "req/s", [r.ok_per_s for r in me])
        for key, name in keys.items():
            rs = results[name]
            if any(r.errors for r in rs):
                self.table.notes.append(f"analytics {name}: {sum(r.errors for r in rs)} errors at 64 connections")
            self.table.add(f"analytics {name}", "req/s", [r.ok_per_s for r in rs])
            self.table.add(key, "ratio", [r.ok_per_s / m.ok_per_s for r, m in zip(rs, me, strict=True)], key)
            self.table.add(f"analytics {name} p99 at 64 connections", "ms", [r.p99_ms for r in rs])
            self.table.add(f"analytics {name}: first answer of a question", "ms", [first_ms[name]])
        self.table.add("overview's figures summed from the sale lines (one query)", "ms", [scan_ms])
        self.table.add("overview_vs_lines_scan", "ratio", [scan_ms / first_ms["overview"]], "overview_vs_lines_scan")

    def dashboard(self) -> None:
        """The web app's dashboard (issue 15) in Chromium, on the company the imports phase filled: a second `ayni
        serve` on the server core serving the built app (frontend/dist, built if missing), the browser on the load
        core; a year by day, from navigation to every chart drawn, and a change of period until drawn again
        (frontend/scripts/dashboard-bench/real-api.mjs)."""
        keys = ("dashboard_ready_s", "dashboard_switch_ms")
        missing = [
            what for what, there in (("node", shutil.which("node")), ("Chromium", CHROMIUM.exists())) if not there
        ]
        if not self.token or self.imported_company is None or missing:
            self.table.notes.append(f"dashboard skipped: {', '.join(missing) or 'no imported company'}")
            for key in keys:
                self.table.add(key, "", [], key)
            return
        frontend = procs.ROOT / "frontend"
        if not (frontend / "dist" / "index.html").exists():
            say("dashboard: building the web app (npm run build)")
            subprocess.run(["npm", "run", "--silent", "build"], cwd=frontend, check=True, stdout=subprocess.DEVNULL)
        port = procs.free_port()
        env = {**self.env, "FRONTEND_DIST": str(frontend / "dist"), "FRONTEND_HOST": f"http://127.0.0.1:{port}"}
        api = self.procs.start("api-web", [*self.ayni, "serve", "--port", str(port)], self.server_core, env)
        try:
            procs.wait_http_200(port)
            _, overview = http_json(
                "GET", f"http://127.0.0.1:{port}/api/v1/companies/{self.imported_company}/analytics/overview",
                token=self.token,
            )  # fmt: skip
            if not isinstance(overview, dict):
                raise SystemExit(f"bench: the dashboard's company did not answer: {overview}")
            last = date.fromisoformat(overview["data_through"])
            runs = 3 if self.plan is QUICK else 5
            say(f"dashboard: {runs} loads of a year by day in Chromium, each with two changes of period")
            measured = subprocess.run(
                ["taskset", "-c", str(self.load_core), "node", str(DASHBOARD_SCRIPT), f"http://127.0.0.1:{port}",
                 self.email, self.password, str(self.imported_company), str(last - timedelta(days=364)), str(last),
                 str(runs)],
                cwd=frontend, capture_output=True, text=True, check=False, timeout=600,
            )  # fmt: skip
        finally:
            self.procs.stop(api)
        if measured.returncode != 0:
            self.table.notes.append(f"dashboard failed: {measured.stderr.strip()[-500:]}")
            for key in keys:
                self.table.add(key, "", [], key)
            return
        result = json.loads(measured.stdout.strip().splitlines()[-1])
        if result["errors"]:
            self.table.notes.append(f"dashboard: errors in the page: {sorted(set(result['errors']))[:3]}")
        self.table.add("dashboard: navigation -> every chart drawn (a year by day)", "s",
                       [ms / 1000 for ms in result["load_ms"]], "dashboard_ready_s")  # fmt: skip
        self.table.add("dashboard: a change of period -> drawn again", "ms", result["switch_ms"], "dashboard_switch_ms")

    def users(self) -> None:
        """Users, not connections (issue 16): 1,000 simulated users each opening the dashboard every 2 s on the
        company the imports phase filled, open loop, at WEB_CONCURRENCY 1 and 2; when 1,000 is too many, the
        largest count that keeps p95 within the goal."""
        company = self.imported_company
        if not self.token or company is None:
            self.table.add("users_1000_p95_ms", "ms", [], "users_1000_p95_ms")
            return
        paths = users.dashboard_paths(company, DEMO_COMPANY.timezone)
        tokens = users.mint_tokens(self.servers.postgres.url, self.email, self.env["JWT_SECRET"], USERS)
        say(f"users: {USERS} sessions minted; {len(paths)} requests per dashboard open, every {users.PERIOD_S:.0f} s")
        self.dashboard_profile(paths, tokens[0])
        outcomes = {concurrency: self.users_at(concurrency, paths, tokens) for concurrency in (1, 2)}
        chosen = max(outcomes, key=lambda c: (outcomes[c].most, -outcomes[c].full.result.percentile(95)))
        for concurrency, outcome in outcomes.items():
            self.users_rows(concurrency, outcome, concurrency == chosen)
        self.table.add("users_1000_p95_ms", "ms", [outcomes[chosen].full.result.percentile(95)], "users_1000_p95_ms")
        self.table.notes.append(
            f"users: WEB_CONCURRENCY={chosen} chosen (more users within p95 <= {users.GOAL_P95_MS:.0f} ms and no "
            f"error: {outcomes[1].most} with 1 process, {outcomes[2].most} with 2)"
        )

    def dashboard_profile(self, paths: list[str], token: str) -> None:
        """Where a dashboard open's CPU goes: each of its requests alone under wrk (16 connections, 2 s), as a
        first open asks it (no If-None-Match: the answer the API keeps) and as a later one (its ETag: a 304);
        the API's CPU time per answer, on the server core."""
        assert self.api is not None
        auth = {"Authorization": f"Bearer {token}"}
        say("users: the dashboard's requests one by one, 200 and 304, 2 s each")
        for path in paths:
            url = f"http://127.0.0.1:{self.api_port}{path}"
            etag = ceiling.raw_answer(self.api_port, path, auth).partition(b"\r\netag: ")[2].partition(b"\r\n")[0]
            name = users.label(path)
            for variant, headers in (("200", auth), ("304", {**auth, "If-None-Match": etag.decode()})):
                if variant == "304" and not etag:
                    continue
                result = load.wrk(
                    url, core=self.load_core, connections=16, seconds=2, script_dir=self.workdir, headers=headers,
                    server_pid=self.api.pid,
                )  # fmt: skip
                self.table.add(f"dashboard {name}, {variant}: API CPU per answer", "us", [result.cpu_us_per_ok])
                if result.errors:
                    self.table.notes.append(f"dashboard {name}, {variant}: {result.errors} errors")

    def users_at(self, concurrency: int, paths: list[str], tokens: list[str]) -> UsersOutcome:
        """Against `ayni serve` with WEB_CONCURRENCY=`concurrency` (1: the API on the server core; 2: a new `ayni
        serve` on both cores, beside the load generator, PostgreSQL and Redis, as on a 2-core machine): a light
        run that measures the CPU an answer costs, the 1,000-user run and, when it misses the goal, a search for
        the largest user count that meets it, starting from what the light run's CPU figures predict."""
        if concurrency == 1:
            assert self.api is not None
            api, port = self.api, self.api_port
        else:
            port = procs.free_port()
            env = {**self.env, "WEB_CONCURRENCY": str(concurrency)}
            cores = f"{self.server_core},{self.load_core}"
            api = self.procs.start("api-2", [*self.ayni, "serve", "--port", str(port)], cores, env)
            procs.wait_http_200(port)
        assert self.servers.postgres.process is not None
        assert self.servers.redis.process is not None
        others = (self.servers.postgres.process.pid, self.servers.redis.process.pid)
        seconds = self.plan.users_s
        runs: dict[int, UsersRun] = {}

        def run(count: int) -> bool:
            procs.wait_idle(api.pid)  # what the last run left queued is answered, its connections closed
            api_cpu, other_cpu = procs.cpu_tree(api.pid), sum(procs.cpu_tree(pid) for pid in others)
            result = load.open_loop(port, users.schedule(count, seconds), seconds, paths, tokens[:count])
            other_cpu = sum(procs.cpu_tree(pid) for pid in others) - other_cpu + result.client_cpu_s
            runs[count] = UsersRun(result, procs.cpu_tree(api.pid) - api_cpu, other_cpu)
            say(
                f"  WEB_CONCURRENCY={concurrency}, {count} users: p95 {result.percentile(95):.0f} ms, "
                f"{result.errors} errors, {result.answered_per_s:.0f} of {result.scheduled_per_s:.0f} req/s"
            )
            return users.meets_goal(result)

        try:
            # A dashboard opened once before: the API has computed each answer (as after the first visitor).
            load.open_loop(port, [(0.0, 0)], 1.0, paths, tokens[:1])
            good = LIGHT_USERS if run(LIGHT_USERS) else 0
            light = runs[LIGHT_USERS]
            guess = light.predicted_users(concurrency, len(paths) / users.PERIOD_S)
            bad = None if run(USERS) else USERS
            good = USERS if bad is None else good
            while bad is not None and bad - good > max(10, good // 20) and len(runs) < self.plan.users_runs:
                count = guess if good < guess < bad else (good + bad) // 20 * 10
                if run(count):
                    good = count
                else:
                    bad = count
        finally:
            if api is not self.api:
                self.procs.stop(api)
        return UsersOutcome(light, runs[USERS], good, runs.get(good), guess)

    def users_rows(self, concurrency: int, outcome: UsersOutcome, chosen: bool) -> None:
        full = outcome.full.result
        label = f"users, WEB_CONCURRENCY={concurrency}{' (chosen)' if chosen else ''}"
        if self.plan is QUICK:
            label += f", {self.plan.users_s:.0f} s runs"
        table = self.table
        for q in (50, 95, 99):
            table.add(f"{label}, {USERS}: p{q}", "ms", [full.percentile(q)])
        table.add(f"{label}, {USERS}: dashboard open p95", "ms", [full.percentile(95, full.opens_ms)])
        table.add(f"{label}, {USERS}: errors", "count", [float(full.errors)])
        table.add(f"{label}, {USERS}: scheduled", "req/s", [full.scheduled_per_s])
        table.add(f"{label}, {USERS}: answered", "req/s", [full.answered_per_s])
        table.add(f"{label}, {USERS}: API CPU", "cores", [outcome.full.api_cpu_s / full.elapsed_s])
        table.add(f"{label}, {USERS}: PG, Redis, generator CPU", "cores", [outcome.full.other_cpu_s / full.elapsed_s])
        light = outcome.light
        table.add(f"{label}, {LIGHT_USERS}: p95", "ms", [light.result.percentile(95)])
        table.add(f"{label}, {LIGHT_USERS}: API CPU per answer", "us", [light.api_us])
        table.add(f"{label}, {LIGHT_USERS}: PG, Redis, generator per answer", "us", [light.other_us])
        table.add(f"{label}: users its CPU predicts at 80 %", "users", [float(outcome.predicted)])
        table.add(f"{label}: most users, p95 <= {users.GOAL_P95_MS:.0f} ms", "users", [float(outcome.most)])
        if outcome.at_goal is not None and outcome.most not in (USERS, LIGHT_USERS):
            at = outcome.at_goal
            table.add(f"{label}, {outcome.most}: p95", "ms", [at.result.percentile(95)])
            table.add(f"{label}, {outcome.most}: answered", "req/s", [at.result.answered_per_s])
            table.add(f"{label}, {outcome.most}: API CPU per answer", "us", [at.api_us])
        statuses = ", ".join(f"{n} x {status}" for status, n in sorted(full.statuses.items()))
        mean_ms = statistics.fmean(full.latencies_ms) if full.latencies_ms else math.nan
        self.table.notes.append(
            f"{label}, {USERS} users: {statuses}, {full.errors_socket} socket errors or timeouts (5 s); generator "
            f"lag p99 {full.percentile(99, full.lag_ms):.1f} ms; Little's law: {full.answered_per_s:.0f} answers/s "
            f"x {mean_ms:.0f} ms mean = {full.answered_per_s * mean_ms / 1000:.0f} requests in flight"
        )

    def first_answers(self, company: UUID) -> tuple[dict[str, float], date, list[str]]:
        """The median time of the first answer of `analytics.VARIANTS` questions new to the API, per endpoint of
        `analytics.ENDPOINTS`, in ms; the company's last day with data; its location ids."""
        api = f"http://127.0.0.1:{self.api_port}/api/v1"
        base = f"{api}/companies/{company}/analytics"
        _, overview = http_json("GET", f"{base}/overview", token=self.token)
        _, listed = http_json("GET", f"{api}/companies/{company}/locations", token=self.token)
        if not isinstance(overview, dict) or not isinstance(listed, dict):
            raise SystemExit(f"bench: the analytics company did not answer: {overview} {listed}")
        last = date.fromisoformat(overview["data_through"])
        locations = [str(location["id"]) for location in listed["items"]]

        def ask(path: str) -> None:
            status, answer = http_json("GET", f"{base}/{path}", token=self.token)
            if status != 200:
                raise SystemExit(f"bench: {path} answered {status}: {answer}")

        say(f"analytics: first answers of {analytics.VARIANTS} questions per endpoint, data through {last}")
        first_ms = {
            name: analytics.median_ms(
                functools.partial(ask, analytics.question(name, last, locations, shift))
                for shift in range(analytics.VARIANTS)
            )
            for name in analytics.ENDPOINTS
        }
        return first_ms, last, locations

    def scale(self) -> None:
        """The scale curve (full run only): import time and the dashboard's first answers at each of SCALE_LINES
        demo lines, each in a company of its own. The 1M point is the imports phase's first company (nothing
        asked it anything since); the others are imported here by a fresh worker, after a warm-up import."""
        assert self.token is not None
        say(f"scale: imports of {', '.join(f'{n:,}' for n in SCALE_LINES if n != self.plan.import_lines)} lines")
        worker = self.procs.start("scale-worker", [*self.ayni, "worker"], self.server_core, self.env)
        try:
            warm_up = self.workdir / "warm-up-sales.csv"
            if not warm_up.exists():
                imports.write_demo(warm_up, WARM_UP_LINES)
            self.import_done(*self.upload(self.demo_company("Bench scale warm-up"), warm_up))
            for lines in SCALE_LINES:
                if lines == self.plan.import_lines and self.imported:
                    company, seconds = self.imported[0]
                else:
                    demo = self.workdir / f"scale-{lines}.csv"
                    if imports.write_demo(demo, lines) > UPLOAD_LIMIT:
                        demo = imports.gzipped(demo)
                        self.table.notes.append(f"scale: {lines:,} lines uploaded as {demo.name} (over 256 MiB)")
                    company, import_id = self.upload(self.demo_company(f"Bench scale {lines}"), demo)
                    demo.unlink()
                    seconds = self.import_done(company, import_id).seconds
                paths = users.dashboard_paths(company, DEMO_COMPANY.timezone)
                opened = load.open_loop(self.api_port, [(0.0, 0)], 1.0, paths, [self.token])
                first_ms, _, _ = self.first_answers(company)
                label = f"scale, {lines:,} lines"
                self.table.add(f"{label}: import 201 -> succeeded", "s", [seconds])
                self.table.add(f"{label}: import lines per second", "1/s", [lines / seconds])
                self.table.add(f"{label}: dashboard first open, 8 answers", "ms", opened.opens_ms or [math.nan])
                for name, ms in first_ms.items():
                    self.table.add(f"{label}: {name} first answer", "ms", [ms])
                say(f"  {lines:,} lines: import {seconds:.1f} s, dashboard first open {opened.opens_ms} ms")
        except imports.ImportFailed as exc:
            self.table.notes.append(f"scale: {exc}; the curve is incomplete")
        finally:
            self.procs.stop(worker)

    def import_once(self, company: str, demo: Path, worker_pid: int) -> imports.Measured:
        """One import of `demo` into a new company, then COPY of its lines; RSS sampled around both processes."""
        assert self.api is not None
        company_id = self.demo_company(company)
        with procs.PeakRss(worker_pid) as worker_rss:
            with procs.PeakRss(self.api.pid) as api_rss:
                start = time.perf_counter()
                _, import_id = self.upload(company_id, demo)
                uploaded = time.perf_counter() - start
            done = self.import_done(company_id, import_id)
        self.imported_company = company_id
        self.imported.append((company_id, done.seconds))
        rows, copy_s = imports.copy_seconds(self.servers.postgres.url, company_id, import_id, self.workdir)
        if rows != done.lines_loaded:
            raise imports.ImportFailed(f"COPY read {rows} lines of the import, which loaded {done.lines_loaded}")
        return imports.Measured(uploaded, done, copy_s, worker_rss, api_rss)

    def demo_company(self, name: str) -> UUID:
        """A company like the demo one (Chile, its four branches as locations), named `name`."""
        base = f"http://127.0.0.1:{self.api_port}/api/v1/companies"
        status, answer = http_json("POST", base, {**demo_company_fields(), "name": name}, token=self.token)
        if status != 201 or not isinstance(answer, dict):
            raise imports.ImportFailed(f"creating a company answered {status}: {answer}")
        company_id = UUID(answer["id"])
        for location in DEMO_COMPANY.locations:
            status, answer = http_json(
                "POST", f"{base}/{company_id}/locations", demo_location_fields(location), token=self.token
            )
            if status != 201:
                raise imports.ImportFailed(f"creating a location answered {status}: {answer}")
        return company_id

    def upload(self, company_id: UUID, path: Path) -> tuple[UUID, UUID]:
        """(company id, import id) of `path` uploaded with start=auto."""
        assert self.token is not None
        status, answer = imports.upload(self.api_port, self.token, company_id, path)
        if status != 201 or not isinstance(answer, dict):
            raise imports.ImportFailed(f"the upload answered {status}: {answer}")
        return company_id, UUID(answer["id"])

    def import_done(self, company_id: UUID, import_id: UUID) -> imports.Done:
        url = f"http://127.0.0.1:{self.api_port}/api/v1/companies/{company_id}/imports/{import_id}"
        return imports.wait_done(lambda: http_json("GET", url, token=self.token))

    def ayni_jobs(self, db: object, count: int) -> tuple[float, float]:
        """`count` pings through POST /api/v1/jobs/ping, timed until every job row is succeeded: (jobs/s, 202s/s).
        One ping is waited for first, so the worker's consumer is awake (idle,
        it sleeps up to 1 s between fetches). The polls ask for the last 16 jobs only (every 5 ms), then for all."""
        auth = {"Authorization": f"Bearer {self.token}"}
        wake = load.post_many(self.api_port, "/api/v1/jobs/ping", {"sleep_ms": 0}, auth, 1, connections=1)
        self.wait_succeeded(db, [json.loads(wake[0][1])["id"]])
        start = time.perf_counter()
        answers = load.post_many(self.api_port, "/api/v1/jobs/ping", {"sleep_ms": 0}, auth, count)
        enqueued = time.perf_counter()
        failed = [a for a in answers if a[0] != 202]
        if failed:
            raise SystemExit(f"bench: {len(failed)} pings not accepted, e.g. {failed[0]}")
        ids = [json.loads(body)["id"] for _, body in answers]
        self.wait_succeeded(db, ids[-16:])
        self.wait_succeeded(db, ids)
        done = time.perf_counter()
        return count / (done - start), count / (enqueued - start)

    def wait_succeeded(self, db: object, ids: list[str]) -> None:
        """Poll every 5 ms until every job of `ids` succeeded."""
        deadline = time.monotonic() + 600
        while True:
            row = db.execute(  # type: ignore[attr-defined]
                "SELECT count(*) FILTER (WHERE status = 'succeeded'),"
                " count(*) FILTER (WHERE status IN ('failed', 'dead'))"
                " FROM jobs WHERE id = ANY(%s::uuid[])",
                (ids,),
            ).fetchone()
            if row[0] == len(ids):
                return
            if row[1] or time.monotonic() > deadline:
                raise SystemExit(f"bench: jobs did not all succeed ({row[0]} succeeded, {row[1]} failed)")
            time.sleep(0.005)

    def run(self) -> None:
        self.table.notes.append(f"load average at the start: {Path('/proc/loadavg').read_text().split()[:3]}")
        self.setup()
        self.cold_start()
        self.api, _ = self.start_api()
        self.sign_in()
        self.http()
        self.login()
        self.enumeration()
        self.many_connections()
        self.table.add("API RSS after the HTTP load", "MiB", [procs.rss_mb(self.api.pid)], "api_rss_mb")
        self.jobs()
        self.imports()
        self.analytics()
        self.dashboard()
        self.users()
        if self.plan.scale and self.token:
            self.scale()
        self.table.add("API RSS at the end (uploads, analytics, users)", "MiB", [procs.rss_mb(self.api.pid)])
        self.table.notes.append(f"load average at the end: {Path('/proc/loadavg').read_text().split()[:3]}")

    def close(self) -> None:
        self.procs.stop_all()
        self.servers.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="under 10 minutes: fewer, shorter runs, no scale curve")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    procs.ensure_tools()
    fds = procs.raise_fd_limit()
    if fds < 2200:
        raise SystemExit(f"bench: the open-file limit is {fds}; the 1000-connection run needs more (ulimit -n 4096)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ayni-bench-logs-") as workdir:
        bench = Bench(plan, Path(workdir))
        try:
            bench.run()
        except KeyboardInterrupt:
            print("\nbench: interrupted; stopping everything", file=sys.stderr)
            return 130
        finally:
            bench.close()
        bench.table.notes.append(f"run took {time.monotonic() - started:.0f} s")
        bench.table.print(plan, machine_description())
    return 0
