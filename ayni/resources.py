"""What the app's lifespan opens and every request may use: the settings, the pool, the Redis client."""

from __future__ import annotations

from dataclasses import dataclass

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


def resources(request: Request) -> Resources:
    found = request.state.resources
    assert isinstance(found, Resources)
    return found
