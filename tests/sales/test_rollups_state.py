"""A stateful property test of loads and undos on a real PostgreSQL: any sequence of imports (replace and append,
overlapping days and locations, returns, lines without a customer or a cost) and undos, in any order.

After every step, sale_lines hold exactly the lines a Python model of replace, append and undo says should
remain, and each rollup table equals the aggregates this test computes itself, in Python, from those lines.

The CI profile runs 25 examples of up to 10 steps; HYPOTHESIS_PROFILE=long runs 300."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.sales.sale_lines import AppConnection, add_company, line, lines_frame, owner_sql

LOCATIONS = ("Centro", "Norte", "Sur")  # Sur does not exist until an import creates it
ROLLUPS = {
    "sales_daily": (),
    "sales_daily_products": ("product_id",),
    "sales_hourly": ("hour",),
    "sales_daily_payments": ("payment_method",),
    "sales_daily_sellers": ("seller",),
}
MEASURES = (
    "revenue, returns, discounts, cost, costed_revenue, units, units_returned, tickets, return_tickets, lines, "
    "customers"
)
# What an appended line is compared on to be a duplicate (DESIGN.md "Sales imports").
IDENTITY = ("location", "sold_at", "ticket", "product_key", "quantity", "amount")


@st.composite
def a_line(draw: st.DrawFn) -> dict[str, Any]:
    quantity = draw(st.sampled_from(["1", "2", "-1"]))
    price = draw(st.sampled_from(["500", "990.5"]))
    amount = str(Decimal(quantity) * Decimal(price))
    return line(
        0,  # numbered by the import
        location=draw(st.sampled_from(LOCATIONS)),
        at=f"2024-03-0{draw(st.integers(1, 3))} {draw(st.sampled_from(['09', '13']))}:15",
        ticket=draw(st.sampled_from(["B|1", "B|2", "NC|3"])),
        sku=draw(st.sampled_from(["A", "B", "C"])),
        quantity=quantity,
        amount=amount,
        cost=draw(st.none() | st.just(str(Decimal(amount) * Decimal("0.6")))),
        discount=draw(st.none() | st.just("10")),
        customer=draw(st.none() | st.sampled_from([b"c1", b"c2"])),
        payment_method=draw(st.none() | st.sampled_from(["efectivo", "débito"])),
        seller=draw(st.none() | st.sampled_from(["Ana", "Beto"])),
    )


@dataclass(frozen=True)
class ModelLine:
    import_id: uuid.UUID
    fields: dict[str, Any]

    @property
    def pair(self) -> tuple[str, Any]:
        return self.fields["location"], self.fields["day"]

    @property
    def identity(self) -> tuple[Any, ...]:
        return tuple(self.fields[name] for name in IDENTITY)


def aggregate(lines: Iterable[dict[str, Any]], grain: tuple[str, ...]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The rollup of `lines` (sale_lines rows) at (location_id, day, *grain), as DESIGN.md defines its measures."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for sale in lines:
        groups[tuple(sale[column] for column in ("location_id", "day", *grain))].append(sale)
    result = {}
    for key, group in groups.items():
        returns = [sale for sale in group if sale["is_return"]]
        sales = [sale for sale in group if not sale["is_return"]]
        costed = [sale for sale in group if sale["cost"] is not None]
        customers = {sale["customer"] for sale in group if sale["customer"] is not None}
        result[key] = (
            sum((sale["amount"] for sale in group), Decimal(0)),
            -sum((sale["amount"] for sale in returns), Decimal(0)),
            sum((sale["discount"] or 0 for sale in group), Decimal(0)),
            sum((sale["cost"] for sale in costed), Decimal(0)),
            sum((sale["amount"] for sale in costed), Decimal(0)),
            sum((sale["quantity"] for sale in group), Decimal(0)),
            -sum((sale["quantity"] for sale in returns), Decimal(0)),
            len({sale["ticket"] for sale in sales}),
            len({sale["ticket"] for sale in returns}),
            len(group),
            len(customers) or None,
        )
    return result


class Imports(RuleBasedStateMachine):
    database_url: str

    imports = Bundle("imports")

    def __init__(self) -> None:
        super().__init__()
        self.company, self.location_ids = add_company(
            self.database_url, f"Empresa {uuid.uuid4().hex[:8]}", *LOCATIONS[:2]
        )
        self.db = AppConnection(self.database_url)
        self.model: list[ModelLine] = []

    def teardown(self) -> None:
        self.db.close()

    @rule(target=imports, lines=st.lists(a_line(), min_size=1, max_size=8), mode=st.sampled_from(["replace", "append"]))
    def load(self, lines: list[dict[str, Any]], mode: Literal["replace", "append"]) -> uuid.UUID:
        lines = [sale | {"row": row} for row, sale in enumerate(lines, start=2)]
        import_id = uuid.uuid4()
        mapping = {name: self.location_ids.get(name, "new") for name in {sale["location"] for sale in lines}}
        summary = self.db.load(self.company, lines_frame(lines), mapping, mode, import_id)
        self.location_ids.update(
            owner_sql(self.database_url, "SELECT name, id FROM locations WHERE company_id = %s", (self.company,))
        )
        new = [ModelLine(import_id, sale) for sale in lines]
        if mode == "replace":
            covered = {sale.pair for sale in new}
            self.model = [sale for sale in self.model if sale.pair not in covered]
        else:
            loaded = {sale.identity for sale in self.model}
            new = [sale for sale in new if sale.identity not in loaded]
        self.model += new
        assert (summary.lines_loaded, summary.lines_skipped) == (len(new), len(lines) - len(new))
        return import_id

    @rule(import_id=imports)
    def undo(self, import_id: uuid.UUID) -> None:
        remaining = [sale for sale in self.model if sale.import_id != import_id]
        assert self.db.undo(self.company, import_id) == len(self.model) - len(remaining)
        self.model = remaining

    @invariant()
    def lines_are_the_models(self) -> None:
        stored = owner_sql(
            self.database_url,
            "SELECT import_id, row, location_id, day FROM sale_lines WHERE company_id = %s",
            (self.company,),
        )
        expected = [
            (sale.import_id, sale.fields["row"], self.location_ids[sale.fields["location"]], sale.fields["day"])
            for sale in self.model
        ]
        assert sorted(stored) == sorted(expected)

    @invariant()
    def rollups_are_the_lines_aggregates(self) -> None:
        columns = "location_id, day, hour, product_id, quantity, amount, cost, discount, is_return, ticket, customer"
        rows = owner_sql(
            self.database_url,
            # A line naming no payment method or seller counts under '' in their rollups (migrations/0009).
            f"SELECT {columns}, coalesce(payment_method, ''), coalesce(seller, '') FROM sale_lines "  # noqa: S608
            "WHERE company_id = %s",
            (self.company,),
        )
        names = [*columns.split(", "), "payment_method", "seller"]
        lines = [dict(zip(names, row, strict=True)) for row in rows]
        for table, grain in ROLLUPS.items():
            key = ", ".join(("location_id", "day", *grain))
            stored = owner_sql(
                self.database_url,
                f"SELECT {key}, {MEASURES} FROM {table} WHERE company_id = %s",  # noqa: S608
                (self.company,),
            )
            width = 2 + len(grain)
            assert {row[:width]: tuple(row[width:]) for row in stored} == aggregate(lines, grain), table


def test_rollups_always_equal_the_lines(database_url: str, clean_state: None) -> None:
    Imports.database_url = database_url
    profile = hypothesis_settings()
    examples = 25 if profile.max_examples <= 100 else 300
    run_state_machine_as_test(
        Imports, settings=hypothesis_settings(profile, max_examples=examples, stateful_step_count=10)
    )
