"""Fixtures of the analytics tests: the companies' people and team, and a connection as the application's role for
loading sales through the import's real load."""

from tests.companies.conftest import person, team
from tests.sales.conftest import app_db

__all__ = ["app_db", "person", "team"]
