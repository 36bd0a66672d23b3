"""The jobs of sales imports, declared for the broker. Their work (`ayni.sales.jobs`, `ayni.sales.demo_seed`) runs on
polars, in a process of its own per job (`ayni.jobs.isolated.InChildProcess`): neither the API, which knows these
actors by name and options alone, nor the worker ever imports it, and the child's memory goes when the job ends."""

from __future__ import annotations

from ayni.jobs.catalog import ActorSpec
from ayni.jobs.isolated import InChildProcess
from ayni.sales.failures import demo_fill_gave_up, import_job_gave_up, undo_job_gave_up

_JOBS = "ayni.sales.jobs"
# A million-line file is analysed in seconds and loaded in tens of seconds; the limits leave room for a loaded
# machine and the largest files (IMPORT_MAX_BYTES).
_TEN_MINUTES_MS = 600_000

# The import's job process dying on every attempt (out of memory) leaves no one in it to fail the import (or to put
# an undo that cannot finish back): the worker does, once the job gives up.
ANALYZE_IMPORT = ActorSpec(
    name="analyze_import", fn=InChildProcess(f"{_JOBS}:analyze_import"), queue="imports",
    time_limit_ms=_TEN_MINUTES_MS, on_final_failure=import_job_gave_up,
)  # fmt: skip
RUN_IMPORT = ActorSpec(
    name="run_import", fn=InChildProcess(f"{_JOBS}:run_import"), queue="imports", time_limit_ms=_TEN_MINUTES_MS,
    on_final_failure=import_job_gave_up,
)  # fmt: skip
REVERT_IMPORT = ActorSpec(
    name="revert_import", fn=InChildProcess(f"{_JOBS}:revert_import"), queue="imports",
    time_limit_ms=_TEN_MINUTES_MS, on_final_failure=undo_job_gave_up,
)  # fmt: skip
FILL_DEMO_COMPANY = ActorSpec(
    name="fill_demo_company", fn=InChildProcess("ayni.sales.demo_seed:fill_demo_company"), queue="imports",
    time_limit_ms=_TEN_MINUTES_MS, on_final_failure=demo_fill_gave_up,
)  # fmt: skip
