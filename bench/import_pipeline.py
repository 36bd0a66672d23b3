"""The worker's import pipeline on the demo file, phase by phase: seconds and peak resident memory of the analysis
job and of the import job, each in a process of its own (as a worker runs one job after another, the peak of
each counts, not their sum). Not run by the tests.

    .venv/bin/python bench/import_pipeline.py [--lines 1000000]

Writes the demo file once (cached in the temporary directory) and starts its own durable embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bench.load_paths import Clock, PeakRss, company_transaction, migrated_postgres, new_company, plain_copy  # noqa: E402

END = date(2026, 11, 30)
TIMEZONE = "America/Santiago"
FILENAME = "ventas.csv"


def demo_file(lines: int) -> Path:
    from ayni.sales.demo import write_demo_csv

    path = Path(tempfile.gettempdir()) / f"ayni-bench-demo-{lines}.csv"
    if not path.exists():
        partial = path.with_suffix(".part")
        write_demo_csv(partial, lines=lines, end=END)
        partial.rename(path)
    return path


def facts() -> Any:
    from ayni.sales.jobs import CompanyFacts

    return CompanyFacts(TIMEZONE, "CL", b"k" * 32, [])


def analysis(path: Path, out: Path) -> dict[str, Any]:
    """What jobs.analyze_import does, for an upload with start=auto, between copying the upload to a file and
    storing the preview the load starts with: the header mapped and the formats detected (the demo file leaves
    nothing to decide, so the load surveys the rest of the preview). The full preview of a manual upload apart."""
    from ayni.sales import jobs

    start = time.perf_counter()
    with PeakRss() as rss:
        detected = jobs._detect(path, FILENAME, facts())  # the job's copy of the upload is such a file
        assert detected.reading_to_load_at_once() is not None, "the demo file leaves nothing to decide"
        preview = detected.preview(facts())
    seconds = round(time.perf_counter() - start, 2)
    full = time.perf_counter()
    jobs._analyze(path, FILENAME, facts())
    manual_s = round(time.perf_counter() - full, 2)
    out.write_text(json.dumps(preview, default=str))
    return {"total_s": seconds, "rss_mb_peak": rss.peak, "rss_mb_before": rss.before, "manual_upload_s": manual_s}


async def import_job(path: Path, preview_path: Path, url: str, company: uuid.UUID, *settings: str) -> dict[str, Any]:
    """What jobs.run_import does between reading the file and committing, with a clock on each phase."""
    import polars as pl

    from ayni.sales import jobs, load

    preview = json.loads(preview_path.read_bytes())  # noqa: ASYNC240 - before the clock starts
    with PeakRss() as rss:
        clock = Clock(rss)
        survey = jobs._detect(path, FILENAME, facts()).survey(facts())  # the analysis's, made again
        clock.marks[0] = ("start", time.perf_counter())
        parse = jobs._open(path, FILENAME, jobs.corrected_reading(preview, {}), facts(), survey)  # as for analysis
        targets: dict[str | None, Any] = {}

        async def lines() -> AsyncIterator[pl.DataFrame]:
            async for batch in parse.lines():
                targets.update(jobs.location_targets(batch, {}, preview, []))
                yield batch

        async with company_transaction(url, company, *settings) as conn:
            await load.load_import(
                conn, company_id=company, import_id=uuid.uuid4(), lines=lines(), locations=targets,
                mode="replace", progress=clock, rows_total=preview["rows_total"],
            )  # fmt: skip
            parse.rejected_csv()
            await clock("commit", 0, 0)
        end = time.perf_counter()
    phases = clock.phases(end)
    return {
        "total_s": round(end - clock.marks[0][1], 2),
        "phases": phases,
        "phase_rss_mb_peaks": clock.peaks,
        "rss_mb_peak": rss.peak,
        "rss_mb_before": rss.before,
        "rows": parse.rows_total,
        "rejects": parse.rejects.height,
    }


def run_child(*arguments: str) -> dict[str, Any]:
    from ayni.jobs.isolated import CHILD_ALLOCATOR

    result = subprocess.run(  # in the environment a worker gives its job processes
        [sys.executable, __file__, *arguments], capture_output=True, text=True, check=False,
        env=CHILD_ALLOCATOR | os.environ,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"bench child {arguments[0]} failed:\n{result.stderr[-4000:]}")
    answer: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--child", choices=("analysis", "import"))
    parser.add_argument("--preview", type=Path)
    parser.add_argument("--url")
    parser.add_argument("--company")
    parser.add_argument("--set", action="append", default=[], help="a SET LOCAL for the load, e.g. work_mem='64MB'")
    args = parser.parse_args()
    path = demo_file(args.lines)
    if args.child == "analysis":
        result = analysis(path, args.preview)
    elif args.child == "import":
        result = asyncio.run(import_job(path, args.preview, args.url, uuid.UUID(args.company), *args.set))
    if args.child:
        result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps(result))
        return
    _parent(path, args.lines, args.set)


def _parent(path: Path, lines: int, settings: list[str]) -> None:
    print(f"demo file: {path} ({path.stat().st_size / 2**20:.0f} MiB, {lines} lines); load {os.getloadavg()}")
    with migrated_postgres() as (url, scratch):
        preview = scratch / "preview.json"
        print(
            "analysis:",
            json.dumps(run_child("--lines", str(lines), "--child", "analysis", "--preview", str(preview))),
        )
        company = asyncio.run(new_company(url))
        result = run_child(
            "--lines", str(lines), "--child", "import", "--preview", str(preview), "--url", url,
            "--company", str(company), *(f"--set={setting}" for setting in settings),
        )  # fmt: skip
        print("import:", json.dumps(result))
        copy_s = asyncio.run(_plain_copy_of_demo(url, path))
        import_s = result["total_s"]
        ratio = copy_s / import_s
        print(f"plain COPY: {copy_s} s; import (read, parse, load) {import_s} s: import_vs_copy = {ratio:.2f}")
        print(f"load average after: {os.getloadavg()}")


async def _plain_copy_of_demo(url: str, path: Path) -> float:
    """Plain COPY of the demo file's lines, parsed and clean (ids in place), into a table with sale_lines' columns
    and indexes and no row-level security: the ceiling `import_vs_copy` compares with (as bench/load_paths.py)."""
    from ayni.sales import jobs
    from ayni.sales.parse import parse_lines
    from ayni.sales.reading import reading_from_json
    from ayni.sales.sources import read_table

    preview = jobs._analyze(path, FILENAME, facts())
    lines = parse_lines(
        read_table(path, FILENAME), reading_from_json(preview["reading"]), timezone=TIMEZONE, customer_key=b"k" * 32
    ).lines
    await new_company(url)
    return await plain_copy(url, lines)


if __name__ == "__main__":
    main()
