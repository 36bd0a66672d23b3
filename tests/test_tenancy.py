"""Tenancy on a real PostgreSQL: row-level security on its own (the application's checks bypassed, plain SQL as
`ayni_app`), the pool's role, `tenant()`'s settings, and `invitation_by_token`."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ayni import db as ayni_db
from ayni import migrations
from ayni.app import create_app
from ayni.companies.store import COMPANY_TABLES
from ayni.config import Settings
from ayni.db import AppRoleMissing, make_database
from ayni.sql import fetch_all, fetch_value
from ayni.tenancy import member_transaction, tenant
from tests.accounts import create_user
from tests.servers import LiveServer, with_database

# The sales tables (migrations/0007) and a column of each that an UPDATE may set to itself.
SALES_COLUMN = {
    "imports": "filename",
    "import_files": "kind",
    "products": "name",
    "sale_lines": "ticket",
    "sales_daily": "lines",
    "sales_daily_products": "lines",
    "sales_hourly": "lines",
    "sales_daily_payments": "lines",
    "sales_daily_sellers": "lines",
}
# Each company table and the column that names its company.
TABLES = {
    "companies": "id",
    "locations": "company_id",
    "memberships": "company_id",
    "invitations": "company_id",
    **dict.fromkeys(SALES_COLUMN, "company_id"),
}
# A column of each that an UPDATE may set to itself.
SOME_COLUMN = {"companies": "name", "locations": "name", "memberships": "role", "invitations": "email", **SALES_COLUMN}
ROLLUP_MEASURES = (
    "revenue, returns, discounts, cost, costed_revenue, units, units_returned, tickets, return_tickets, lines, "
    "customers"
)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class World:
    a: uuid.UUID  # company A: owner ana, viewer carla
    b: uuid.UUID  # company B: owner beto, viewer carla
    ana: uuid.UUID
    beto: uuid.UUID
    carla: uuid.UUID
    outsider: uuid.UUID  # a member of nothing


def admin_sql(url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """As the URL's user (the tables' owner, a superuser here): RLS does not apply."""
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def add_company(url: str, name: str, owner: uuid.UUID, viewer: uuid.UUID, token: str) -> uuid.UUID:
    company = uuid.uuid4()
    admin_sql(url, "INSERT INTO companies (id, name, industry) VALUES (%s, %s, 'retail')", (company, name))
    [(location,)] = admin_sql(
        url, "INSERT INTO locations (company_id, name, code) VALUES (%s, 'Casa matriz', 'CM') RETURNING id", (company,)
    )
    add_sales(url, company, location)
    admin_sql(
        url,
        "INSERT INTO memberships (company_id, user_id, role) VALUES (%s, %s, 'owner'), (%s, %s, 'viewer')",
        (company, owner, company, viewer),
    )
    admin_sql(
        url,
        """INSERT INTO invitations (company_id, email, role, token_hash, invited_by, expires_at)
           VALUES (%s, %s, 'analyst', %s, %s, now() + interval '7 days')""",
        (company, f"invited-{name.lower()}@example.cl", token_hash(token), owner),
    )
    return company


def add_sales(url: str, company: uuid.UUID, location: uuid.UUID) -> None:
    """One row of each sales table: an import, its file, a product, one sale line and its three rollup rows."""
    [(an_import,)] = admin_sql(
        url,
        "INSERT INTO imports (company_id, filename, media_type) VALUES (%s, 'ventas.csv', 'text/csv') RETURNING id",
        (company,),
    )
    admin_sql(
        url,
        "INSERT INTO import_files (company_id, import_id, kind, seq, data) VALUES (%s, %s, 'upload', 0, 'x')",
        (company, an_import),
    )
    [(product,)] = admin_sql(
        url, "INSERT INTO products (company_id, key, name) VALUES (%s, 'sku:1', 'Pan') RETURNING id", (company,)
    )
    admin_sql(
        url,
        """INSERT INTO sale_lines (company_id, import_id, row, location_id, sold_at, day, hour, ticket, product_id,
                                   quantity, amount, is_return)
           VALUES (%s, %s, 2, %s, '2024-03-01 13:00Z', '2024-03-01', 10, 'B|1', %s, 1, 1000, false)""",
        (company, an_import, location, product),
    )
    measures = "1000, 0, 0, 0, 0, 1, 0, 1, 0, 1, NULL"
    for table, grain, value in (
        ("sales_daily", "", ""),
        ("sales_daily_products", ", product_id", ", %s"),
        ("sales_hourly", ", hour", ", 10"),
        ("sales_daily_payments", ", payment_method", ", 'efectivo'"),
        ("sales_daily_sellers", ", seller", ", ''"),
    ):
        admin_sql(
            url,
            f"""INSERT INTO {table} (company_id, location_id, day{grain}, {ROLLUP_MEASURES})
                VALUES (%s, %s, '2024-03-01'{value}, {measures})""",  # noqa: S608
            (company, location, product) if value == ", %s" else (company, location),
        )


@pytest.fixture
def world(database_url: str, clean_state: None) -> World:
    ana = create_user(database_url, "ana@example.cl")
    beto = create_user(database_url, "beto@example.cl")
    carla = create_user(database_url, "carla@example.cl")
    outsider = create_user(database_url, "otro@example.cl")
    a = add_company(database_url, "Alfa", ana, carla, "token-a")
    b = add_company(database_url, "Beta", beto, carla, "token-b")
    return World(a, b, ana, beto, carla, outsider)


@contextlib.contextmanager
def as_app(url: str, company: uuid.UUID | None = None, user: uuid.UUID | None = None) -> Iterator[psycopg.Connection]:
    """One transaction as ayni_app with these settings, rolled back afterwards."""
    with psycopg.connect(url) as conn:
        conn.execute("SET LOCAL ROLE ayni_app")
        conn.execute(
            "SELECT set_config('app.company_id', %s, true), set_config('app.user_id', %s, true)",
            ("" if company is None else str(company), "" if user is None else str(user)),
        )
        try:
            yield conn
        finally:
            conn.rollback()


def refused(conn: psycopg.Connection, query: str, params: tuple[Any, ...]) -> bool:
    """Whether RLS refuses the statement (in a savepoint, so the transaction goes on)."""
    try:
        with conn.transaction():
            conn.execute(query, params)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def on(table: str, template: str) -> str:
    """A statement about one of TABLES: {t} is the table, {key} its company column, {col} SOME_COLUMN's."""
    return template.format(t=table, key=TABLES[table], col=SOME_COLUMN[table])


