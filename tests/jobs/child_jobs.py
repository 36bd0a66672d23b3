"""Job functions for tests/jobs/test_isolated.py, run in a child process (`InChildProcess("tests.jobs.child_jobs:...")`;
the child finds the tests package from its working directory, the repository's root).

    python -m tests.jobs.child_jobs PID_FILE     a process that runs `sleep` in a child and waits for it (the
                                                 settings from the environment), for the test that kills it
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from ayni.config import load_settings
from ayni.jobs.catalog import JobContext
from ayni.jobs.isolated import InChildProcess


async def echo(ctx: JobContext, **kwargs: Any) -> dict[str, Any]:
    """Reports half-way progress; writes to stdout, which must not reach the parent's answer."""
    print("a stray line on stdout", flush=True)
    os.write(1, b"and one from below Python\n")
    await ctx.report_progress(0.5)
    return {"kwargs": kwargs, "job_id": str(ctx.job_id), "pid": os.getpid(), "polars": "polars" in sys.modules}


async def fail(ctx: JobContext, message: str) -> None:
    raise ValueError(message)


async def query(ctx: JobContext) -> Any:
    return await ctx.db.fetch_val("SELECT 1")


async def exit_now(ctx: JobContext, status: int) -> None:
    os._exit(status)


async def kill_self(ctx: JobContext) -> None:
    os.kill(os.getpid(), signal.SIGKILL)
    await asyncio.sleep(60)


async def sleep(ctx: JobContext, pid_file: str) -> None:
    """Says where it runs, then sleeps (until it is killed)."""
    await asyncio.to_thread(Path(pid_file).write_text, str(os.getpid()))
    await asyncio.sleep(600)


async def _run_sleep(pid_file: str) -> None:
    context = JobContext(load_settings(os.environ), db=None, job_id=None, report_progress=None)  # type: ignore[arg-type]
    await InChildProcess("tests.jobs.child_jobs:sleep")(context, pid_file=pid_file)


if __name__ == "__main__":
    asyncio.run(_run_sleep(sys.argv[1]))
