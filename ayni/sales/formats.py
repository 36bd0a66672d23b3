"""Date and number formats, detected from every value of the mapped columns (DESIGN.md "Sales imports").

Detection works on each column's distinct values, vectorised: a regex reads the shape of the dates, then each
candidate pattern is tried with `strptime` on all of them; each candidate number style is tried on every
numeric column at once. A candidate under which some value fails is out whenever another parses them all; the
survivors are told apart by the values themselves (order of day and month, `amount ≈ quantity × unit_price`, money
with more than two decimals), and what the values cannot decide is reported as ambiguous, with the company's
country's habit as the default.

The parsers (`parse_datetime`, `parse_number`) live here too, so the detector judges a candidate by exactly the
rule the import will apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import polars as pl

from ayni.sales.reading import NUMERIC_FIELDS, DateFormat, Field, NumberFormat
from ayni.sales.sources import ROW, RawTable

DATE_ORDER = "date_order"
NUMBER_FORMAT = "number_format"

# Years outside this range are a wrong pattern ("24" read by %Y is the year 24), not a sale.
_FIRST_YEAR, _LAST_YEAR = 1900, 2100

# The date's shape: three numeric parts, their separator, an optional time after a space or "T".
_DATE_SHAPE = (
    r"^(?P<first>\d{1,4})(?P<sep>[-/.])(?P<middle>\d{1,2})(?P<sep2>[-/.])(?P<last>\d{1,4})"
    r"(?:(?P<joint>[ T])\s*\d{1,2}:\d{2}(?P<seconds>:\d{2})?\s*(?P<meridiem>[AaPp]\.?[Mm]\.?)?)?$"
)

_MONEY_FIELDS = (Field.AMOUNT, Field.UNIT_PRICE, Field.COST, Field.UNIT_COST, Field.DISCOUNT)
_CURRENCY = r"(?:US\$|\$|CLP|USD|EUR|ARS|MXN|PEN|COP|BRL|UYU|BOB|PYG)"
_SPACES = r"[\s\u00a0\u202f]"

# When the values do not decide, the country's habit does: Chile (and most of the world) writes the day first and
# "," decimals with "." thousands.
_MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "CA"})
_COMMA_DECIMAL_COUNTRIES = frozenset(
    {"CL", "AR", "BR", "CO", "UY", "PY", "BO", "EC", "VE", "ES", "PT", "DE", "FR", "IT", "NL", "BE", "AT", "DK"}
)
# Without separators first: a file whose values need no thousands separator is said to have none.
_NUMBER_FORMATS = (
    NumberFormat(",", ""),
    NumberFormat(",", "."),
    NumberFormat(",", " "),
    NumberFormat(".", ""),
    NumberFormat(".", ","),
    NumberFormat(".", " "),
)
_Format = TypeVar("_Format", DateFormat, NumberFormat)


@dataclass(frozen=True)
class FormatDetection:
    """The formats chosen (None: the column is not mapped, or no value of it is readable), every candidate under
    which all values parse (best first), and what the values leave undecided (`DATE_ORDER`, `NUMBER_FORMAT`)."""

    date_format: DateFormat | None
    number_format: NumberFormat | None
    date_candidates: tuple[DateFormat, ...]
    number_candidates: tuple[NumberFormat, ...]
    ambiguous: tuple[str, ...]


def detect_formats(raw: RawTable, mapping: Mapping[Field, str], *, country: str = "CL") -> FormatDetection:
    """The date and number formats of `raw`'s mapped columns, from all their values."""
    date_format, date_candidates, date_ambiguous = _detect_date(raw.frame, mapping, country)
    number_format, number_candidates, number_ambiguous = _detect_number(raw.frame, mapping, country)
    ambiguous = ((DATE_ORDER,) if date_ambiguous else ()) + ((NUMBER_FORMAT,) if number_ambiguous else ())
    return FormatDetection(date_format, number_format, date_candidates, number_candidates, ambiguous)