def companies_of_rows(conn: psycopg.Connection, table: str) -> set[uuid.UUID]:
    return {row[0] for row in conn.execute(on(table, "SELECT {key} FROM {t}"))}


# RLS on its own


@pytest.mark.parametrize("table", TABLES)
def test_a_company_reads_updates_and_deletes_none_of_anothers_rows(database_url: str, world: World, table: str) -> None:
    of_b = on(table, "SELECT * FROM {t} WHERE {key} = %s ORDER BY 1, 2")
    before = admin_sql(database_url, of_b, (world.b,))
    assert before
    with as_app(database_url, company=world.a) as conn:
        assert companies_of_rows(conn, table) == {world.a}
        assert conn.execute(on(table, "SELECT count(*) FROM {t} WHERE {key} = %s"), (world.b,)).fetchone() == (0,)
        assert conn.execute(on(table, "UPDATE {t} SET {col} = {col} WHERE {key} = %s"), (world.b,)).rowcount == 0
        assert conn.execute(on(table, "UPDATE {t} SET {col} = {col}")).rowcount == 1 + (table == "memberships")
        assert conn.execute(on(table, "DELETE FROM {t} WHERE {key} = %s"), (world.b,)).rowcount == 0
        conn.execute(on(table, "DELETE FROM {t}"))  # A's own rows (none of companies: see the migration)
        if table != "companies":
            assert companies_of_rows(conn, table) == set()
    assert admin_sql(database_url, of_b, (world.b,)) == before


