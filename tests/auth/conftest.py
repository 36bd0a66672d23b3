"""Fixtures for the auth tests: an SMTP server, a worker sending to it, a user, a signed-in session."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.accounts import create_user, login


@pytest.fixture
def user(database_url: str, clean_state: None) -> uuid.UUID:
    return create_user(database_url)


@pytest.fixture
def signed_in(client: httpx.Client, user: uuid.UUID) -> dict[str, Any]:
    return login(client)


Factory = Callable[..., uuid.UUID]
