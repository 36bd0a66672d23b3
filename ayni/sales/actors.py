"""The jobs of sales imports, declared for the broker. Their work (`ayni.sales.jobs`) runs on polars, which
only the worker imports: the API's broker knows these actors by name and options alone."""

from __future__ import annotations

from ayni.jobs.catalog import ActorSpec, ImportedOnFirstRun

_JOBS = "ayni.sales.jobs"
# A million-line file is analysed in seconds and loaded in tens of seconds; the limits leave room for a loaded
# machine and the largest files (IMPORT_MAX_BYTES).
_TEN_MINUTES_MS = 600_000

ANALYZE_IMPORT = ActorSpec(
    name="analyze_import", fn=ImportedOnFirstRun(f"{_JOBS}:analyze_import"), queue="imports",
    time_limit_ms=_TEN_MINUTES_MS,
)  # fmt: skip
RUN_IMPORT = ActorSpec(
    name="run_import", fn=ImportedOnFirstRun(f"{_JOBS}:run_import"), queue="imports", time_limit_ms=_TEN_MINUTES_MS
)
REVERT_IMPORT = ActorSpec(
    name="revert_import", fn=ImportedOnFirstRun(f"{_JOBS}:revert_import"), queue="imports",
    time_limit_ms=_TEN_MINUTES_MS,
)  # fmt: skip
FILL_DEMO_COMPANY = ActorSpec(
    name="fill_demo_company", fn=ImportedOnFirstRun("ayni.sales.demo_seed:fill_demo_company"), queue="imports",
    time_limit_ms=_TEN_MINUTES_MS,
)  # fmt: skip