def detection_table(tables: Iterable[RawTable], mapping: Mapping[Field, str]) -> RawTable:
    """What `detect_formats` looks at of a file read in batches (sources.read_batches), as one small table: the
    distinct date (and time) texts, the distinct (quantity, unit price, amount) triples and each numeric column's
    distinct values, each group in rows of its own (other columns null). Detection looks only at distinct values,
    so it finds in this table what it finds in the whole file."""
    groups = _detection_groups(mapping)
    seen = [_DistinctRows() for _ in groups]
    first: RawTable | None = None
    for table in tables:
        first = first or table
        for found, group in zip(seen, groups, strict=True):
            found.add(table.frame.select(group))
    assert first is not None, "read_batches gives a batch or raises"
    distinct = [found.frame() for found in seen]
    frame = pl.concat(distinct, how="diagonal") if distinct else pl.DataFrame()
    return RawTable(
        dialect=first.dialect,
        columns=first.columns,
        frame=frame.select(
            *(pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in first.columns),
            pl.lit(None, pl.Int64).alias(ROW),
        ),
        rows_total=frame.height,
    )


class _DistinctRows:
    """The distinct rows of the frames added, made distinct again whenever the rows added since outnumber those
    already distinct: the memory stays within about twice the distinct rows, not all the rows of a file's
    batches (each batch's own distinct values are most of its values when they are prices or times)."""

    def __init__(self) -> None:
        self._distinct = pl.DataFrame()
        self._added: list[pl.DataFrame] = []
        self._added_rows = 0

    def add(self, frame: pl.DataFrame) -> None:
        unique = frame.unique()
        self._added.append(unique)
        self._added_rows += unique.height
        if self._added_rows > self._distinct.height:
            self._fold()

    def frame(self) -> pl.DataFrame:
        self._fold()
        return self._distinct

    def _fold(self) -> None:
        if self._added:
            parts = [self._distinct, *self._added] if self._distinct.width else self._added
            self._distinct = pl.concat(parts).unique()
            self._added, self._added_rows = [], 0


def detection_columns(mapping: Mapping[Field, str]) -> list[str]:
    """The columns `detection_table` reads: the dates' and the numbers' (`read_batches(only=...)` reads no other)."""
    return sorted({column for group in _detection_groups(mapping) for column in group})


def _detection_groups(mapping: Mapping[Field, str]) -> list[list[str]]:
    dates = [mapping[field] for field in (Field.SOLD_AT, Field.SOLD_TIME) if field in mapping]
    triple = [mapping[field] for field in (Field.QUANTITY, Field.UNIT_PRICE, Field.AMOUNT) if field in mapping]
    groups = [dates, *([triple] if len(triple) == 3 else []), *([mapping[f]] for f in NUMERIC_FIELDS if f in mapping)]
    return [group for group in groups if group]


# --- Parsers: one expression each, null where the value does not read -----------------------------------------


def sold_at_text(mapping: Mapping[Field, str]) -> pl.Expr:
    """The text a `DateFormat` reads: the date column, followed by the time column when there is one."""
    date = pl.col(mapping[Field.SOLD_AT])
    if Field.SOLD_TIME not in mapping:
        return date
    return pl.concat_str([date, pl.col(mapping[Field.SOLD_TIME])], separator=" ")


def parse_datetime(text: pl.Expr, date_format: DateFormat) -> pl.Expr:
    """The naive local datetime `text` says under `date_format`; null when it does not read or the year is absurd."""
    # chrono reads "am"/"pm" only without dots; "p.m." is what Spanish-locale exports write.
    cleaned = text.str.replace_all(r"(?i)([ap])\.?m\.?$", "${1}M") if "%p" in date_format.pattern else text
    parsed = cleaned.str.strptime(pl.Datetime("us"), date_format.pattern, strict=False)
    year = parsed.dt.year()
    return pl.when(year.is_between(_FIRST_YEAR, _LAST_YEAR)).then(parsed)


def parse_number(text: pl.Expr, number_format: NumberFormat) -> pl.Expr:
    """The exact Decimal(18, 4) `text` says under `number_format` (`$`, currency codes, spaces, a sign and
    `(1.234)` negatives understood; thousands in groups of three); null when it does not read."""
    parts = text.str.extract_groups(_number_regex(number_format))
    open_paren, close_paren = parts.struct["open"] != "", parts.struct["close"] != ""
    signs = pl.concat_str([parts.struct["sign"], parts.struct["sign2"]])
    negative = open_paren | (signs == "-")
    digits = parts.struct["number"].str.replace_all(_SPACES, "")
    if number_format.thousands.strip():
        digits = digits.str.replace_all(number_format.thousands, "", literal=True)
    digits = digits.str.replace(number_format.decimal, ".", literal=True)
    signed = pl.when(negative).then(pl.concat_str([pl.lit("-"), digits])).otherwise(digits)
    well_formed = (open_paren == close_paren) & (signs.str.len_chars() <= 1)
    return pl.when(well_formed).then(signed.cast(pl.Decimal(18, 4), strict=False))


