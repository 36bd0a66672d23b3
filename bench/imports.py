"""Sales imports (issue 13): the demo company's file uploaded over HTTP and loaded by a real worker, and plain
COPY of the same rows for comparison. bench/suite.py runs the phase and fills the table; see bench/README.md,
"Sales imports"."""

from __future__ import annotations

import gzip
import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import psycopg
from procs import PeakRss

from ayni.sales.demo import write_demo_csv

_BLOCK = 1 << 20  # bytes per write, for the upload and for COPY
_FINAL = ("succeeded", "failed")


class ImportFailed(Exception):
    """The import did not reach `succeeded`; the message says where it stopped."""


@dataclass(frozen=True)
class Done:
    record: dict[str, Any]  # the import as GET .../imports/{id} answered last
    started: float  # time.perf_counter() at the first poll, right after the 201
    seconds: float  # from the first poll to the poll that saw it succeeded
    stages: dict[str, float]  # "status" or "status: phase" -> seconds at which a poll first saw it

    @property
    def lines_loaded(self) -> int:
        return int(self.record["summary"]["lines_loaded"])

    def stage_at(self, instant: float) -> str:
        """The stage the polls last saw at `instant` (a time.perf_counter() value)."""
        seen = [stage for stage, seconds in self.stages.items() if seconds <= instant - self.started]
        return seen[-1] if seen else "uploading"


@dataclass(frozen=True)
class Measured:
    """One repetition: the upload, the import, and COPY of its lines."""

    upload_s: float
    done: Done
    copy_s: float
    worker_rss: PeakRss  # from the upload's start to `succeeded`
    api_rss: PeakRss  # during the upload

    @property
    def lines_per_s(self) -> float:
        return self.done.lines_loaded / self.done.seconds

    @property
    def copy_rows_per_s(self) -> float:
        return self.done.lines_loaded / self.copy_s


def write_demo(path: Path, lines: int) -> int:
    """The demo company's sales file of `lines` lines, ending today (as `ayni demo` writes it); its size in bytes."""
    write_demo_csv(path, lines=lines, end=date.today())
    return path.stat().st_size


def gzipped(path: Path) -> Path:
    """`path` compressed beside it as `<name>.gz` (level 1: quick, and a CSV still shrinks about fivefold), for a
    file larger than the API takes uncompressed (IMPORT_MAX_BYTES, 256 MiB by default). The CSV is removed."""
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as source, gzip.open(target, "wb", compresslevel=1) as out:
        while block := source.read(_BLOCK):
            out.write(block)
    path.unlink()
    return target


def upload(port: int, token: str, company_id: UUID, path: Path) -> tuple[int, Any]:
    """POST the file as the body of `.../imports?start=auto`, streamed from disk; (status, decoded answer). A `.gz`
    goes as application/gzip."""
    query = urlencode({"start": "auto", "filename": path.name})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600, blocksize=_BLOCK)
    try:
        with path.open("rb") as body:
            connection.request(
                "POST",
                f"/api/v1/companies/{company_id}/imports?{query}",
                body=body,
                headers={
                    "Content-Type": "application/gzip" if path.suffix == ".gz" else "text/csv",
                    "Content-Length": str(path.stat().st_size),
                    "Authorization": f"Bearer {token}",
                },
            )
        answer = connection.getresponse()
        return answer.status, _decoded(answer.read())
    finally:
        connection.close()


def _decoded(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


def wait_done(fetch: Callable[[], tuple[int, Any]], *, interval: float = 0.1, timeout: float = 600.0) -> Done:
    """Poll `fetch` (a GET of the import) every `interval` seconds until the import succeeded. Raises ImportFailed
    when it failed, when a poll is refused, or after `timeout` (the import actors' own time limit)."""
    start = time.perf_counter()
    stages: dict[str, float] = {}
    while True:
        status, record = fetch()
        elapsed = time.perf_counter() - start
        if status != 200 or not isinstance(record, dict):
            raise ImportFailed(f"GET of the import answered {status}: {record}")
        phase = record["progress"]["phase"]
        stage = f"{record['status']}: {phase}" if phase else record["status"]
        stages.setdefault(stage, elapsed)
        if record["status"] in _FINAL:
            if record["status"] != "succeeded":
                raise ImportFailed(f"the import failed: {record.get('errors')}")
            return Done(record, start, elapsed, stages)
        if elapsed > timeout:
            raise ImportFailed(f"the import was still {stage} after {timeout:.0f} s")
        time.sleep(interval)


def copy_seconds(database_url: str, company_id: UUID, import_id: UUID, directory: Path) -> tuple[int, float]:
    """(rows, seconds) of plain `COPY ... FROM STDIN`, as the superuser, of the import's sale lines (already
    clean: dumped with COPY TO first) into a new table with sale_lines' columns, constraints and indexes.
    The table and the dump are removed afterwards."""
    dump = directory / "copy_probe.tsv"
    with psycopg.connect(database_url, autocommit=True) as db:
        with (
            dump.open("wb") as out,
            db.cursor().copy(
                "COPY (SELECT * FROM sale_lines WHERE company_id = %s AND import_id = %s) TO STDOUT",
                (company_id, import_id),
            ) as dumped,
        ):
            for block in dumped:
                out.write(block)
        db.execute("CREATE TABLE copy_probe (LIKE sale_lines INCLUDING ALL)")
        try:
            cursor = db.cursor()
            start = time.perf_counter()
            with dump.open("rb") as source, cursor.copy("COPY copy_probe FROM STDIN") as copy:
                while block := source.read(_BLOCK):
                    copy.write(block)
            seconds = time.perf_counter() - start
            return cursor.rowcount, seconds
        finally:
            db.execute("DROP TABLE copy_probe")
            dump.unlink()
