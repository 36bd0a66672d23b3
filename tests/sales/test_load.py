"""Loading parsed lines on a real PostgreSQL as ayni_app: replace, append and undo, new locations, products,
returns, rollups checked by hand on a small file, a failure leaving nothing, and other companies untouched."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ayni.companies import store
from ayni.config import Settings
from ayni.db import make_database
from ayni.sales import kept_lines, load, rollups
from ayni.sales.load import LoadRefused, LoadSummary, location_code
from ayni.tenancy import tenant
from tests.sales.sale_lines import AppConnection, add_company, day, line, lines_frame, owner_sql

C1, C2 = b"cliente-1-hash..", b"cliente-2-hash.."

# A morning at Centro and a new branch, Norte: two sale tickets and a return at Centro on 1 March, one ticket
# at Norte that day, one at Centro the next day.
FIRST_FILE = [
    line(2, ticket="B|1", sku="A1", product="Pan", category="Panadería", quantity="2", amount="2000", cost="1200",
         customer=C1),
    line(3, ticket="B|1", sku="B2", product="Leche", quantity="1", amount="990", discount="100", customer=C1),
    line(4, at="2024-03-01 11:40", ticket="B|2", sku="A1", amount="1000", cost="600"),
    line(5, at="2024-03-01 18:05", ticket="NC|7", sku="A1", quantity="-1", amount="-1000", cost="-600", customer=C2),
    line(6, location="Norte", at="2024-03-01 12:00", ticket="B|1", sku="B2", quantity="3", amount="2970"),
    line(7, at="2024-03-02 09:30", ticket="B|3", sku="A1", amount="1000"),
]  # fmt: skip

MEASURES = (
    "revenue, returns, discounts, cost, costed_revenue, units, units_returned, tickets, return_tickets, lines, "
    "customers"
)


def measures(
    revenue: str,
    *,
    returns: str = "0",
    discounts: str = "0",
    cost: str = "0",
    costed_revenue: str = "0",
    units: str,
    units_returned: str = "0",
    tickets: int,
    return_tickets: int = 0,
    lines: int,
    customers: int | None = None,
) -> tuple[Any, ...]:
    money = (revenue, returns, discounts, cost, costed_revenue, units, units_returned)
    return (*(Decimal(m) for m in money), tickets, return_tickets, lines, customers)


def rollup(url: str, table: str, company: uuid.UUID, grain: str = "") -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """A rollup table of the company: its group (location, day[, grain]) -> its measures."""
    key = "location_id, day" + (f", {grain}" if grain else "")
    rows = owner_sql(url, f"SELECT {key}, {MEASURES} FROM {table} WHERE company_id = %s", (company,))  # noqa: S608
    width = len(key.split(", "))
    return {row[:width]: tuple(row[width:]) for row in rows}


def lines_of(url: str, company: uuid.UUID) -> list[tuple[Any, ...]]:
    """The company's sale lines: (import, row), sorted."""
    return owner_sql(url, "SELECT import_id, row FROM sale_lines WHERE company_id = %s ORDER BY 1, 2", (company,))


def data_version(url: str, company: uuid.UUID) -> int:
    [(version,)] = owner_sql(url, "SELECT data_version FROM companies WHERE id = %s", (company,))
    return int(version)