def _number_regex(number_format: NumberFormat) -> str:
    decimal = re.escape(number_format.decimal)
    if number_format.thousands:
        group = _SPACES if number_format.thousands == " " else re.escape(number_format.thousands)
        integer = rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)"
    else:
        integer = r"\d+"
    number = rf"(?:{integer}(?:{decimal}\d*)?|{decimal}\d+)"
    space = f"{_SPACES}*"
    return (
        rf"(?i)^(?P<open>\(?){space}(?P<sign>[-+]?){space}{_CURRENCY}?{space}(?P<sign2>[-+]?){space}"
        rf"(?P<number>{number}){space}{_CURRENCY}?{space}(?P<close>\)?)$"
    )


# --- What a user reads in a message -----------------------------------------------------------------------------

_PATTERN_WORDS = (("%d", "DD"), ("%m", "MM"), ("%Y", "YYYY"), ("%y", "YY"), ("%H", "HH"), ("%I", "hh"))
_PATTERN_TAIL = (("%M", "MM"), ("%S", "SS"), ("%p", "AM/PM"))


def describe_date(date_format: DateFormat) -> str:
    """The pattern as a user writes it: "%d-%m-%Y %H:%M" -> "DD-MM-YYYY HH:MM"."""
    text = date_format.pattern
    for code, words in _PATTERN_WORDS + _PATTERN_TAIL:
        text = text.replace(code, words)
    return text


def describe_number(number_format: NumberFormat) -> str:
    """An example in the style: "1.234,56", "1,234.56", "1234.56", "1 234,56"."""
    return f"1{number_format.thousands}234{number_format.decimal}56"


# --- Dates ------------------------------------------------------------------------------------------------------


def _detect_date(
    frame: pl.DataFrame, mapping: Mapping[Field, str], country: str
) -> tuple[DateFormat | None, tuple[DateFormat, ...], bool]:
    if Field.SOLD_AT not in mapping:
        return None, (), False
    values = frame.select(sold_at_text(mapping).alias("text")).get_column("text").drop_nulls().unique()
    patterns = _date_patterns(values)
    if not patterns:
        return None, (), False
    preferred = _order_preference(country)
    parsed = {fmt: values.to_frame().select(parse_datetime(pl.col("text"), fmt)).to_series() for fmt in patterns}
    failures = {fmt: series.null_count() for fmt, series in parsed.items()}
    ranked = sorted(patterns, key=lambda fmt: (failures[fmt], preferred.index(fmt.order)))
    candidates = tuple(fmt for fmt in ranked if failures[fmt] == 0)
    if not candidates:
        best = ranked[0]
        return (best if failures[best] < len(values) else None), (), False
    # Orders that read every value the same (every day equals its month) leave nothing to choose.
    return candidates[0], candidates, len(_distinct_readings(candidates, parsed)) > 1


def _date_patterns(values: pl.Series) -> list[DateFormat]:
    """The patterns worth trying: each order of the parts, in the shape most values have."""
    shapes = values.str.extract_groups(_DATE_SHAPE).struct.unnest().drop_nulls("first")
    if shapes.is_empty():
        return []
    shape = (
        shapes.with_columns(
            year_first=pl.col("first").str.len_chars() == 4,
            short_year=pl.col("last").str.len_chars() <= 2,
        )
        .group_by("sep", "year_first", "short_year", "joint", "seconds", "meridiem", maintain_order=True)
        .len()
        .sort("len", descending=True, maintain_order=True)
        .row(0, named=True)
    )
    sep = shape["sep"]
    time = _time_pattern(shape["joint"], bool(shape["seconds"]), bool(shape["meridiem"]))
    if shape["year_first"]:
        return [DateFormat("YMD", f"%Y{sep}%m{sep}%d{time}")]
    year = "%y" if shape["short_year"] else "%Y"
    return [
        DateFormat("DMY", f"%d{sep}%m{sep}{year}{time}"),
        DateFormat("MDY", f"%m{sep}%d{sep}{year}{time}"),
    ]


