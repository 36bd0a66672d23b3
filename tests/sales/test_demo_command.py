"""`ayni demo`: the demo account and company, through the real import path; run again, it refreshes them."""

from __future__ import annotations

from tests.accounts import sql
from tests.conftest import make_env
from tests.servers import scratch_database
from tests.test_cli import ayni, clean_env


def test_demo_creates_then_refreshes_the_demo_company(database_url: str, redis_url: str, clean_state: None) -> None:
    env = clean_env(**make_env(database_url, redis_url))
    first = ayni("demo", "--lines", "3000", "--password", "demo passphrase one", env=env, timeout=180)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "3,000 lines imported; demo sign-in: demo@ayni.local / demo passphrase one" in first.stdout
    second = ayni("demo", "--lines", "2000", env=env, timeout=180)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "removing the previous demo company" in second.stdout
    [(companies, lines)] = sql(
        database_url,
        """SELECT count(DISTINCT c.id), count(s.*) FROM companies c LEFT JOIN sale_lines s ON s.company_id = c.id
           WHERE c.is_demo""",
    )
    assert (companies, lines) == (1, 2000)
    [(verified,)] = sql(database_url, "SELECT email_verified_at IS NOT NULL FROM users WHERE email = 'demo@ayni.local'")
    assert verified


def test_demo_refuses_a_database_without_migrations_in_one_sentence(redis_url: str, postgres_server_url: str) -> None:
    """A fresh database (no `ayni migrate apply` yet): the command says what to do, without a traceback."""
    with scratch_database(postgres_server_url, "ayni_unmigrated") as url:
        env = clean_env(**make_env(url, redis_url))
        result = ayni("demo", "--lines", "1000", env=env)
    assert result.returncode == 1
    assert "run `ayni migrate apply` first" in result.stderr and "Traceback" not in result.stderr
    bad = ayni("demo", "--lines", "12", env=env)
    assert bad.returncode == 2 and "1,000 to 10,000,000" in bad.stderr