def test_a_first_load_makes_lines_locations_products_and_rollups_as_counted_by_hand(
    database_url: str, app_db: AppConnection
) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro")
    centro = ids["Centro"]
    an_import = uuid.uuid4()
    summary = app_db.load(company, lines_frame(FIRST_FILE), {"Centro": centro, "Norte": "new"}, import_id=an_import)

    [(norte, code)] = owner_sql(
        database_url, "SELECT id, code FROM locations WHERE company_id = %s AND name = 'Norte'", (company,)
    )
    assert code == "NORTE"
    assert summary == LoadSummary(
        lines_loaded=6,
        lines_skipped=0,
        tickets=4,  # Centro's B|1, B|2, B|3 and Norte's B|1; the return is not a sale ticket
        date_from=day("2024-03-01"),
        date_to=day("2024-03-02"),
        locations=sorted([centro, norte]),
        revenue=Decimal("6960"),  # 2000 + 990 + 1000 - 1000 + 2970 + 1000
        days_replaced=0,
    )
    assert lines_of(database_url, company) == [(an_import, row) for row in range(2, 8)]
    assert owner_sql(
        database_url, "SELECT key, sku, name, category FROM products WHERE company_id = %s ORDER BY key", (company,)
    ) == [("sku:A1", "A1", "Pan", "Panadería"), ("sku:B2", "B2", "Leche", None)]
    stored = owner_sql(
        database_url,
        """SELECT l.location_id, l.sold_at, l.day, l.hour, l.ticket, l.document_type, p.key, l.quantity, l.amount,
                  l.cost, l.discount, l.is_return, l.payment_method, l.seller, l.customer
           FROM sale_lines l JOIN products p ON p.company_id = l.company_id AND p.id = l.product_id
           WHERE l.company_id = %s AND l.row = 5""",
        (company,),
    )
    the_return = FIRST_FILE[3]
    assert stored == [
        (
            centro,
            the_return["sold_at"],
            day("2024-03-01"),
            18,
            "NC|7",
            "NC",
            "sku:A1",
            Decimal("-1"),
            Decimal("-1000"),
            Decimal("-600"),
            None,
            True,
            "efectivo",
            None,
            C2,
        )
    ]

    assert rollup(database_url, "sales_daily", company) == {
        (centro, day("2024-03-01")): measures(
            "2990",  # 2000 + 990 + 1000 - 1000
            returns="1000",
            discounts="100",
            cost="1200",  # 1200 + 600 - 600; the milk has no cost
            costed_revenue="2000",  # 2000 + 1000 - 1000
            units="3",  # 2 + 1 + 1 - 1
            units_returned="1",
            tickets=2,
            return_tickets=1,
            lines=4,
            customers=2,
        ),
        (norte, day("2024-03-01")): measures("2970", units="3", tickets=1, lines=1),
        (centro, day("2024-03-02")): measures("1000", units="1", tickets=1, lines=1),
    }
    products = {
        (location, on, key): values
        for (location, on, product_id), values in rollup(
            database_url, "sales_daily_products", company, "product_id"
        ).items()
        for [(key,)] in [owner_sql(database_url, "SELECT key FROM products WHERE id = %s", (product_id,))]
    }
    assert products == {
        (centro, day("2024-03-01"), "sku:A1"): measures(
            "2000",
            returns="1000",
            cost="1200",
            costed_revenue="2000",
            units="2",
            units_returned="1",
            tickets=2,
            return_tickets=1,
            lines=3,
            customers=2,
        ),
        (centro, day("2024-03-01"), "sku:B2"): measures(
            "990", discounts="100", units="1", tickets=1, lines=1, customers=1
        ),
        (norte, day("2024-03-01"), "sku:B2"): measures("2970", units="3", tickets=1, lines=1),
        (centro, day("2024-03-02"), "sku:A1"): measures("1000", units="1", tickets=1, lines=1),
    }
    hourly = rollup(database_url, "sales_hourly", company, "hour")
    assert {key: value for key, value in hourly.items() if key[:2] == (centro, day("2024-03-01"))} == {
        (centro, day("2024-03-01"), 10): measures(
            "2990", discounts="100", cost="1200", costed_revenue="2000", units="3", tickets=1, lines=2, customers=1
        ),
        (centro, day("2024-03-01"), 11): measures("1000", cost="600", costed_revenue="1000", units="1", tickets=1,
                                                  lines=1),
        (centro, day("2024-03-01"), 18): measures(
            "-1000", returns="1000", cost="-600", costed_revenue="-1000", units="-1", units_returned="1",
            tickets=0, return_tickets=1, lines=1, customers=1,
        ),
    }  # fmt: skip
    assert len(hourly) == 5
    assert data_version(database_url, company) == 1