def test_a_company_cannot_write_a_row_for_another(database_url: str, world: World) -> None:
    expires = datetime.now(UTC) + timedelta(days=7)
    with as_app(database_url, company=world.a) as conn:
        for query, params in [
            ("INSERT INTO companies (id, name, industry) VALUES (%s, 'Gamma', 'retail')", (uuid.uuid4(),)),
            ("INSERT INTO locations (company_id, name, code) VALUES (%s, 'Otra', 'X1')", (world.b,)),
            ("INSERT INTO memberships (company_id, user_id, role) VALUES (%s, %s, 'owner')", (world.b, world.ana)),
            (
                "INSERT INTO invitations (company_id, email, role, token_hash, expires_at) "
                "VALUES (%s, 'x@example.cl', 'owner', %s, %s)",
                (world.b, token_hash("new"), expires),
            ),
            # Moving one of A's rows into B is writing a row for B.
            ("UPDATE companies SET id = %s", (world.b,)),
            ("UPDATE locations SET company_id = %s", (world.b,)),
            ("UPDATE memberships SET company_id = %s WHERE user_id = %s", (world.b, world.ana)),
            ("UPDATE invitations SET company_id = %s", (world.b,)),
            # A's sales rows, moved to B or copied as B's.
            *((f"UPDATE {table} SET company_id = %s", (world.b,)) for table in SALES_COLUMN),  # noqa: S608
            *((copy_as(database_url, table), (world.b,)) for table in SALES_COLUMN),
        ]:
            assert refused(conn, query, params), query
        # A's own rows it may write.
        assert not refused(conn, "INSERT INTO locations (company_id, name, code) VALUES (%s, 'Sur', 'S1')", (world.a,))
        assert not refused(
            conn,
            "INSERT INTO memberships (company_id, user_id, role) VALUES (%s, %s, 'analyst')",
            (world.a, world.beto),
        )


def copy_as(url: str, table: str) -> str:
    """An INSERT of the visible rows of `table` as rows of the company given as its one parameter."""
    [(columns,)] = admin_sql(
        url,
        """SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = %s AND column_name <> 'company_id'""",
        (table,),
    )
    return f"INSERT INTO {table} (company_id, {columns}) SELECT %s, {columns} FROM {table}"  # noqa: S608


def test_with_no_company_set_nothing_is_readable_or_writable(database_url: str, world: World) -> None:
    with as_app(database_url) as conn:
        for table in TABLES:
            assert conn.execute(on(table, "SELECT count(*) FROM {t}")).fetchone() == (0,), table
            assert conn.execute(on(table, "DELETE FROM {t}")).rowcount == 0, table
        assert refused(conn, "INSERT INTO locations (company_id, name, code) VALUES (%s, 'N', 'N1')", (world.a,))
        assert refused(conn, "INSERT INTO companies (name, industry) VALUES ('Gamma', 'retail')", ())
        assert refused(conn, "INSERT INTO products (company_id, key) VALUES (%s, 'sku:n')", (world.a,))
        assert refused(conn, "INSERT INTO imports (company_id, filename, media_type) VALUES (%s, 'n', 'n')", (world.a,))
    # Never set in this session at all, not merely set to '': the same.
    with psycopg.connect(database_url) as conn:
        conn.execute("SET LOCAL ROLE ayni_app")
        assert conn.execute("SELECT app_company_id(), app_user_id()").fetchone() == (None, None)
        assert all(conn.execute(on(t, "SELECT count(*) FROM {t}")).fetchone() == (0,) for t in TABLES)
        conn.rollback()


def test_a_user_sees_exactly_their_memberships_and_companies(database_url: str, world: World) -> None:
    expected = {world.ana: {world.a}, world.beto: {world.b}, world.carla: {world.a, world.b}, world.outsider: set()}
    for user, companies in expected.items():
        with as_app(database_url, user=user) as conn:
            assert set(conn.execute("SELECT company_id, user_id FROM memberships")) == {(c, user) for c in companies}
            assert companies_of_rows(conn, "companies") == companies
            # The user's setting opens nothing else, and nothing to write.
            assert companies_of_rows(conn, "locations") == set()
            assert companies_of_rows(conn, "invitations") == set()
            assert conn.execute("UPDATE memberships SET role = 'owner'").rowcount == 0
            assert conn.execute("DELETE FROM memberships").rowcount == 0
    # Within company A, carla sees A's memberships and her own in B, nothing more of B.
    with as_app(database_url, company=world.a, user=world.carla) as conn:
        assert set(conn.execute("SELECT company_id, user_id FROM memberships")) == {
            (world.a, world.ana),
            (world.a, world.carla),
            (world.b, world.carla),
        }


