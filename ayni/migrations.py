"""Schema migrations: yoyo over plain-SQL files, applied under a PostgreSQL advisory lock.

The lock is a session-level advisory lock, not yoyo's lock table: PostgreSQL releases it when the holder's
connection ends, so a crashed deploy never leaves a stale lock behind. Each migration runs in its own
transaction, together with its record in yoyo's table, so a failing one leaves the schema (and the record of
what is applied) as the previous one left it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from yoyo import get_backend, read_migrations
from yoyo.exceptions import BadMigration

from ayni.command_errors import UserFacingError

logger = logging.getLogger("ayni.migrations")

# Any fixed 64-bit number, the same for every process that migrates this database.
ADVISORY_LOCK_KEY = 0x41594E49_4D494752  # "AYNIMIGR"


class MigrationError(UserFacingError):
    """A migration could not be applied or rolled back; the message names the file and the cause."""


@dataclass(frozen=True)
class MigrationState:
    id: str
    applied: bool


def migrations_dir() -> Path:
    """The source tree's migrations/ (a checkout), else the copy inside the installed package (an image)."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "migrations", package / "_migrations"):
        if candidate.is_dir():
            return candidate
    raise MigrationError(f"no migrations directory beside {package}; reinstall Ayni")


def _yoyo_url(database_url: str) -> str:
    return database_url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextlib.contextmanager
def _locked(database_url: str) -> Iterator[None]:
    """Holds the advisory lock for the block: a second `apply` waits, then finds nothing left to do."""
    try:
        connection = psycopg.connect(database_url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise MigrationError(f"cannot connect to the database: {_first_line(exc)}") from None
    with connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextlib.contextmanager
def _backend(database_url: str) -> Iterator[Any]:
    with _locked(database_url):
        backend = get_backend(_yoyo_url(database_url))
        try:
            yield backend
        finally:
            backend.connection.close()


def _read(directory: Path) -> Any:
    return read_migrations(str(directory))


def apply(database_url: str, directory: Path | None = None) -> list[str]:
    """Apply every pending migration, oldest first; returns the ids applied."""
    migrations = _read(directory or migrations_dir())
    applied: list[str] = []
    with _backend(database_url) as backend:
        for migration in backend.to_apply(migrations):
            logger.info("applying %s", migration.id)
            _apply_one(backend, migration)
            applied.append(migration.id)
    return applied


def _apply_one(backend: Any, migration: Any) -> None:
    try:
        _run_and_record(backend, migration, "apply")
    except (psycopg.Error, BadMigration) as exc:
        raise MigrationError(
            f"{Path(migration.path).name}: not applied, the schema is as before it: {_first_line(exc)}"
        ) from None


def _rollback_one(backend: Any, migration: Any) -> None:
    try:
        _run_and_record(backend, migration, "rollback")
    except (psycopg.Error, BadMigration) as exc:
        name = Path(migration.path).name.removesuffix(".sql") + ".rollback.sql"
        raise MigrationError(f"{name}: not rolled back, the schema is as before it: {_first_line(exc)}") from None


def _run_and_record(backend: Any, migration: Any, direction: str) -> None:
    """The migration's steps and its record in yoyo's tables, in one transaction. yoyo's own apply_one and
    rollback_one run the steps on a second connection and record them afterwards: a crash between the two
    would leave the schema changed but not recorded, and every later `apply` failing on that migration."""
    backend.ensure_internal_schema_updated()
    migration.load()
    if not migration.use_transactions:  # `-- transactional: false` (CREATE INDEX CONCURRENTLY, say)
        (backend.apply_one if direction == "apply" else backend.rollback_one)(migration)
        return
    with backend.transaction():
        migration.process_steps(backend, direction)  # its own transaction becomes a savepoint of this one
        if direction == "apply":
            backend.mark_one(migration, log=False)
        else:
            backend.unmark_one(migration, log=False)
        backend.log_migration(migration, direction)


def states(database_url: str, directory: Path | None = None) -> list[MigrationState]:
    migrations = _read(directory or migrations_dir())
    with _backend(database_url) as backend:
        applied = set(backend.get_applied_migration_hashes())
    return [MigrationState(m.id, m.hash in applied) for m in migrations]


def current(database_url: str, directory: Path | None = None) -> str | None:
    applied = [s.id for s in states(database_url, directory) if s.applied]
    return applied[-1] if applied else None


def rollback(
    database_url: str, *, to: str | None = None, everything: bool = False, directory: Path | None = None
) -> list[str]:
    """Roll back the newest applied migration; with `to`, every one newer than `to`; with `everything`, all.
    Returns the ids rolled back, newest first."""
    migrations = _read(directory or migrations_dir())
    known = [m.id for m in migrations]
    if to is not None and to not in known:
        raise MigrationError(f"unknown migration id {to!r}; `ayni migrate list` shows the ids: {', '.join(known)}")
    rolled: list[str] = []
    with _backend(database_url) as backend:
        newest_first = list(backend.to_rollback(migrations))
        if to is not None:
            keep = known[: known.index(to) + 1]
            targets = [m for m in newest_first if m.id not in keep]
        elif everything:
            targets = newest_first
        else:
            targets = newest_first[:1]
        for migration in targets:
            logger.info("rolling back %s", migration.id)
            _rollback_one(backend, migration)
            rolled.append(migration.id)
    return rolled
