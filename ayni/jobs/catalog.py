"""How an actor is declared: a plain function plus its options, registered on a broker by the worker and
the API at start (never at import)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ayni.config import Settings

if TYPE_CHECKING:
    import psycopg

Connect = Callable[[], AbstractContextManager["psycopg.Connection[Any]"]]


@dataclass(frozen=True)
class JobContext:
    """What an actor gets besides its arguments: `connect()` lends the worker thread's database connection
    (autocommit: one statement, one transaction)."""

    settings: Settings
    job_id: UUID | None
    report_progress: Callable[[float], None]
    connect: Connect


@dataclass(frozen=True)
class ActorSpec:
    name: str
    fn: Callable[..., Any]  # fn(ctx: JobContext, **kwargs) -> JSON-serialisable result
    max_retries: int = 3
    time_limit_ms: int = 60_000
    queue: str = "default"
    # Dramatiq's priority within one worker: lower runs first when messages of several queues wait.
    priority: int = 10
    min_backoff_ms: int = 1_000
    max_backoff_ms: int = 300_000