def test_a_company_being_deleted_is_gone_and_only_then_can_be_purged(database_url: str, world: World) -> None:
    with as_app(database_url, company=world.a) as conn:
        # Only through the two functions: the app can neither mark nor delete a company row itself.
        assert refused(conn, "UPDATE companies SET deleting_since = now()", ())
        assert conn.execute("DELETE FROM companies").rowcount == 0
        assert conn.execute("SELECT company_purge()").fetchone() == (False,)  # a live company is never purged
        assert conn.execute("SELECT company_mark_deleting()").fetchone() == (True,)
        assert conn.execute("SELECT company_mark_deleting()").fetchone() == (False,)
        conn.commit()
    with as_app(database_url, company=world.a, user=world.carla) as conn:
        assert companies_of_rows(conn, "companies") == {world.b}  # B through carla's membership; A is gone
        assert conn.execute("UPDATE companies SET name = 'x' WHERE id = %s", (world.a,)).rowcount == 0
        assert conn.execute("SELECT * FROM invitation_by_token(%s)", (token_hash("token-a"),)).fetchall() == []
    with as_app(database_url, company=world.b) as conn:
        assert conn.execute("SELECT company_purge()").fetchone() == (False,)  # B is live: nothing happens
    # The deletion job: the company's rows, table by table, then the company and whatever is left.
    with as_app(database_url, company=world.a) as conn:
        for table in COMPANY_TABLES:
            conn.execute(f"DELETE FROM {table}")  # noqa: S608
        assert conn.execute("SELECT company_purge()").fetchone() == (True,)
        conn.commit()
    for table in TABLES:
        assert admin_sql(database_url, on(table, "SELECT count(*) FROM {t} WHERE {key} = %s"), (world.a,)) == [(0,)]
        assert admin_sql(database_url, on(table, "SELECT count(*) FROM {t} WHERE {key} = %s"), (world.b,)) != [(0,)]


