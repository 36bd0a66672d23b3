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
import imports
import load
import procs
import raw_dramatiq
import redis

from ayni.sales.demo_company import DEMO_COMPANY, demo_company_fields, demo_location_fields

KEYS = [
    "health_vs_ceiling",
    "me_vs_ceiling",
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
)
# The warm-up import: the worker imports polars and the sales jobs on its first import, once in its life.
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
        say(f"cold start: 1 unmeasured + {self.plan.cold_starts} measured starts of ayni serve")
        times = []
        for index in range(self.plan.cold_starts + 1):
            process, seconds = self.start_api()
            self.procs.stop(process)
            if index:  # the first one may write bytecode caches
                times.append(seconds)
        self.table.add("cold start, ayni serve -> first 200 /health", "s", times, "cold_start_s")

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

    def http(self) -> None:
        plan = self.plan
        ceilings = {}
        for name, extra in (("ceiling", []), ("ceiling_headers", ["--ayni-headers"])):
            port = procs.free_port()
            process = self.procs.start(
                name, [self.python, str(procs.BENCH / "ceiling.py"), str(port), *extra], self.server_core, self.env
            )
            procs.wait_http_200(port)
            ceilings[name] = (port, process)
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else None
        assert self.api is not None
        targets = {
            name: (f"http://127.0.0.1:{port}/health", None, process.pid) for name, (port, process) in ceilings.items()
        }
        targets["health"] = (f"http://127.0.0.1:{self.api_port}/health", None, self.api.pid)
        if auth:
            targets["me"] = (f"http://127.0.0.1:{self.api_port}/api/v1/auth/me", auth, self.api.pid)
        if auth and self.locations_url:
            targets["locations"] = (self.locations_url, auth, self.api.pid)

        def run(name: str, seconds: float) -> load.WrkResult:
            url, headers, pid = targets[name]
            return load.wrk(
                url, core=self.load_core, connections=64, seconds=seconds, script_dir=self.workdir, headers=headers,
                server_pid=pid,
            )  # fmt: skip

        say(f"HTTP: warm-up {plan.warmup_s:.0f} s each, then {plan.reps} x {plan.run_s:.0f} s of " + ", ".join(targets))
        for name in targets:
            run(name, plan.warmup_s)
        results: dict[str, list[load.WrkResult]] = {name: [] for name in targets}
        for rep in range(plan.reps):
            for name in targets:  # interleaved: drift on the shared machine hits all alike
                results[name].append(run(name, plan.run_s))
            line = ", ".join(f"{n} {results[n][-1].ok_per_s:.0f}/s" for n in targets)
            say(f"  rep {rep + 1}: {line}")
        for _, process in ceilings.values():
            self.procs.stop(process)
        for name, rs in results.items():
            bad = sum(r.errors for r in rs)
            if bad:
                self.table.notes.append(f"{name}: {bad} errors at 64 connections")
        ceil = [r.ok_per_s for r in results["ceiling"]]
        self.table.add("ceiling: bare ASGI GET /health", "req/s", ceil)
        self.table.add("ayni GET /health", "req/s", [r.ok_per_s for r in results["health"]])
        ratios = [h.ok_per_s / c for h, c in zip(results["health"], ceil, strict=True)]
        self.table.add("health_vs_ceiling", "ratio", ratios, "health_vs_ceiling")
        with_headers = [r.ok_per_s for r in results["ceiling_headers"]]
        self.table.add("ceiling with Ayni's response headers", "req/s", with_headers)
        ratios = [h.ok_per_s / c for h, c in zip(results["health"], with_headers, strict=True)]
        self.table.add("health vs that ceiling", "ratio", ratios)
        self.table.add("ceiling p99 at 64 connections", "ms", [r.p99_ms for r in results["ceiling"]])
        self.table.add("health p99 at 64 connections", "ms", [r.p99_ms for r in results["health"]], "health_p99_ms")
        me = results.get("me", [])
        self.table.add("ayni GET /api/v1/auth/me", "req/s", [r.ok_per_s for r in me])
        self.table.add(
            "me_vs_ceiling", "ratio", [m.ok_per_s / c for m, c in zip(me, ceil, strict=False)], "me_vs_ceiling"
        )
        self.table.add("me p99 at 64 connections", "ms", [r.p99_ms for r in me], "me_p99_ms")
        # A company-scoped read pays for the membership check and the RLS settings on top of /me's work.
        locations = results.get("locations", [])
        self.table.add("ayni GET /api/v1/companies/{cid}/locations", "req/s", [r.ok_per_s for r in locations])
        self.table.add(
            "locations_vs_me",
            "ratio",
            [lo.ok_per_s / m.ok_per_s for lo, m in zip(locations, me, strict=False)],
            "locations_vs_me",
        )
        # The same comparison in server CPU time per answer: steady on a shared machine, and it shows whether
        # the ceiling saturated its core (if not, the load generator was the limit and req/s flatters Ayni).
        ceil_cpu = [r.cpu_us_per_ok for r in results["ceiling"]]
        self.table.add("ceiling: server core busy", "share", [r.server_busy for r in results["ceiling"]])
        self.table.add("ceiling: CPU per answer", "us", ceil_cpu)
        self.table.add("ayni /health: CPU per answer", "us", [r.cpu_us_per_ok for r in results["health"]])
        self.table.add("ayni /me: CPU per answer", "us", [r.cpu_us_per_ok for r in me])
        self.table.add(
            "health_vs_ceiling by CPU time", "ratio",
            [c / h.cpu_us_per_ok for h, c in zip(results["health"], ceil_cpu, strict=True)],
        )  # fmt: skip
        self.table.add(
            "me_vs_ceiling by CPU time", "ratio", [c / m.cpu_us_per_ok for m, c in zip(me, ceil_cpu, strict=False)]
        )

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
            f"jobs: workers of {processes} process(es) x {threads} threads; "
            f"warm-up, then {plan.reps} x {plan.jobs} jobs each"
        )
        import psycopg

        with psycopg.connect(self.servers.postgres.url, autocommit=True) as db:
            self.ayni_jobs(db, 200)
            raw_dramatiq.drain_rate(self.servers.redis.url, 500)
            raw, ours, enq, ratios, raw_cpu, our_cpu = [], [], [], [], [], []
            assert self.api is not None
            for rep in range(plan.reps):
                cpu = procs.cpu_tree(raw_worker.pid)
                raw_rate = raw_dramatiq.drain_rate(self.servers.redis.url, plan.jobs)
                raw_cpu.append((procs.cpu_tree(raw_worker.pid) - cpu) / plan.jobs * 1e6)
                cpu = procs.cpu_tree(worker.pid) + procs.cpu_tree(self.api.pid)
                rate, enqueue_rate = self.ayni_jobs(db, plan.jobs)
                our_cpu.append((procs.cpu_tree(worker.pid) + procs.cpu_tree(self.api.pid) - cpu) / plan.jobs * 1e6)
                raw.append(raw_rate)
                ours.append(rate)
                enq.append(enqueue_rate)
                ratios.append(rate / raw_rate)
                say(
                    f"  rep {rep + 1}: raw dramatiq {raw_rate:.0f}/s, ayni {rate:.0f}/s "
                    f"(HTTP enqueue alone {enqueue_rate:.0f}/s)"
                )
        self.table.add("ceiling: bare dramatiq no-op messages", "1/s", raw)
        self.table.add("ayni ping jobs: HTTP enqueue -> succeeded", "1/s", ours)
        self.table.add("ayni ping jobs: HTTP 202s alone", "1/s", enq)
        self.table.add("jobs_vs_raw_dramatiq", "ratio", ratios, "jobs_vs_raw_dramatiq")
        self.table.add("raw dramatiq worker: CPU per message", "us", raw_cpu)
        self.table.add("ayni API + worker: CPU per job", "us", our_cpu)
        self.table.add(
            "jobs_vs_raw_dramatiq by CPU time", "ratio", [r / o for r, o in zip(raw_cpu, our_cpu, strict=True)]
        )
        self.table.add("worker RSS after the jobs", "MiB", [procs.rss_mb(worker.pid)], "worker_rss_mb")
        self.table.add("raw dramatiq worker RSS (for scale)", "MiB", [procs.rss_mb(raw_worker.pid)])
        self.procs.stop(raw_worker)
        self.procs.stop(worker)

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
                runs.append(self.import_once(f"Bench imports {rep + 1}", demo, worker.pid))
                say(
                    f"  rep {rep + 1}: upload {runs[-1].upload_s:.1f} s, import {runs[-1].done.seconds:.1f} s, "
                    f"COPY {runs[-1].copy_s:.1f} s"
                )
        except imports.ImportFailed as exc:
            self.table.notes.append(f"imports: {exc}; import figures skipped")
            for key in keys:
                self.table.add(key, "", [], key)
            return
        finally:
            self.procs.stop(worker)
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
        scan_ms = analytics.lines_scan_ms(self.servers.postgres.url, company, last, analytics.VARIANTS)
        auth = {"Authorization": f"Bearer {self.token}"}
        urls = {"me": f"{api}/auth/me"} | {
            name: f"{base}/{analytics.question(name, last, locations)}" for name in analytics.ENDPOINTS
        }

        def run(name: str, seconds: float) -> load.WrkResult:
            assert self.api is not None
            return load.wrk(
                urls[name], core=self.load_core, connections=64, seconds=seconds, script_dir=self.workdir,
                headers=auth, server_pid=self.api.pid,
            )  # fmt: skip

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
        """`count` pings through POST /api/v1/jobs/ping, timed until every job row is succeeded."""
        start = time.perf_counter()
        answers = load.post_many(
            self.api_port, "/api/v1/jobs/ping", {"sleep_ms": 0}, {"Authorization": f"Bearer {self.token}"}, count
        )
        enqueued = time.perf_counter()
        failed = [a for a in answers if a[0] != 202]
        if failed:
            raise SystemExit(f"bench: {len(failed)} pings not accepted, e.g. {failed[0]}")
        ids = [json.loads(body)["id"] for _, body in answers]
        deadline = time.monotonic() + 600
        while True:
            row = db.execute(  # type: ignore[attr-defined]
                "SELECT count(*) FILTER (WHERE status = 'succeeded'),"
                " count(*) FILTER (WHERE status IN ('failed', 'dead'))"
                " FROM jobs WHERE id = ANY(%s::uuid[])",
                (ids,),
            ).fetchone()
            if row[0] == count:
                break
            if row[1] or time.monotonic() > deadline:
                raise SystemExit(f"bench: jobs did not all succeed ({row[0]} succeeded, {row[1]} failed)")
            time.sleep(0.01)
        done = time.perf_counter()
        return count / (done - start), count / (enqueued - start)

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
        self.table.notes.append(f"load average at the end: {Path('/proc/loadavg').read_text().split()[:3]}")

    def close(self) -> None:
        self.procs.stop_all()
        self.servers.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="under 5 minutes: fewer, shorter runs")
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
