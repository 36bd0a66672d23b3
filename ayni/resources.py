"""What every request may use: the resources the app's lifespan opens (settings, pool, Redis, broker), and
the hooks the assembly (`app.py`) plugs into the kernel, so the kernel names no domain: who the caller is
(`authenticate`) and what the health report checks (`health_checks`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

import databases
import redis.asyncio as aioredis
from dramatiq.brokers.redis import RedisBroker
from starlette.requests import Request

from ayni.config import Settings


@dataclass(frozen=True)
class Resources:
    settings: Settings
    db: databases.Database
    redis: aioredis.Redis
    broker: RedisBroker


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in caller of a route, as every domain sees it. `auth` returns a richer subclass."""

    id: UUID
    session_id: UUID


Authenticator = Callable[[Request], Awaitable[CurrentUser]]
Probe = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class HealthCheck:
    name: str
    required: bool
    probe: Probe


@dataclass(frozen=True)
class Hooks:
    authenticate: Authenticator
    health_checks: Callable[[Resources], Sequence[HealthCheck]]


def resources(request: Request) -> Resources:
    found = request.state.resources
    assert isinstance(found, Resources)
    return found


def hooks(request: Request) -> Hooks:
    found = request.app.state.hooks
    assert isinstance(found, Hooks)
    return found