def test_replace_takes_the_place_of_earlier_lines_on_the_days_the_file_covers(
    database_url: str, app_db: AppConnection
) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro", "Norte")
    first, second = uuid.uuid4(), uuid.uuid4()
    app_db.load(company, lines_frame(FIRST_FILE), ids, import_id=first)
    # Centro on 2 and 3 March: the 2nd is replaced, the 1st (and Norte's 1st) stay.
    overlapping = [
        line(2, at="2024-03-02 10:00", ticket="B|9", sku="C3", amount="500"),
        line(3, at="2024-03-03 10:00", ticket="B|10", sku="C3", amount="700"),
    ]
    summary = app_db.load(company, lines_frame(overlapping), ids, import_id=second)
    assert (summary.lines_loaded, summary.days_replaced, summary.revenue) == (2, 1, Decimal("1200"))
    assert lines_of(database_url, company) == sorted([(first, r) for r in range(2, 7)] + [(second, 2), (second, 3)])
    daily = rollup(database_url, "sales_daily", company)
    assert daily[(ids["Centro"], day("2024-03-02"))] == measures("500", units="1", tickets=1, lines=1)
    assert daily[(ids["Centro"], day("2024-03-03"))] == measures("700", units="1", tickets=1, lines=1)
    assert daily[(ids["Centro"], day("2024-03-01"))][0] == Decimal("2990")
    assert len(daily) == 4

    # The same file again replaces its own days: nothing is counted twice.
    again = app_db.load(company, lines_frame(overlapping), ids)
    assert (again.lines_loaded, again.days_replaced) == (2, 2)
    assert rollup(database_url, "sales_daily", company) == daily
    assert data_version(database_url, company) == 3


def test_append_skips_exact_duplicates_and_adds_the_rest(database_url: str, app_db: AppConnection) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro", "Norte")
    app_db.load(company, lines_frame(FIRST_FILE), ids)
    before = rollup(database_url, "sales_daily", company)

    same = app_db.load(company, lines_frame(FIRST_FILE), ids, mode="append")
    assert (same.lines_loaded, same.lines_skipped, same.tickets, same.revenue) == (0, 6, 0, Decimal(0))
    assert (same.date_from, same.date_to, same.locations) == (None, None, [])
    assert rollup(database_url, "sales_daily", company) == before

    # Row 7 again (skipped), and a second sale of the same product on the same ticket at a different amount.
    later = [FIRST_FILE[5] | {"row": 2}, line(3, at="2024-03-02 09:30", ticket="B|3", sku="A1", amount="1500")]
    more = app_db.load(company, lines_frame(later), ids, mode="append")
    assert (more.lines_loaded, more.lines_skipped, more.days_replaced, more.revenue) == (1, 1, 0, Decimal("1500"))
    assert rollup(database_url, "sales_daily", company)[(ids["Centro"], day("2024-03-02"))] == measures(
        "2500", units="2", tickets=1, lines=2
    )
    assert len(lines_of(database_url, company)) == 7


def test_undo_removes_exactly_the_imports_lines_and_restores_the_rollups(
    database_url: str, app_db: AppConnection
) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro", "Norte")
    other = [line(2, at="2024-03-01 20:00", ticket="B|50", sku="C3", amount="300")]
    other_import, first = uuid.uuid4(), uuid.uuid4()
    app_db.load(company, lines_frame(other), ids, import_id=other_import)
    only_other = rollup(database_url, "sales_daily", company)
    app_db.load(company, lines_frame(FIRST_FILE), ids, mode="append", import_id=first)
    assert rollup(database_url, "sales_daily", company)[(ids["Centro"], day("2024-03-01"))][0] == Decimal("3290")

    assert app_db.undo(company, first) == 6
    assert lines_of(database_url, company) == [(other_import, 2)]
    assert rollup(database_url, "sales_daily", company) == only_other
    assert len(rollup(database_url, "sales_daily_products", company, "product_id")) == 1
    assert len(rollup(database_url, "sales_hourly", company, "hour")) == 1
    assert app_db.undo(company, first) == 0
    assert data_version(database_url, company) == 4
    # Products and locations stay: later data may name them.
    assert owner_sql(database_url, "SELECT count(*) FROM products WHERE company_id = %s", (company,)) == [(3,)]


