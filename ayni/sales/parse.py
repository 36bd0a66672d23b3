"""A `RawTable` read the way a `Reading` says: typed, signed sale lines and the rows rejected (DESIGN.md "Sales
imports"). Vectorised in polars: only the distinct customers and the few local times a DST gap swallows go
through Python.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

import polars as pl

from ayni.sales.formats import describe_date, describe_number, parse_datetime, parse_number, sold_at_text
from ayni.sales.reading import NUMERIC_FIELDS, Field, Reading
from ayni.sales.sources import ROW, RawTable

MONEY = pl.Decimal(18, 4)
LINE_SCHEMA = pl.Schema(
    [
        ("row", pl.Int64()),
        ("location", pl.Utf8()),
        ("sold_at", pl.Datetime("us", "UTC")),
        ("day", pl.Date()),
        ("hour", pl.Int8()),
        ("ticket", pl.Utf8()),
        ("document_type", pl.Utf8()),
        ("product_key", pl.Utf8()),
        ("sku", pl.Utf8()),
        ("product", pl.Utf8()),
        ("category", pl.Utf8()),
        ("quantity", MONEY),
        ("amount", MONEY),
        ("cost", MONEY),
        ("discount", MONEY),
        ("is_return", pl.Boolean()),
        ("payment_method", pl.Utf8()),
        ("seller", pl.Utf8()),
        ("customer", pl.Binary()),
    ]
)
REJECT_SCHEMA = pl.Schema([("row", pl.Int64()), ("column", pl.Utf8()), ("value", pl.Utf8()), ("message", pl.Utf8())])

CUSTOMER_HASH_BYTES = 16
NO_TICKET_NOTE = "The file has no ticket column: the lines of one location at the same time form one ticket."

# Said by a kind or document type column about a return, once lower-cased and without accents.
_RETURN_WORDS = (
    r"\b(?:devoluci\w*|devuelt\w*|dev|returns?|returned|refund\w*|reembols\w*|nota\s+(?:de\s+)?credito\w*"
    r"|credit\s+note|n\s*/\s*c|nc|anulaci\w*)\b"
)
_TEXT_FIELDS = (Field.DOCUMENT_TYPE, Field.SKU, Field.PRODUCT, Field.CATEGORY, Field.PAYMENT_METHOD, Field.SELLER)


@dataclass(frozen=True)
class Parsed:
    """`lines` (LINE_SCHEMA) and `rejects` (REJECT_SCHEMA) together hold every row of the file once."""

    lines: pl.DataFrame
    rejects: pl.DataFrame
    notes: list[str]


@dataclass(frozen=True)
class _Check:
    """A reason to reject a row: the file's column ("" for the row), the value shown, the message."""

    failed: pl.Expr
    column: str
    value: pl.Expr
    message: str


def parse_lines(raw: RawTable, reading: Reading, *, timezone: str, customer_key: bytes) -> Parsed:
    """The sale lines of `raw` read with `reading`, local times in `timezone`, customers hashed with
    `customer_key`; each bad row rejected with its first problem, in field order. Raises ValueError when the
    mapping has no date column or names a column the file does not have."""
    mapping, frame = reading.mapping, raw.frame
    _check_mapping(raw, mapping)
    number_format = reading.number_format
    typed = frame.select(
        pl.col(*dict.fromkeys(mapping.values())),
        pl.col(ROW),
        parse_datetime(sold_at_text(mapping), reading.date_format).alias("_local"),
        *(
            _per_distinct(frame, mapping[field], lambda text: parse_number(text, number_format)).alias(f"_{field}")
            for field in NUMERIC_FIELDS
            if field in mapping
        ),
    )
    checks = _checks(reading)
    first_failure = pl.coalesce([pl.when(check.failed).then(pl.lit(index)) for index, check in enumerate(checks)])
    typed = typed.with_columns(first_failure.alias("_failure"))
    rejected = typed.filter(pl.col("_failure").is_not_null())
    # The usual file has no bad row: then the table is not copied.
    good = typed.filter(pl.col("_failure").is_null()) if len(rejected) else typed
    lines = _lines(good, reading, timezone, customer_key)
    notes = [] if Field.TICKET in mapping else [NO_TICKET_NOTE]
    return Parsed(lines=lines, rejects=_rejects(rejected, checks), notes=notes)


def _check_mapping(raw: RawTable, mapping: dict[Field, str]) -> None:
    if Field.SOLD_AT not in mapping:
        raise ValueError("The mapping names no date column (sold_at).")
    missing = [column for column in mapping.values() if column not in raw.columns]
    if missing:
        raise ValueError(f"The mapping names columns the file does not have: {', '.join(map(repr, missing))}.")


# --- Rejects ----------------------------------------------------------------------------------------------------


