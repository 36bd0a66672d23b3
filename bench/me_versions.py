"""`me_vs_minimal` alone, for several versions of Ayni at once: a change's effect without the whole bench/run.

    .venv/bin/python bench/me_versions.py before=/tmp/ayni-before after=. [--reps 5] [--seconds 8]

Each NAME=DIR is a directory holding an `ayni/` package (`git archive main ayni | tar -x -C /tmp/ayni-before`
gives the committed one). Set up as bench/run sets up (`suite.Bench`: throw-away PostgreSQL and Redis on the load
core, the migrations, an account and its token), then `bench/minimal_me.py` and an `ayni serve` per version, each
on the server core, answer `/api/v1/auth/me` in interleaved wrk runs of 64 connections, as step 4 of
bench/README.md runs them. Prints, per version, CPU per answer and the ratios to the minimal app (by req/s and
by CPU time: the steadier one on a shared machine), each the median of the repetitions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import load  # noqa: E402
import procs  # noqa: E402
import suite  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("versions", nargs="+", metavar="NAME=DIR")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--log-format", choices=["console", "json"], default="console")
    args = parser.parse_args()
    procs.ensure_tools()
    with tempfile.TemporaryDirectory(prefix="ayni-me-versions-") as workdir:
        bench = suite.Bench(suite.QUICK, Path(workdir))
        try:
            return measure(bench, args)
        finally:
            bench.close()


def measure(bench: suite.Bench, args: argparse.Namespace) -> int:
    bench.setup()
    bench.env["LOG_FORMAT"] = args.log_format
    bench.api, _ = bench.start_api()
    bench.sign_in()
    bench.procs.stop(bench.api)
    if not bench.token:
        print("\n".join(bench.table.notes))
        return 1
    auth = {"Authorization": f"Bearer {bench.token}"}
    targets: dict[str, suite.Target] = {}
    port = procs.free_port()
    minimal = bench.procs.start(
        "minimal_me", [bench.python, str(procs.BENCH / "minimal_me.py"), str(port)], bench.server_core, bench.env
    )
    procs.wait_http_200(port, any_status=True)
    targets["minimal"] = (f"http://127.0.0.1:{port}/api/v1/auth/me", auth, minimal.pid)
    for version in args.versions:
        name, directory = version.split("=", 1)
        port = procs.free_port()
        # -P: not the working directory (bench/run's, this checkout) first on the path, the version's `ayni/`.
        command = [bench.python, "-P", "-m", "ayni", "serve", "--port", str(port)]
        env = {**bench.env, "PYTHONPATH": str(Path(directory).resolve())}
        process = bench.procs.start(name, command, bench.server_core, env)
        procs.wait_http_200(port)
        targets[name] = (f"http://127.0.0.1:{port}/api/v1/auth/me", auth, process.pid)
    for name in targets.keys() - {"minimal"}:
        bench.check_same_bytes(targets, {"minimal": name})

    def run(name: str, seconds: float) -> load.WrkResult:
        return bench.wrk_at_64(targets[name], seconds)

    for name in targets:
        run(name, args.warmup)
    results: dict[str, list[load.WrkResult]] = {name: [] for name in targets}
    for rep in range(args.reps):
        for name in targets:
            results[name].append(run(name, args.seconds))
        suite.say(f"rep {rep + 1}: " + ", ".join(f"{n} {rs[-1].ok_per_s:.0f}/s" for n, rs in results.items()))
    for note in bench.table.notes:
        print(f"note: {note}")
    print(f"load average at the end: {Path('/proc/loadavg').read_text().split()[:3]}")
    base = results["minimal"]
    for name, rs in results.items():
        cpu = [r.cpu_us_per_ok for r in rs]
        by_rate = [r.ok_per_s / m.ok_per_s for r, m in zip(rs, base, strict=True)]
        by_cpu = [m.cpu_us_per_ok / r.cpu_us_per_ok for r, m in zip(rs, base, strict=True)]
        busy = [r.server_busy for r in rs]
        print(
            f"{name:>10}: CPU per answer {statistics.median(cpu):.0f} us ({min(cpu):.0f}-{max(cpu):.0f}), "
            f"vs minimal by req/s {statistics.median(by_rate):.3f}, by CPU time {statistics.median(by_cpu):.3f} "
            f"({min(by_cpu):.3f}-{max(by_cpu):.3f}), server core busy {statistics.median(busy):.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
