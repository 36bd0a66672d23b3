"""What every request may use: the resources the app's lifespan opens (settings, pool, Redis, broker), and
the hooks the assembly (`app.py`) plugs into the kernel, so the kernel names no domain: who the caller is
(`authenticate`, or `read_token` alone) and what the health report checks (`health_checks`)."""

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


@dataclass(frozen=True)
class TokenUser:
    """The caller of an Access.TOKEN route: the user and session a valid access token names, their session not
    yet checked. Not a CurrentUser, so it cannot stand for one by mistake: the handler's own statement checks
    the session (and answers 401 when it ended), and only then may `checked()` give the CurrentUser."""

    id: UUID
    session_id: UUID

    def checked(self) -> CurrentUser:
        """The caller, once the handler's statement found the session live."""
        return CurrentUser(self.id, self.session_id)


Authenticator = Callable[[Request], Awaitable[CurrentUser]]
TokenReader = Callable[[Request], TokenUser]
Probe = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class HealthCheck:
    name: str
    required: bool
    probe: Probe


@dataclass(frozen=True)
class Hooks:
    authenticate: Authenticator  # Access.USER: the access token and the session (one query)
    read_token: TokenReader  # Access.TOKEN: the access token only, no I/O
    health_checks: Callable[[Resources], Sequence[HealthCheck]]


def resources(request: Request) -> Resources:
    found = request.state.resources
    assert isinstance(found, Resources)
    return found


def hooks(request: Request) -> Hooks:
    found = request.app.state.hooks
    assert isinstance(found, Hooks)
    return found