def test_invitation_by_token_returns_only_the_matching_invitation(database_url: str, world: World) -> None:
    with as_app(database_url) as conn:
        cursor = conn.execute("SELECT * FROM invitation_by_token(%s)", (token_hash("token-b"),))
        assert cursor.description is not None
        assert [c.name for c in cursor.description] == [
            "company_id",
            "id",
            "email",
            "role",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        rows = cursor.fetchall()
        assert len(rows) == 1 and rows[0][0] == world.b and rows[0][2:4] == ("invited-beta@example.cl", "analyst")
        assert conn.execute("SELECT * FROM invitation_by_token(%s)", (token_hash("nope"),)).fetchall() == []
        assert conn.execute("SELECT * FROM invitation_by_token(NULL)").fetchall() == []
        # It opens nothing else: the table itself is still closed without a company.
        assert conn.execute("SELECT count(*) FROM invitations").fetchone() == (0,)
    # Only ayni_app may call it (and the owner): not PUBLIC.
    grantees = admin_sql(
        database_url,
        """SELECT coalesce(r.rolname, 'PUBLIC') FROM pg_proc p, aclexplode(p.proacl) a
           LEFT JOIN pg_roles r ON r.oid = a.grantee
           WHERE p.proname = 'invitation_by_token' AND a.privilege_type = 'EXECUTE'""",
    )
    owner = admin_sql(database_url, "SELECT current_user")[0][0]
    assert {g for (g,) in grantees} == {"ayni_app", owner}


# The application's pool and tenant()


def run(coroutine_factory: Callable[[], Any]) -> Any:
    return asyncio.run(coroutine_factory())


def test_the_pools_connections_are_ayni_app(app_settings: Settings) -> None:
    async def scenario() -> set[tuple[str, str]]:
        db = make_database(app_settings)
        await db.connect()
        try:

            async def who() -> tuple[str, str]:
                async with db.connection():
                    row = await fetch_all(db, "SELECT current_user, session_user")
                    await asyncio.sleep(0.05)  # hold it, so the others need connections of their own
                    return row[0][0], row[0][1]

            return set(await asyncio.gather(*(who() for _ in range(5))))
        finally:
            await db.disconnect()

    users = run(scenario)
    assert {current for current, _ in users} == {"ayni_app"}
    assert all(session != "ayni_app" for _, session in users)


def test_a_connection_outside_the_pool_is_ayni_app_too(app_settings: Settings) -> None:
    """The worker's threads keep such connections for their job records (ayni.jobs.tracking)."""

    async def scenario() -> str:
        connection = await ayni_db.connect(app_settings)
        try:
            user: str = await connection.fetchval("SELECT current_user")
            return user
        finally:
            await connection.close()

    assert run(scenario) == "ayni_app"


def test_the_role_is_set_once_per_connection_not_per_query(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    original = ayni_db._become_app_role

    async def counted(connection: asyncpg.Connection) -> None:
        calls.append(connection)
        await original(connection)

    monkeypatch.setattr(ayni_db, "_become_app_role", counted)

    async def scenario() -> None:
        db = make_database(app_settings)
        await db.connect()
        try:
            for _ in range(200):
                assert await fetch_value(db, "SELECT current_user") == "ayni_app"
        finally:
            await db.disconnect()

    run(scenario)
    assert len(calls) == 1


def test_tenant_settings_are_gone_after_the_transaction_on_the_same_connection(
    app_settings: Settings, world: World
) -> None:
    class Boom(Exception):
        pass

    async def scenario() -> None:
        db = ayni_db.Database(app_settings.database_url, min_size=1, max_size=1, init=ayni_db._become_app_role)
        await db.connect()
        try:
            connection_ids = set()
            async with tenant(db, company_id=world.a, user_id=world.carla):
                assert await fetch_all(db, "SELECT app_company_id(), app_user_id()") == [(world.a, world.carla)]
                assert [r[0] for r in await fetch_all(db, "SELECT company_id FROM locations")] == [world.a]
                connection_ids.add(await fetch_value(db, "SELECT pg_backend_pid()"))
            assert await fetch_all(db, "SELECT app_company_id(), app_user_id()") == [(None, None)]
            assert await fetch_value(db, "SELECT count(*) FROM locations") == 0
            with contextlib.suppress(Boom):
                async with tenant(db, company_id=world.b):
                    assert await fetch_value(db, "SELECT app_company_id()") == world.b
                    raise Boom
            assert await fetch_all(db, "SELECT app_company_id(), app_user_id()") == [(None, None)]
            connection_ids.add(await fetch_value(db, "SELECT pg_backend_pid()"))
            assert len(connection_ids) == 1  # the same pooled connection throughout
        finally:
            await db.disconnect()

    run(scenario)


def test_entering_a_company_sets_the_tenant_and_reads_the_role(
    app_settings: Settings, world: World, database_url: str
) -> None:
    async def entered() -> list[tuple[str | None, str | None, str | None]]:
        db = make_database(app_settings)
        await db.connect()
        try:
            found = []
            for company, user in [(world.a, world.ana), (world.a, world.carla), (world.a, world.beto)]:
                async with member_transaction(db, company, user) as role:
                    settings = await fetch_all(db, "SELECT app_company_id()::text AS c, app_user_id()::text AS u")
                    found.append((role, settings[0]["c"], settings[0]["u"]))
            return found
        finally:
            await db.disconnect()

    a, ana, carla, beto = str(world.a), str(world.ana), str(world.carla), str(world.beto)
    assert run(entered) == [("owner", a, ana), ("viewer", a, carla), (None, a, beto)]
    with psycopg.connect(database_url, autocommit=True) as conn:  # as the owner: a deletion is under way
        conn.execute("UPDATE companies SET deleting_since = now() WHERE id = %s", (world.a,))
    assert [role for role, _, _ in run(entered)] == [None, None, None]


def test_the_one_statement_reads_see_only_a_members_company_and_leave_no_tenant(
    app_settings: Settings, world: World, database_url: str
) -> None:
    """`app_company_state` and `app_locations` (migrations/0010, 0011), as the API calls them: outside any
    transaction, on a pooled connection; a member gets the role and that company's rows, anyone else no row; a
    company without locations, the role alone; nothing stays set."""
    admin_sql(database_url, "DELETE FROM locations WHERE company_id = %s", (world.b,))

    async def reads() -> list[tuple[object, ...]]:
        db = ayni_db.Database(app_settings.database_url, min_size=1, max_size=1, init=ayni_db._become_app_role)
        await db.connect()
        try:
            found = []
            for company, user in [(world.a, world.ana), (world.b, world.carla), (world.b, world.ana), (world.a, None)]:
                state = await fetch_all(db, "SELECT role, currency FROM app_company_state(:c, :u)", c=company, u=user)
                places = await fetch_all(db, "SELECT role, name FROM app_locations(:c, :u)", c=company, u=user)
                found.append((*[tuple(row) for row in state], *[tuple(row) for row in places]))
                assert await fetch_all(db, "SELECT app_company_id(), app_user_id()") == [(None, None)]
                assert await fetch_value(db, "SELECT count(*) FROM locations") == 0
            return found
        finally:
            await db.disconnect()

    assert run(reads) == [
        (("owner", "CLP"), ("owner", "Casa matriz")),
        (("viewer", "CLP"), ("viewer", None)),
        (),
        (),
    ]


def test_the_session_checking_reads_tell_the_three_outcomes_and_leave_no_tenant(
    app_settings: Settings, world: World, database_url: str
) -> None:
    """The forms of migrations/0012, as Access.TOKEN routes call them (outside any transaction, on a pooled
    connection as ayni_app): no row when the session ended (revoked, expired, another user's, its user disabled),
    one row of NULLs for a live session that is no member's, the role and rows for a member; nothing stays set."""

    def session(user: uuid.UUID, ended: str | None = None) -> uuid.UUID:
        [(found,)] = admin_sql(
            database_url,
            """INSERT INTO auth_sessions (user_id, current_jti_hash, expires_at)
               VALUES (%s, %s, now() + interval '1 day') RETURNING id""",
            (user, uuid.uuid4().bytes * 2),
        )
        ending = {
            "revoked": "UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = %s",
            "expired": "UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = %s",
        }
        if ended is not None:
            admin_sql(database_url, ending[ended], (found,))
        return uuid.UUID(str(found))

    ana, carla = session(world.ana), session(world.carla)
    revoked, expired = session(world.ana, "revoked"), session(world.ana, "expired")
    disabled_user = create_user(database_url, "baja@example.cl", disabled=True)
    admin_sql(
        database_url,
        "INSERT INTO memberships (company_id, user_id, role) VALUES (%s, %s, 'viewer')",
        (world.a, disabled_user),
    )
    cases = [
        (world.a, world.ana, ana),  # a member
        (world.b, world.ana, ana),  # live, no member
        (world.a, world.ana, revoked),
        (world.a, world.ana, expired),
        (world.a, world.ana, carla),  # carla's session named by ana
        (world.a, disabled_user, session(disabled_user)),
    ]

    async def reads() -> list[tuple[object, ...]]:
        db = ayni_db.Database(app_settings.database_url, min_size=1, max_size=1, init=ayni_db._become_app_role)
        await db.connect()
        try:
            found = []
            for company, user, sid in cases:
                args = {"c": company, "u": user, "s": sid}
                state = await fetch_all(db, "SELECT role, currency FROM app_company_state(:c, :u, :s)", **args)
                places = await fetch_all(db, "SELECT role, name FROM app_locations(:c, :u, :s)", **args)
                found.append((tuple(tuple(row) for row in state), tuple(tuple(row) for row in places)))
                assert await fetch_all(db, "SELECT app_company_id(), app_user_id()") == [(None, None)]
            return found
        finally:
            await db.disconnect()

    member, no_member, ended = ((("owner", "CLP"),), (("owner", "Casa matriz"),)), (((None, None),),) * 2, ((), ())
    assert run(reads) == [member, no_member, ended, ended, ended, ended]


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choices=st.lists(st.sampled_from(["a", "b", None]), min_size=1, max_size=8))
def test_any_interleaving_of_companies_sees_exactly_the_one_set(
    app_settings: Settings, world: World, choices: list[str | None]
) -> None:
    companies = {"a": world.a, "b": world.b, None: None}

    async def scenario() -> None:
        db = ayni_db.Database(app_settings.database_url, min_size=1, max_size=1, init=ayni_db._become_app_role)
        await db.connect()
        try:
            for choice in choices:
                company = companies[choice]
                async with tenant(db, company_id=company):
                    for table in TABLES:
                        seen = {r[0] for r in await fetch_all(db, on(table, "SELECT {key} FROM {t}"))}
                        assert seen == ({company} if company else set()), (table, choice)
                # Nothing of it is left on the connection between transactions.
                assert await fetch_value(db, "SELECT app_company_id()") is None
        finally:
            await db.disconnect()

    run(scenario)


def test_a_missing_role_is_named_and_makes_the_database_unhealthy(
    app_settings: Settings, clean_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another role name stands for "the migrations were not applied": the role is the whole server's, and other
    # tests' databases on this server need the real one.
    monkeypatch.setattr(ayni_db, "APP_ROLE", f"ayni_missing_{uuid.uuid4().hex[:8]}")

    async def scenario() -> None:
        db = make_database(app_settings)
        await db.connect()
        try:
            with pytest.raises(AppRoleMissing, match=r"does not exist: apply the migrations \(ayni migrate apply\)"):
                await fetch_value(db, "SELECT 1")
        finally:
            await db.disconnect()

    run(scenario)
    with LiveServer(create_app(app_settings)) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        health = http.get("/api/v1/health")
        assert health.status_code == 503
        assert health.json()["services"]["database"] == "unhealthy"
        assert health.json()["services"]["redis"] == "healthy"
        login = http.post("/api/v1/auth/login", json={"email": "ana@example.cl", "password": "whatever it is"})
        assert login.status_code == 503
        assert login.headers["content-type"].startswith("application/problem+json")


def test_a_non_superuser_owner_with_createrole_migrates_and_runs_as_ayni_app(
    postgres_server_url: str, app_settings: Settings
) -> None:
    """Not every deployment's DATABASE_URL is a superuser: 0004 grants the role to such an owner so it may
    SET ROLE. (Roles are the server's: this one has a name of its own and is dropped afterwards.)"""
    if admin_sql(postgres_server_url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") != [(True,)]:
        pytest.skip("creating roles needs a superuser test server")
    owner = f"ayni_owner_{uuid.uuid4().hex[:8]}"
    database = f"ayni_cr_{uuid.uuid4().hex[:8]}"
    admin_sql(postgres_server_url, f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
    try:
        admin_sql(postgres_server_url, f'CREATE DATABASE "{database}" OWNER "{owner}"')
        try:
            parts = urlsplit(with_database(postgres_server_url, database))
            url = urlunsplit(parts._replace(netloc=f"{owner}@{parts.hostname}:{parts.port}"))
            if admin_sql(postgres_server_url, "SELECT current_setting('server_version_num')::int")[0][0] >= 160000:
                # ayni_app already exists here, made by the superuser: from 16 on only its creator (ADMIN
                # OPTION) may grant it, so the migration stops with what to do (a fresh server's owner creates
                # the role itself and grants it to itself).
                with pytest.raises(migrations.MigrationError, match=f"a superuser must run GRANT ayni_app TO {owner}"):
                    migrations.apply(url)
                admin_sql(postgres_server_url, f'GRANT ayni_app TO "{owner}"')
            migrations.apply(url)
            assert admin_sql(
                url,
                "SELECT rolsuper, pg_has_role(current_user, 'ayni_app', 'MEMBER') FROM pg_roles "
                "WHERE rolname = current_user",
            ) == [(False, True)]
            assert admin_sql(url, "SELECT tableowner FROM pg_tables WHERE tablename = 'companies'") == [(owner,)]
            owner_user = create_user(url, "dueno@example.cl")
            company = add_company(url, "Delta", owner_user, create_user(url, "vera@example.cl"), "token-d")

            async def scenario() -> tuple[str, int, list[Any]]:
                db = make_database(dataclasses.replace(app_settings, database_url=url))
                await db.connect()
                try:
                    role = await fetch_value(db, "SELECT current_user")
                    async with tenant(db):
                        unset = await fetch_value(db, "SELECT count(*) FROM locations")
                        found = await fetch_all(
                            db, "SELECT company_id FROM invitation_by_token(:h)", h=token_hash("token-d")
                        )
                    return role, unset, [r[0] for r in found]
                finally:
                    await db.disconnect()

            assert run(scenario) == ("ayni_app", 0, [company])
        finally:
            admin_sql(postgres_server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        admin_sql(postgres_server_url, f'DROP ROLE "{owner}"')