def _time_pattern(joint: str | None, seconds: bool, meridiem: bool) -> str:
    if not joint:
        return ""
    hour = "%I" if meridiem else "%H"
    return f"{joint}{hour}:%M{':%S' if seconds else ''}{' %p' if meridiem else ''}"


def _distinct_readings(formats: Sequence[_Format], readings: Mapping[_Format, pl.Series]) -> list[_Format]:
    """The first of each group of formats that read every value the same, in order."""
    kept: list[_Format] = []
    for fmt in formats:
        if not any(readings[fmt].equals(readings[other], null_equal=True) for other in kept):
            kept.append(fmt)
    return kept


def _order_preference(country: str) -> tuple[str, ...]:
    return ("MDY", "DMY", "YMD") if country in _MONTH_FIRST_COUNTRIES else ("DMY", "MDY", "YMD")


# --- Numbers ----------------------------------------------------------------------------------------------------


def _detect_number(
    frame: pl.DataFrame, mapping: Mapping[Field, str], country: str
) -> tuple[NumberFormat | None, tuple[NumberFormat, ...], bool]:
    columns = {field: mapping[field] for field in NUMERIC_FIELDS if field in mapping}
    if not columns:
        return None, (), False
    preferred = _number_preference(country)
    distinct = {field: frame.get_column(column).drop_nulls().unique() for field, column in columns.items()}
    readings = {fmt: _read_distinct(distinct, fmt) for fmt in preferred}
    failures = {fmt: sum(series.null_count() for series in readings[fmt].values()) for fmt in preferred}
    fewest = min(failures.values())
    if fewest == sum(len(series) for series in distinct.values()):
        return None, (), False
    # Styles that give every value the same number are one reading; the rest are told apart by the rows.
    best = [fmt for fmt in preferred if failures[fmt] == fewest]
    survivors = _distinct_readings(best, {fmt: pl.concat(list(readings[fmt].values())) for fmt in best})
    if len(survivors) > 1:
        scores = {
            fmt: (_consistency_misses(frame, columns, fmt), _money_with_many_decimals(distinct, fmt))
            for fmt in survivors
        }
        best_score = min(scores.values())
        survivors = [fmt for fmt in survivors if scores[fmt] == best_score]
    candidates = tuple(fmt for fmt in preferred if failures[fmt] == 0)
    return survivors[0], candidates, len(survivors) > 1


def _read_distinct(distinct: Mapping[Field, pl.Series], number_format: NumberFormat) -> dict[Field, pl.Series]:
    return {
        field: values.to_frame("text").select(parse_number(pl.col("text"), number_format)).to_series()
        for field, values in distinct.items()
    }


def _consistency_misses(frame: pl.DataFrame, columns: Mapping[Field, str], fmt: NumberFormat) -> int:
    """Rows where `amount ≈ quantity × unit_price` fails under `fmt` (0 without those three columns)."""
    needed = (Field.QUANTITY, Field.UNIT_PRICE, Field.AMOUNT)
    if not all(field in columns for field in needed):
        return 0
    # A heuristic, so floats are fine here: the lines themselves are parsed exactly.
    quantity, price, amount = (parse_number(pl.col(columns[field]), fmt).cast(pl.Float64) for field in needed)
    expected = (quantity * price).abs()
    miss = (amount.abs() - expected).abs() > pl.max_horizontal(pl.lit(1.0), expected * 0.01)
    rows = frame.select(pl.col(columns[field]) for field in needed).drop_nulls().unique()
    return int(rows.select(miss.sum()).item())


def _money_with_many_decimals(distinct: Mapping[Field, pl.Series], fmt: NumberFormat) -> int:
    """Money values written with more than two decimals under `fmt`: no currency has them, so "4,454" next to
    "1,088" kg reads as thousands."""
    three_decimals = rf"{re.escape(fmt.decimal)}\d{{3}}"
    return sum(
        int(values.str.contains(three_decimals).sum()) for field, values in distinct.items() if field in _MONEY_FIELDS
    )


def _number_preference(country: str) -> Sequence[NumberFormat]:
    if country in _COMMA_DECIMAL_COUNTRIES:
        return _NUMBER_FORMATS
    dot_first = [fmt for fmt in _NUMBER_FORMATS if fmt.decimal == "."]
    return (*dot_first, *(fmt for fmt in _NUMBER_FORMATS if fmt.decimal == ","))
