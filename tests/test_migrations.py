"""Migrations against a real PostgreSQL: every migration round-trips, apply is atomic per migration and
safe to run twice at once, and the CLI refuses what it must."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ayni import cli, migrations
from ayni.embedded import postgres_tool
from tests.servers import scratch_database

ALL_IDS = [
    p.name.removesuffix(".sql")
    for p in sorted(migrations.migrations_dir().glob("*.sql"))
    if not p.name.endswith(".rollback.sql")
]


@pytest.fixture
def empty_db(postgres_server_url: str) -> Iterator[str]:
    with scratch_database(postgres_server_url, "ayni_mig") as url:
        yield url


def schema_dump(url: str) -> str:
    """The schema as pg_dump prints it, minus yoyo's own bookkeeping tables."""
    result = subprocess.run(
        [
            str(postgres_tool("pg_dump")),
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "--exclude-table=_yoyo*",
            "--exclude-table=yoyo_lock",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in result.stdout.splitlines() if not line.startswith(("--", "\\restrict", "\\unrestrict"))]
    # Some servers (this machine's system PostgreSQL) stamp every column with a per-creation attribute
    # option, pg_attver: bookkeeping of the server, not part of the schema a migration writes.
    return "\n".join(line for line in lines if line.strip() and "(pg_attver=" not in line)


def test_every_migration_has_a_rollback() -> None:
    directory = migrations.migrations_dir()
    for migration_id in ALL_IDS:
        assert (directory / f"{migration_id}.rollback.sql").is_file(), f"{migration_id} has no rollback"


@pytest.mark.parametrize("migration_id", ALL_IDS)
def test_apply_rollback_apply_gives_the_same_schema(empty_db: str, migration_id: str) -> None:
    index = ALL_IDS.index(migration_id)
    if index:
        migrations.apply(empty_db)
        migrations.rollback(empty_db, to=ALL_IDS[index - 1])
    else:
        migrations.apply(empty_db)
        migrations.rollback(empty_db, everything=True)
    before = schema_dump(empty_db)
    migrations.apply(empty_db)
    applied = schema_dump(empty_db)
    assert applied != before, f"{migration_id} changed nothing"
    migrations.rollback(empty_db, to=ALL_IDS[index - 1]) if index else migrations.rollback(empty_db, everything=True)
    assert schema_dump(empty_db) == before, f"{migration_id}'s rollback does not undo it"
    migrations.apply(empty_db)
    assert schema_dump(empty_db) == applied, f"{migration_id} applied again differs"


def test_list_current_and_rollback_steps(empty_db: str) -> None:
    assert migrations.current(empty_db) is None
    assert migrations.apply(empty_db) == ALL_IDS
    assert migrations.apply(empty_db) == []
    assert migrations.current(empty_db) == ALL_IDS[-1]
    assert [s.applied for s in migrations.states(empty_db)] == [True] * len(ALL_IDS)
    assert migrations.rollback(empty_db) == [ALL_IDS[-1]]
    assert migrations.current(empty_db) == (ALL_IDS[-2] if len(ALL_IDS) > 1 else None)
    assert migrations.rollback(empty_db, everything=True) == list(reversed(ALL_IDS[:-1]))
    assert migrations.current(empty_db) is None


def test_unknown_target_is_refused_and_changes_nothing(empty_db: str) -> None:
    migrations.apply(empty_db)
    with pytest.raises(migrations.MigrationError, match="unknown migration id 'nope'"):
        migrations.rollback(empty_db, to="nope")
    assert migrations.current(empty_db) == ALL_IDS[-1]


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(migrations.migrations_dir(), directory)
    (directory / "9998_good.sql").write_text("CREATE TABLE good_one (id int);\n")
    (directory / "9998_good.rollback.sql").write_text("DROP TABLE good_one;\n")
    (directory / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nALTER TABLE nowhere ADD COLUMN x int;\n"
    )
    (directory / "9999_broken.rollback.sql").write_text("DROP TABLE half_done;\n")
    return directory


def test_a_failing_migration_leaves_its_changes_out(empty_db: str, broken_dir: Path) -> None:
    with pytest.raises(migrations.MigrationError) as caught:
        migrations.apply(empty_db, broken_dir)
    message = str(caught.value)
    assert "9999_broken.sql" in message
    assert 'relation "nowhere" does not exist' in message
    with psycopg.connect(empty_db) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")}
    assert "half_done" not in tables
    assert "good_one" in tables  # the migrations before it stay applied, each was its own transaction
    assert migrations.current(empty_db, broken_dir) == "9998_good"


# A migration whose own statements succeed, but whose record in yoyo's table then fails: what a crash
# between the two would leave. Schema change and record must stand or fall together.
REFUSE_RECORDS = """CREATE TABLE widgets (id int);
CREATE FUNCTION refuse_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'recording is refused';
END $$;
CREATE TRIGGER refuse_records BEFORE INSERT OR DELETE ON _yoyo_migration
  FOR EACH ROW EXECUTE FUNCTION refuse_records();
"""


def with_migration(tmp_path: Path, name: str, apply_sql: str, rollback_sql: str) -> Path:
    """The project's migrations and one more, `name`, in a folder of their own."""
    directory = tmp_path / "migrations"
    shutil.copytree(migrations.migrations_dir(), directory)
    (directory / f"{name}.sql").write_text(apply_sql)
    (directory / f"{name}.rollback.sql").write_text(rollback_sql)
    return directory


def public_tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_a_migration_that_cannot_be_recorded_is_not_applied(empty_db: str, tmp_path: Path) -> None:
    directory = with_migration(tmp_path, "9999_widgets", REFUSE_RECORDS, "DROP TABLE widgets;\n")
    with pytest.raises(migrations.MigrationError, match="recording is refused"):
        migrations.apply(empty_db, directory)
    assert "widgets" not in public_tables(empty_db)
    assert migrations.current(empty_db, directory) == migrations.states(empty_db)[-1].id


def test_a_rollback_that_cannot_be_recorded_is_not_rolled_back(empty_db: str, tmp_path: Path) -> None:
    directory = with_migration(tmp_path, "9999_widgets", "CREATE TABLE widgets (id int);\n", "DROP TABLE widgets;\n")
    migrations.apply(empty_db, directory)
    with psycopg.connect(empty_db) as conn:
        conn.execute(REFUSE_RECORDS.split("\n", 1)[1])  # the trigger, without creating widgets again
    with pytest.raises(migrations.MigrationError, match="recording is refused"):
        migrations.rollback(empty_db, directory=directory)
    assert "widgets" in public_tables(empty_db)
    assert migrations.current(empty_db, directory) == "9999_widgets"


def test_a_migration_outside_a_transaction_still_applies_and_rolls_back(empty_db: str, tmp_path: Path) -> None:
    header = "-- transactional: false\n"
    directory = with_migration(
        tmp_path,
        "9999_index",
        header + "CREATE INDEX CONCURRENTLY jobs_by_actor ON jobs (actor);\n",
        header + "DROP INDEX CONCURRENTLY jobs_by_actor;\n",
    )

    def has_index() -> bool:
        with psycopg.connect(empty_db) as conn:
            return conn.execute("SELECT to_regclass('jobs_by_actor') IS NOT NULL").fetchone() == (True,)

    assert migrations.apply(empty_db, directory)[-1] == "9999_index"
    assert has_index() and migrations.current(empty_db, directory) == "9999_index"
    assert migrations.rollback(empty_db, directory=directory) == ["9999_index"]
    assert not has_index() and migrations.current(empty_db, directory) != "9999_index"


def test_cli_apply_failure_is_one_line_and_non_zero(
    empty_db: str, broken_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_db)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(migrations, "migrations_dir", lambda: broken_dir)
    assert cli.main(["migrate", "apply"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "9999_broken.sql" in err and "Traceback" not in err


def test_two_applies_at_once_both_succeed_and_apply_once(empty_db: str) -> None:
    env = {**os.environ, "DATABASE_URL": empty_db, "REDIS_URL": "redis://127.0.0.1:1/0"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "ayni", "migrate", "apply"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    counts = sorted(int(out.split()[1]) for out, _ in outputs)
    assert counts == [0, 0, len(ALL_IDS)]
    with psycopg.connect(empty_db) as conn:
        rows = conn.execute("SELECT count(*) FROM _yoyo_migration").fetchone()
    assert rows is not None and rows[0] == len(ALL_IDS)


def test_cli_rollback_all_guards(
    empty_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_db)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert cli.main(["migrate", "apply"]) == 0
    assert cli.main(["migrate", "rollback", "--all"]) == 1
    assert "--yes" in capsys.readouterr().err
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", secrets.token_urlsafe(64))
    assert cli.main(["migrate", "rollback", "--all", "--yes"]) == 1
    assert "--allow-data-loss" in capsys.readouterr().err
    assert cli.main(["migrate", "rollback", "--all", "--to", ALL_IDS[0], "--yes", "--allow-data-loss"]) == 1
    assert migrations.current(empty_db) == ALL_IDS[-1]
    assert cli.main(["migrate", "rollback", "--all", "--yes", "--allow-data-loss"]) == 0
    assert migrations.current(empty_db) is None


def test_cli_list_current_and_rollback_to(
    empty_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_db)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert cli.main(["migrate", "current"]) == 0
    assert "(none applied)" in capsys.readouterr().out
    assert cli.main(["migrate", "apply"]) == 0
    capsys.readouterr()
    assert cli.main(["migrate", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"[x] {i}" for i in ALL_IDS]
    assert cli.main(["migrate", "rollback", "--to", ALL_IDS[0]]) == 0
    capsys.readouterr()
    assert cli.main(["migrate", "current"]) == 0
    assert capsys.readouterr().out.strip() == ALL_IDS[0]
    assert cli.main(["migrate", "rollback", "--to", "0000_nope"]) == 1
    assert "unknown migration id" in capsys.readouterr().err


def test_apply_against_an_unreachable_database_says_where(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ayni.embedded import free_port

    port = free_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/nothing")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert cli.main(["migrate", "apply"]) == 1
    err = capsys.readouterr().err
    assert "cannot connect to the database" in err and str(port) in err and "Traceback" not in err
