"""The sales tests use the companies' people and team (a company with one member of each role)."""

from tests.companies.conftest import person, team

__all__ = ["person", "team"]