def test_products_take_the_latest_name_and_category_and_keep_what_a_file_leaves_out(
    database_url: str, app_db: AppConnection
) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro")

    def load_product(row: int, **fields: Any) -> None:
        app_db.load(company, lines_frame([line(row, ticket=f"B|{row}", **fields)]), ids, mode="append")

    load_product(1, sku="A1", product="Pan")
    load_product(2, sku="A1", product="Pan amasado", category="Panadería")
    load_product(3, sku="A1", product=None, category=None)
    load_product(4, sku=None, product="Queque  de Naranja")
    load_product(5, sku=None, product="Queque  de Naranja", category="Pastelería")
    assert owner_sql(
        database_url, "SELECT key, sku, name, category FROM products WHERE company_id = %s ORDER BY key", (company,)
    ) == [
        ("name:queque  de naranja", None, "Queque  de Naranja", "Pastelería"),
        ("sku:A1", "A1", "Pan amasado", "Panadería"),
    ]
    # Within one file the last line naming a product wins.
    two_names = [line(2, sku="Z9", product="Primero"), line(3, ticket="B|2", sku="Z9", product="Segundo")]
    app_db.load(company, lines_frame(two_names), ids, mode="append")
    assert owner_sql(database_url, "SELECT name FROM products WHERE key = 'sku:Z9'") == [("Segundo",)]


SALES_TABLES = ("sale_lines", "sales_daily", "sales_daily_products", "sales_hourly", "products", "locations")


def everything(url: str) -> list[list[tuple[Any, ...]]]:
    """Every row of the sales tables, the locations and the companies (data_version), of every company."""
    tables = [*SALES_TABLES, "companies"]
    return [owner_sql(url, f"SELECT * FROM {table} ORDER BY 1, 2, 3") for table in tables]  # noqa: S608


def test_a_failure_midway_leaves_nothing(database_url: str, app_db: AppConnection) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro")
    app_db.load(company, lines_frame(FIRST_FILE[:1]), ids)
    before = everything(database_url)
    # The last line breaks sale_lines' own check, after the new location and product and the replace.
    last = pl.int_range(pl.len()) == pl.len() - 1
    broken = lines_frame([*FIRST_FILE, line(9, sku="NEW", product="Nuevo")]).with_columns(
        hour=pl.when(last).then(25).otherwise(pl.col("hour")).cast(pl.Int8)
    )
    with pytest.raises(asyncpg.CheckViolationError):
        app_db.load(company, broken, {"Centro": ids["Centro"], "Norte": "new"})
    assert everything(database_url) == before
    # The connection goes on: the staging table went with the transaction.
    assert app_db.load(company, lines_frame(FIRST_FILE), {"Centro": ids["Centro"], "Norte": "new"}).lines_loaded == 6


def test_another_companys_sales_are_untouched(database_url: str, app_db: AppConnection) -> None:
    alfa, alfa_ids = add_company(database_url, "Alfa", "Centro", "Norte")
    beta, beta_ids = add_company(database_url, "Beta", "Centro", "Norte")
    beta_import = uuid.uuid4()
    app_db.load(beta, lines_frame(FIRST_FILE), beta_ids, import_id=beta_import)
    of_beta = [
        owner_sql(database_url, f"SELECT * FROM {table} WHERE company_id = %s ORDER BY 1, 2, 3", (beta,))  # noqa: S608
        for table in SALES_TABLES
    ]
    # The same days, locations' names and products at Alfa: loaded, replaced, appended and undone.
    alfa_import = uuid.uuid4()
    app_db.load(alfa, lines_frame(FIRST_FILE), alfa_ids, import_id=alfa_import)
    app_db.load(alfa, lines_frame(FIRST_FILE), alfa_ids)
    app_db.load(alfa, lines_frame(FIRST_FILE), alfa_ids, mode="append")
    assert app_db.undo(alfa, beta_import) == 0
    app_db.undo(alfa, alfa_import)
    assert [
        owner_sql(database_url, f"SELECT * FROM {table} WHERE company_id = %s ORDER BY 1, 2, 3", (beta,))  # noqa: S608
        for table in SALES_TABLES
    ] == of_beta
    assert data_version(database_url, beta) == 1