def _checks(reading: Reading) -> list[_Check]:
    mapping, number_format = reading.mapping, reading.number_format
    date_text = sold_at_text(mapping)
    date_form = f"a date in the form {describe_date(reading.date_format)}"
    checks = [
        _Check(date_text.is_null(), mapping[Field.SOLD_AT], date_text, f"the date is missing; expected {date_form}"),
        _Check(pl.col("_local").is_null(), mapping[Field.SOLD_AT], date_text, f"not {date_form}"),
        _Check(
            _present(mapping, Field.SKU).not_() & _present(mapping, Field.PRODUCT).not_(),
            "",
            pl.lit(None, pl.Utf8),
            "no SKU and no product name: each line needs one of them",
        ),
    ]
    number_form = f"a number in the form {describe_number(number_format)}"
    for field in NUMERIC_FIELDS:
        if field in mapping:
            column = pl.col(mapping[field])
            failed = column.is_not_null() & pl.col(f"_{field}").is_null()
            checks.append(_Check(failed, mapping[field], column, f"not {number_form}"))
        if field is Field.UNIT_PRICE:
            checks.append(_missing_amount(reading))
    if Field.LOCATION in mapping:
        column = pl.col(mapping[Field.LOCATION])
        checks.append(_Check(column.is_null(), mapping[Field.LOCATION], column, "the location is missing"))
    return checks


def _missing_amount(reading: Reading) -> _Check:
    mapping = reading.mapping
    column = mapping.get(Field.AMOUNT, mapping.get(Field.UNIT_PRICE, ""))
    failed = _present(mapping, Field.AMOUNT).not_() & _present(mapping, Field.UNIT_PRICE).not_()
    return _Check(failed, column, pl.lit(None, pl.Utf8), "no amount and no unit price: each line needs one of them")


def _present(mapping: dict[Field, str], field: Field) -> pl.Expr:
    return pl.col(mapping[field]).is_not_null() if field in mapping else pl.lit(value=False)


def _rejects(rejected: pl.DataFrame, checks: list[_Check]) -> pl.DataFrame:
    if rejected.is_empty():
        return pl.DataFrame(schema=REJECT_SCHEMA)

    def pick(part: Callable[[_Check], pl.Expr]) -> pl.Expr:
        chosen: pl.Expr = pl.lit(None, pl.Utf8)
        for index, check in reversed(list(enumerate(checks))):
            chosen = pl.when(pl.col("_failure") == index).then(part(check).cast(pl.Utf8)).otherwise(chosen)
        return chosen

    return rejected.select(
        pl.col(ROW).alias("row"),
        pick(lambda check: pl.lit(check.column)).alias("column"),
        pick(lambda check: check.value).alias("value"),
        pick(lambda check: pl.lit(check.message)).alias("message"),
    ).cast(REJECT_SCHEMA)


# --- Lines ------------------------------------------------------------------------------------------------------


def _lines(good: pl.DataFrame, reading: Reading, timezone: str, customer_key: bytes) -> pl.DataFrame:
    mapping = reading.mapping
    text = {field: _text(mapping, field) for field in (*_TEXT_FIELDS, Field.KIND, Field.LOCATION, Field.TICKET)}
    number = {field: pl.col(f"_{field}") if field in mapping else pl.lit(None, MONEY) for field in NUMERIC_FIELDS}
    says_return = _says_return(good, mapping, Field.KIND) | _says_return(good, mapping, Field.DOCUMENT_TYPE)
    negative = (number[Field.QUANTITY] < 0) | (number[Field.AMOUNT] < 0)
    is_return = (says_return | negative.fill_null(value=False)).alias("is_return")
    sign = pl.when(pl.col("is_return")).then(pl.lit(-1, MONEY)).otherwise(pl.lit(1, MONEY))
    units = number[Field.QUANTITY].abs().fill_null(pl.lit(1, MONEY))
    amount = pl.coalesce(number[Field.AMOUNT].abs(), number[Field.UNIT_PRICE].abs() * units)
    cost = pl.coalesce(number[Field.COST].abs(), number[Field.UNIT_COST].abs() * units)
    wall = pl.col("sold_at").dt.convert_time_zone(timezone).alias("_wall")
    return (
        _with_instant(good, timezone)
        .with_columns(is_return, wall)
        .select(
            pl.col(ROW).alias("row"),
            text[Field.LOCATION].alias("location"),
            pl.col("sold_at"),
            pl.col("_wall").dt.date().alias("day"),
            pl.col("_wall").dt.hour().alias("hour"),
            _ticket(good, reading, text).alias("ticket"),
            text[Field.DOCUMENT_TYPE].alias("document_type"),
            _product_key(good, mapping).alias("product_key"),
            text[Field.SKU].alias("sku"),
            text[Field.PRODUCT].alias("product"),
            text[Field.CATEGORY].alias("category"),
            (units * sign).alias("quantity"),
            (amount * sign).alias("amount"),
            (cost * sign).alias("cost"),
            (number[Field.DISCOUNT].abs() * sign).alias("discount"),
            pl.col("is_return"),
            text[Field.PAYMENT_METHOD].alias("payment_method"),
            text[Field.SELLER].alias("seller"),
            _customer_hash_expr(good, mapping, customer_key).alias("customer"),
        )
        .cast(LINE_SCHEMA)
    )


def _text(mapping: dict[Field, str], field: Field) -> pl.Expr:
    return pl.col(mapping[field]) if field in mapping else pl.lit(None, pl.Utf8)


