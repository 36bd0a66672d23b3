"""Date and number formats detected from the values (ayni/sales/formats.py): each rule, and the detector's
promise that it never picks a reading under which some value fails when another reading parses them all."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.sales.formats import (
    DATE_ORDER,
    NUMBER_FORMAT,
    describe_date,
    describe_number,
    detect_formats,
    parse_datetime,
    parse_number,
)
from ayni.sales.reading import DateFormat, Dialect, Field, NumberFormat
from ayni.sales.sources import RawTable

NUMBER_STYLES = [NumberFormat(d, t) for d, t in ((",", "."), (".", ","), (",", ""), (".", ""), (",", " "), (".", " "))]


def table(**columns: list[str | None]) -> RawTable:
    """A RawTable as READ makes it: string columns, then `__row` from 2."""
    rows = len(next(iter(columns.values())))
    frame = pl.DataFrame({name: pl.Series(values, dtype=pl.Utf8) for name, values in columns.items()})
    frame = frame.with_columns(pl.int_range(2, rows + 2, dtype=pl.Int64).alias("__row"))
    return RawTable(Dialect("utf-8", ",", 1), list(columns), frame, rows)


def dates(values: list[str], **extra: list[str | None]) -> tuple[RawTable, dict[Field, str]]:
    mapping = {Field.SOLD_AT: "fecha", **{Field(name): name for name in extra}}
    return table(fecha=list(values), **extra), mapping


def numbers(**columns: list[str | None]) -> tuple[RawTable, dict[Field, str]]:
    return table(**columns), {Field(name): name for name in columns}


def read_dates(values: list[str], date_format: DateFormat) -> list[datetime | None]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Utf8})
    return frame.select(parse_datetime(pl.col("v"), date_format)).to_series().to_list()


def read_numbers(values: list[str], number_format: NumberFormat) -> list[Decimal | None]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Utf8})
    return frame.select(parse_number(pl.col("v"), number_format)).to_series().to_list()


# --- Dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        (["13-01-2024 9:05", "1-2-2024 14:30"], "%d-%m-%Y %H:%M"),
        (["13/01/2024", "01/02/2024"], "%d/%m/%Y"),
        (["13.01.2024 09:05:59", "01.02.2024 00:00:00"], "%d.%m.%Y %H:%M:%S"),
        (["13-01-24 9:05", "01-02-24 10:00"], "%d-%m-%y %H:%M"),
        (["2024-01-13T09:05:00", "2024-02-01T00:00:00"], "%Y-%m-%dT%H:%M:%S"),
        (["2024-01-13 9:05", "2024-2-1 10:00"], "%Y-%m-%d %H:%M"),
        (["01/13/2024 9:05 PM", "1/2/2024 12:30 am"], "%m/%d/%Y %I:%M %p"),
        (["13/01/2024 9:05:07 p.m.", "1/2/2024 12:30:00 a.m."], "%d/%m/%Y %I:%M:%S %p"),
    ],
)
def test_the_pattern_is_read_from_the_values(values: list[str], pattern: str) -> None:
    detection = detect_formats(*dates(values))
    assert detection.date_format is not None
    assert detection.date_format.pattern == pattern
    assert DATE_ORDER not in detection.ambiguous
    assert None not in read_dates(values, detection.date_format)


def test_a_first_part_over_12_rules_out_month_first() -> None:
    detection = detect_formats(*dates(["05-03-2024", "13-03-2024"]))
    assert detection.date_format == DateFormat("DMY", "%d-%m-%Y")
    assert detection.date_candidates == (DateFormat("DMY", "%d-%m-%Y"),)


def test_a_second_part_over_12_rules_out_day_first() -> None:
    detection = detect_formats(*dates(["05/03/2024", "03/25/2024"]), country="CL")
    assert detection.date_format == DateFormat("MDY", "%m/%d/%Y")


def test_undecidable_order_is_ambiguous_and_follows_the_country() -> None:
    values = ["05/03/2024", "03/04/2024"]
    chile = detect_formats(*dates(values), country="CL")
    usa = detect_formats(*dates(values), country="US")
    assert chile.ambiguous == (DATE_ORDER,)
    assert chile.date_format is not None
    assert chile.date_format.order == "DMY"
    assert usa.date_format is not None
    assert usa.date_format.order == "MDY"
    assert {fmt.order for fmt in chile.date_candidates} == {"DMY", "MDY"}


def test_days_equal_to_their_month_read_the_same_either_way() -> None:
    detection = detect_formats(*dates(["01-01-2024", "02-02-2024"]))
    assert detection.ambiguous == ()
    assert len(detection.date_candidates) == 2


def test_a_separate_time_column_is_read_with_the_date() -> None:
    table_, mapping = dates(["13-01-2024", "01-02-2024"], sold_time=["9:05", "14:30:00"])
    detection = detect_formats(table_, mapping)
    # The shape most rows have wins; the other row is the one a reject will name.
    assert detection.date_format is not None
    assert detection.date_format.pattern in {"%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S"}
    table_, mapping = dates(["13-01-2024", "01-02-2024"], sold_time=["9:05", "14:30"])
    assert detect_formats(table_, mapping).date_format == DateFormat("DMY", "%d-%m-%Y %H:%M")


def test_impossible_dates_and_two_digit_years_under_a_four_digit_pattern_do_not_read() -> None:
    assert read_dates(["31-02-2024", "13-01-24", "13-01-2024"], DateFormat("DMY", "%d-%m-%Y")) == [
        None,
        None,
        datetime(2024, 1, 13),
    ]


def test_no_readable_date_gives_no_format() -> None:
    assert detect_formats(*dates(["ayer", "hoy"])).date_format is None


def test_a_few_bad_values_still_leave_the_format_of_the_rest() -> None:
    detection = detect_formats(*dates(["13-01-2024", "not a date", "14-01-2024"]))
    assert detection.date_format == DateFormat("DMY", "%d-%m-%Y")
    assert detection.date_candidates == ()


# --- Numbers ----------------------------------------------------------------------------------------------------


def test_quantity_times_price_decides_the_chilean_pos_case() -> None:
    # 1.088 kg x 4,454 = 4,846: consistent only with "." decimals and "," thousands.
    detection = detect_formats(
        *numbers(quantity=["1.088", "2"], unit_price=["4,454", "1,990"], amount=["4,846", "3,980"])
    )
    assert detection.number_format == NumberFormat(".", ",")
    assert NUMBER_FORMAT not in detection.ambiguous
    assert NumberFormat(",", ".") in detection.number_candidates


def test_a_comma_decimal_with_dot_thousands() -> None:
    detection = detect_formats(*numbers(amount=["1.234,56", "12,5", "(1.000,00)"]))
    assert detection.number_format == NumberFormat(",", ".")
    assert detection.number_candidates == (NumberFormat(",", "."),)


def test_money_with_three_decimals_reads_as_thousands() -> None:
    detection = detect_formats(*numbers(amount=["1.234", "12.990", "500"]))
    assert detection.number_format is not None
    assert detection.number_format.thousands == "."
    assert detection.ambiguous == ()


def test_quantities_alone_with_three_decimals_are_ambiguous_and_follow_the_country() -> None:
    raw, mapping = numbers(quantity=["1.500", "2"])
    chile, usa = detect_formats(raw, mapping, country="CL"), detect_formats(raw, mapping, country="US")
    assert chile.ambiguous == (NUMBER_FORMAT,)
    assert chile.number_format == NumberFormat(",", ".")
    assert usa.number_format is not None
    assert usa.number_format.decimal == "."


def test_plain_integers_are_not_ambiguous() -> None:
    detection = detect_formats(*numbers(amount=["1990", "500"], quantity=["1", "3"]))
    assert detection.ambiguous == ()
    assert len(detection.number_candidates) == len(NUMBER_STYLES)


@pytest.mark.parametrize(
    ("text", "style", "value"),
    [
        ("$1.234", NumberFormat(",", "."), Decimal(1234)),
        ("$ 1.234,50", NumberFormat(",", "."), Decimal("1234.5")),
        ("CLP 12.990", NumberFormat(",", "."), Decimal(12990)),
        ("12.990 CLP", NumberFormat(",", "."), Decimal(12990)),
        ("(1.234)", NumberFormat(",", "."), Decimal(-1234)),
        ("-$1,234.56", NumberFormat(".", ","), Decimal("-1234.56")),
        ("$-1,234.56", NumberFormat(".", ","), Decimal("-1234.56")),
        ("1 234 567,5", NumberFormat(",", " "), Decimal("1234567.5")),
        ("1\u00a0234,5", NumberFormat(",", " "), Decimal("1234.5")),
        ("+5", NumberFormat(".", ""), Decimal(5)),
        (".5", NumberFormat(".", ","), Decimal("0.5")),
        ("1234,5", NumberFormat(",", "."), Decimal("1234.5")),
        ("1,5", NumberFormat(".", ","), None),  # a thousands group of one digit
        ("1.2345", NumberFormat(",", "."), None),
        ("1e3", NumberFormat(".", ""), None),
        ("--5", NumberFormat(".", ""), None),
        ("(5", NumberFormat(".", ""), None),
        ("abc", NumberFormat(".", ""), None),
        ("12.34.56", NumberFormat(".", ""), None),
    ],
)
def test_number_parsing(text: str, style: NumberFormat, value: Decimal | None) -> None:
    assert read_numbers([text], style) == [value]


def test_numbers_are_exact() -> None:
    assert read_numbers(["0,1", "1234567890123,4567"], NumberFormat(",", ".")) == [
        Decimal("0.1"),
        Decimal("1234567890123.4567"),
    ]


def test_descriptions_a_user_reads() -> None:
    assert describe_date(DateFormat("DMY", "%d-%m-%Y %H:%M")) == "DD-MM-YYYY HH:MM"
    assert describe_date(DateFormat("MDY", "%m/%d/%y %I:%M:%S %p")) == "MM/DD/YY hh:MM:SS AM/PM"
    assert describe_number(NumberFormat(",", ".")) == "1.234,56"
    assert describe_number(NumberFormat(".", "")) == "1234.56"


# --- The detector's promise ---------------------------------------------------------------------------------------

number_texts = st.text(alphabet="0123456789.,- $()", min_size=1, max_size=9)


@given(
    quantity=st.lists(number_texts, min_size=1, max_size=8),
    amount=st.lists(number_texts, min_size=1, max_size=8),
    country=st.sampled_from(["CL", "US"]),
)
def test_the_detector_never_picks_a_style_that_fails_when_another_reads_everything(
    quantity: list[str], amount: list[str], country: str
) -> None:
    size = min(len(quantity), len(amount))
    detection = detect_formats(*numbers(quantity=quantity[:size], amount=amount[:size]), country=country)
    values = quantity[:size] + amount[:size]
    readers = [style for style in NUMBER_STYLES if None not in read_numbers(values, style)]
    assert set(detection.number_candidates) == set(readers)
    if readers:
        assert detection.number_format in readers


datetimes = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2080, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0)
)


@given(
    moments=st.lists(datetimes, min_size=1, max_size=10),
    junk=st.lists(st.text(alphabet="0123456789-/: ", max_size=12), max_size=3),
    country=st.sampled_from(["CL", "US"]),
)
def test_the_date_detector_never_picks_an_order_that_fails_when_another_reads_everything(
    moments: list[datetime], junk: list[str], country: str
) -> None:
    values = [f"{moment:%d-%m-%Y %H:%M}" for moment in moments] + junk
    detection = detect_formats(*dates(values), country=country)
    if None not in read_dates(values, DateFormat("DMY", "%d-%m-%Y %H:%M")):
        assert detection.date_format is not None
        assert None not in read_dates(values, detection.date_format)