def test_under_one_companys_tenant_another_company_cannot_be_loaded_into(
    database_url: str, app_db: AppConnection
) -> None:
    alfa, _ = add_company(database_url, "Alfa", "Centro")
    beta, beta_ids = add_company(database_url, "Beta", "Centro")
    before = everything(database_url)
    lines = lines_frame(FIRST_FILE[:1])
    # Beta's location is invisible under Alfa's tenant; a new one for Beta is a row RLS refuses.
    with pytest.raises(LoadRefused, match="not one of this company's locations"):
        app_db.load(beta, lines, beta_ids, tenant=alfa)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        app_db.load(beta, lines, {"Centro": "new"}, tenant=alfa)
    assert everything(database_url) == before


def test_the_lines_copied_as_the_tables_owner_are_the_companys_and_the_load_goes_on_as_ayni_app(
    database_url: str, app_db: AppConnection
) -> None:
    """A replace copies the lines into sale_lines as the owner (COPY FROM is refused under row-level security):
    the company and import are the load's, and the statements after it are under the policies again."""
    company, ids = add_company(database_url, "Alfa", "Centro", "Norte")
    an_import = uuid.uuid4()

    async def load_then_whoami() -> str:
        await load.load_import(
            app_db.conn, company_id=company, import_id=an_import, lines=lines_frame(FIRST_FILE), locations=ids,
            mode="replace", progress=_ignore,
        )  # fmt: skip
        role: str = await app_db.conn.fetchval("SELECT current_user")
        return role

    assert app_db.run(app_db._as_tenant(company, load_then_whoami())) == "ayni_app"
    stored = owner_sql(database_url, "SELECT DISTINCT company_id, import_id FROM sale_lines")
    assert stored == [(company, an_import)]


async def _ignore(phase: str, done: int, total: int) -> None:
    pass


def test_locations_that_are_missing_or_not_the_companys_are_refused(database_url: str, app_db: AppConnection) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro")
    _, other_ids = add_company(database_url, "Beta", "Centro")
    lines = lines_frame(FIRST_FILE)
    with pytest.raises(LoadRefused, match="Choose a location for the lines of 'Norte'"):
        app_db.load(company, lines, ids)
    with pytest.raises(LoadRefused, match="not one of this company's locations"):
        app_db.load(company, lines, {"Centro": other_ids["Centro"], "Norte": "new"})
    without_column = lines_frame([line(2, location=None)])
    with pytest.raises(LoadRefused, match="needs one of the company's locations"):
        app_db.load(company, without_column, {None: "new"})
    assert app_db.load(company, without_column, {None: ids["Centro"]}).locations == [ids["Centro"]]


def test_new_locations_get_codes_of_their_own(database_url: str, app_db: AppConnection) -> None:
    company, _ = add_company(database_url, "Alfa", "NUNOA")
    lines = lines_frame([line(2, location="Ñuñoa"), line(3, location="ÑUÑOA"), line(4, location="Mall Plaza Ñuñoa")])
    app_db.load(company, lines, {"Ñuñoa": "new", "ÑUÑOA": "new", "Mall Plaza Ñuñoa": "new"})
    codes = owner_sql(database_url, "SELECT name, code FROM locations WHERE company_id = %s ORDER BY code", (company,))
    assert codes == [("Mall Plaza Ñuñoa", "MALL-PLAZA-NUNOA"), ("NUNOA", "NUNOA"), ("Ñuñoa", "NUNOA-2"),
                     ("ÑUÑOA", "NUNOA-3")]  # fmt: skip


