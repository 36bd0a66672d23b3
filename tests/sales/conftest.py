"""Fixtures of the sales tests: the companies' people and team (a company with one member of each role), and a
connection as the application's role (`ayni_app`) for the load's tests."""

from collections.abc import Iterator

import pytest

from tests.companies.conftest import person, team
from tests.sales.sale_lines import AppConnection

__all__ = ["app_db", "person", "team"]


@pytest.fixture
def app_db(database_url: str, clean_state: None) -> Iterator[AppConnection]:
    db = AppConnection(database_url)
    try:
        yield db
    finally:
        db.close()