def _says_return(frame: pl.DataFrame, mapping: dict[Field, str], field: Field) -> pl.Expr:
    if field not in mapping:
        return pl.lit(value=False)
    return _per_distinct(frame, mapping[field], lambda text: _plain(text).str.contains(_RETURN_WORDS)).fill_null(
        value=False
    )


def _plain(text: pl.Expr) -> pl.Expr:
    """Lower case without accents: what word lists are compared with."""
    return text.str.normalize("NFKD").str.replace_all(r"\p{Mn}", "").str.to_lowercase()


def _per_distinct(frame: pl.DataFrame, column: str, read: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`read` of the column, computed once per distinct value: a POS export repeats its prices, kinds and
    customers, and the regexes that read them are the slow part."""
    distinct = frame.select(pl.col(column).unique().drop_nulls())
    values = distinct.select(read(pl.col(column))).to_series()
    return pl.col(column).replace_strict(distinct.to_series(), values, default=None, return_dtype=values.dtype)


def _with_instant(good: pl.DataFrame, timezone: str) -> pl.DataFrame:
    """`sold_at`: the UTC instant of the local `_local`. An ambiguous local time (the hour repeated when clocks go
    back) is the earlier instant; a nonexistent one (skipped when they go forward) moves forward by the gap, as
    zoneinfo reads it, which only the few distinct such times go through."""
    local = pl.col("_local").dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    framed = good.with_columns(local.dt.convert_time_zone("UTC").alias("sold_at"))
    skipped = framed.filter(pl.col("sold_at").is_null()).get_column("_local").unique()
    if skipped.is_empty():
        return framed
    zone = ZoneInfo(timezone)
    moved = pl.DataFrame(
        {
            "_local": skipped,
            "_moved": pl.Series(
                [naive.replace(tzinfo=zone).astimezone(UTC) for naive in skipped.to_list()],
                dtype=pl.Datetime("us", "UTC"),
            ),
        }
    )
    return (
        framed.join(moved, on="_local", how="left", maintain_order="left")
        .with_columns(pl.coalesce("sold_at", "_moved").alias("sold_at"))
        .drop("_moved")
    )


def _ticket(good: pl.DataFrame, reading: Reading, text: dict[Field, pl.Expr]) -> pl.Expr:
    """`<document type>|<number>` from the file; without a number, `@` and the local time as written."""
    mapping = reading.mapping
    numbered = pl.concat_str([text[Field.DOCUMENT_TYPE].fill_null(""), pl.lit("|"), text[Field.TICKET]])
    if Field.TICKET in mapping and not good.get_column(mapping[Field.TICKET]).has_nulls():
        return numbered
    with_seconds = "%S" in reading.date_format.pattern
    instant = pl.lit("@") + pl.col("_local").dt.strftime("%Y-%m-%dT%H:%M:%S" if with_seconds else "%Y-%m-%dT%H:%M")
    return pl.coalesce(numbered, instant) if Field.TICKET in mapping else instant


def _product_key(good: pl.DataFrame, mapping: dict[Field, str]) -> pl.Expr:
    """`sku:<sku>`, else `name:<the name in lower case, spaces collapsed>`."""
    by_sku = pl.lit("sku:") + _text(mapping, Field.SKU)
    if Field.PRODUCT not in mapping or (Field.SKU in mapping and not good.get_column(mapping[Field.SKU]).has_nulls()):
        return by_sku

    def name_key(name: pl.Expr) -> pl.Expr:
        return pl.lit("name:") + name.str.to_lowercase().str.replace_all(r"\s+", " ")

    return pl.coalesce(by_sku, _per_distinct(good, mapping[Field.PRODUCT], name_key))


def _customer_hash_expr(frame: pl.DataFrame, mapping: dict[Field, str], customer_key: bytes) -> pl.Expr:
    """The keyed hash of the customer as compared (lower case, no accents, only letters, digits and "@": a RUT
    with or without dots and dash, a name with any spacing, is one customer), hashed once per distinct one."""
    if Field.CUSTOMER not in mapping:
        return pl.lit(None, pl.Binary)
    column = mapping[Field.CUSTOMER]
    written = frame.select(pl.col(column).unique().drop_nulls()).to_series()
    compared = written.to_frame().select(_plain(pl.col(column)).str.replace_all(r"[^\p{L}\p{N}@]", "")).to_series()
    distinct = [value for value in compared.unique().to_list() if value]
    digests = dict(zip(distinct, _customer_hashes(customer_key, distinct), strict=True))
    hashed = pl.Series([digests.get(value) for value in compared.to_list()], dtype=pl.Binary)
    return pl.col(column).replace_strict(written, hashed, default=None, return_dtype=pl.Binary)


def _customer_hashes(key: bytes, values: list[str]) -> list[bytes]:
    """HMAC-SHA256 of each value, truncated; the keyed state is built once and copied (a third faster)."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    digests = []
    for value in values:
        state = keyed.copy()
        state.update(value.encode())
        digests.append(state.digest()[:CUSTOMER_HASH_BYTES])
    return digests