@given(st.text(max_size=300), st.sets(st.text(max_size=25), max_size=5))
def test_a_location_code_is_short_plain_and_not_taken(name: str, taken: set[str]) -> None:
    taken |= {location_code(name, set())}  # its first choice is always taken here
    code = location_code(name, taken)
    assert 1 <= len(code) <= 50 and code == code.strip() and code.isascii()
    assert code.casefold() not in {t.casefold() for t in taken}


def test_a_location_has_sales_while_a_line_names_it(
    database_url: str, app_db: AppConnection, app_settings: Settings
) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro", "Norte")
    an_import = uuid.uuid4()
    app_db.load(company, lines_frame(FIRST_FILE[:1]), ids, import_id=an_import)

    async def has_sales() -> dict[str, bool]:
        db = make_database(app_settings)
        await db.connect()
        try:
            async with tenant(db, company_id=company):
                return {name: await store.location_has_sales(db, company, lid) for name, lid in ids.items()}
        finally:
            await db.disconnect()

    assert asyncio.run(has_sales()) == {"Centro": True, "Norte": False}
    app_db.undo(company, an_import)
    assert asyncio.run(has_sales()) == {"Centro": False, "Norte": False}


def test_progress_goes_through_the_phases_in_order(
    database_url: str, app_db: AppConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro", "Norte")
    monkeypatch.setattr(load, "CHUNK_ROWS", 4)  # the 6 lines in two chunks
    reported: list[tuple[str, int, int]] = []

    async def record(phase: str, done: int, total: int) -> None:
        reported.append((phase, done, total))

    app_db.load(company, lines_frame(FIRST_FILE), ids, progress=record)
    app_db.load(company, lines_frame(FIRST_FILE), ids, mode="append", progress=record)
    copying = [("copying", 0, 6), ("copying", 4, 6), ("copying", 6, 6)]
    assert reported == [
        *copying,
        ("replacing", 0, 6),  # the lines went straight to sale_lines: nothing to insert
        ("rollups", 0, 6),
        *copying,
        ("skipping", 0, 6),
        ("inserting", 0, 6),
        ("rollups", 0, 6),
    ]


def test_two_names_for_one_location_are_one_location(database_url: str, app_db: AppConnection) -> None:
    company, ids = add_company(database_url, "Alfa", "Centro")
    lines = lines_frame([line(2, location="Centro"), line(3, location="CENTRO", sku="B2", amount="500")])
    summary = app_db.load(company, lines, {"Centro": ids["Centro"], "CENTRO": ids["Centro"]})
    assert (summary.tickets, summary.locations, summary.revenue) == (1, [ids["Centro"]], Decimal("1500"))
    assert rollup(database_url, "sales_daily", company) == {
        (ids["Centro"], day("2024-03-01")): measures("1500", units="2", tickets=1, lines=2)
    }


def many_chunks_file() -> list[dict[str, Any]]:
    """90 lines over 5 days, 3 locations (Sur new) and 12 products, with returns, missing costs, customers,
    payment methods and sellers: every chunk of 7 lines names products (and some a location) not seen before."""
    lines = []
    for row in range(2, 92):
        ticket = row // 3
        lines.append(
            line(
                row,
                location=("Centro", "Norte", "Sur")[ticket % 3],
                at=f"2024-03-0{1 + row % 5} {9 + ticket % 8:02d}:15",
                ticket=f"{'NC' if ticket % 11 == 0 else 'B'}|{ticket}",
                sku=f"P{row % 12}",
                product=f"Producto {row % 12} v{row // 30}",  # a later line renames it
                quantity="-1" if ticket % 11 == 0 else str(1 + row % 3),
                amount=str((-1 if ticket % 11 == 0 else 1 + row % 3) * (500 + 10 * (row % 12))),
                cost=None if row % 4 == 0 else "300",
                discount="10" if row % 5 == 0 else None,
                customer=(C1, C2, None)[row % 3],
                payment_method=(None, "efectivo", "débito")[row % 3],
                seller=(None, "Ana", "Beto")[ticket % 3],
            )
        )
    return lines


ROLLUP_GRAINS = {
    "sales_daily": "",
    "sales_daily_products": "product_id",
    "sales_hourly": "hour",
    "sales_daily_payments": "payment_method",
    "sales_daily_sellers": "seller",
}


def test_a_replace_in_many_chunks_and_day_ranges_makes_the_rollups_postgresql_would(
    database_url: str, app_db: AppConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines go in one COPY a chunk at a time, their ids made as each chunk comes, and the rollups are grouped
    in ranges of days: what they hold is what rollups.recompute, in SQL from the copied lines, makes of them."""
    monkeypatch.setattr(load, "CHUNK_ROWS", 7)
    monkeypatch.setattr(kept_lines, "RANGE_LINES", 20)
    company, ids = add_company(database_url, "Alfa", "Centro", "Norte")
    file = many_chunks_file()
    summary = app_db.load(company, lines_frame(file), {**ids, "Sur": "new"})
    assert summary.lines_loaded == 90 and len(summary.locations) == 3
    grouped = {table: rollup(database_url, table, company, grain) for table, grain in ROLLUP_GRAINS.items()}
    pairs = owner_sql(
        database_url, "SELECT DISTINCT location_id, day FROM sale_lines WHERE company_id = %s", (company,)
    )

    async def recompute() -> None:
        await rollups.recompute(app_db.conn, company, [p[0] for p in pairs], [p[1] for p in pairs])

    app_db.run(app_db._as_tenant(company, recompute()))
    assert {table: rollup(database_url, table, company, grain) for table, grain in ROLLUP_GRAINS.items()} == grouped
    assert len(grouped["sales_daily"]) == len(pairs) == 15
    assert sum(m[9] for m in grouped["sales_daily_products"].values()) == 90  # every line in one product group
    # Every line names a location and a product of the company, and each product has its last name.
    assert owner_sql(
        database_url,
        """SELECT count(*) FROM sale_lines s JOIN locations l ON l.company_id = s.company_id AND l.id = s.location_id
           JOIN products p ON p.company_id = s.company_id AND p.id = s.product_id WHERE s.company_id = %s""",
        (company,),
    ) == [(90,)]
    names = dict(owner_sql(database_url, "SELECT key, name FROM products WHERE company_id = %s", (company,)))
    assert names == {
        f"sku:P{n}": f"Producto {n} v{max(r for r in range(2, 92) if r % 12 == n) // 30}" for n in range(12)
    }


# What COPY's text format must escape, and what a POS may put in a ticket number or a seller's name.
AWKWARD = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ticket=AWKWARD, seller=AWKWARD, customer=st.binary(min_size=16, max_size=16))
def test_texts_and_customers_come_back_from_the_copy_as_they_went_in(
    database_url: str, app_db: AppConnection, ticket: str, seller: str, customer: bytes
) -> None:
    """Backslashes, tabs, line breaks, `\\N` and quotes in a ticket or a seller's name, any bytes of a customer's
    hash: each line is copied in COPY's text format and reads back the same, and so do its rollups' sellers."""
    company, ids = add_company(database_url, f"Alfa {uuid.uuid4()}", "Centro")
    sale = line(2, ticket=ticket, seller=seller, customer=customer, payment_method=seller)
    app_db.load(company, lines_frame([sale]), ids)
    assert owner_sql(
        database_url,
        "SELECT ticket, document_type, seller, payment_method, customer FROM sale_lines WHERE company_id = %s",
        (company,),
    ) == [(ticket, sale["document_type"], seller, seller, customer)]
    assert owner_sql(database_url, "SELECT seller FROM sales_daily_sellers WHERE company_id = %s", (company,)) == [
        (seller,)
    ]
