"""The models of `/api/v1/jobs`: what a client sends and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ayni.jobs.states import Status
from ayni.paging import CURSOR_PATTERN
from ayni.routing import WholeNumber


class PingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sleep_ms: WholeNumber = Field(0, ge=0, le=10_000, description="How long the ping actor sleeps.")
    fail: bool = Field(False, description="Make every attempt fail (to see retries, then `failed`).")


class JobListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(
        None,
        description="`next_cursor` of the previous page; any other text is a 400 `invalid-cursor`.",
        json_schema_extra={"pattern": CURSOR_PATTERN},
    )


class JobRecord(BaseModel):
    id: UUID
    actor: str
    status: Status
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    result: Any
    progress: float


class JobPage(BaseModel):
    items: list[JobRecord]
    next_cursor: str | None
