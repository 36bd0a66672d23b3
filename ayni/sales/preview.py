"""The import's `preview`: what Ayni understood of a file, as JSON, before anything is loaded (DESIGN.md "Sales
imports"). Pure: the table, the detected mapping and formats, and the company's locations in; a dict out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import polars as pl

from ayni.sales.formats import FormatDetection, parse_datetime, parse_number, sold_at_text
from ayni.sales.headers import HeaderMapping
from ayni.sales.parse import Parsed, parse_lines
from ayni.sales.reading import NUMERIC_FIELDS, DateFormat, Field, NumberFormat, Reading, reading_to_json
from ayni.sales.sources import RawTable

PREVIEW_ROWS = 20
MAX_REJECTED_SHARE = 0.10  # above it the import fails as a whole (DESIGN.md)

# Problem codes, for the web app to translate.
NO_DATE = "no-date-column"
NO_AMOUNT = "no-amount-column"
NO_PRODUCT = "no-product-column"
UNREADABLE_DATES = "unreadable-dates"
UNREADABLE_NUMBERS = "unreadable-numbers"
AMBIGUOUS_FORMAT = "ambiguous-format"
REJECTED_ROWS = "rejected-rows"
TOO_MANY_REJECTED = "too-many-rejected"

# Words a POS puts before a branch's name, which a company's own location name leaves out.
_LOCATION_PREFIXES = re.compile(r"^(?:sucursal|local|tienda|branch|store|shop)\s+")


@dataclass(frozen=True)
class KnownLocation:
    """One of the company's locations, as the file's location names are matched against."""

    id: UUID
    name: str
    code: str


def build_preview(
    raw: RawTable,
    header_mapping: HeaderMapping,
    detection: FormatDetection,
    *,
    timezone: str,
    locations: Sequence[KnownLocation],
    customer_key: bytes,
) -> dict[str, Any]:
    """The preview of `raw` read with the detected mapping and formats; `ready` is false while something needs the
    user (an ambiguous format, a required column missing, formats unreadable, too many rows rejected)."""
    mapping = {field: match.column for field, match in header_mapping.matches.items()}
    reading = _reading(raw, mapping, detection)
    parsed = parse_lines(raw, reading, timezone=timezone, customer_key=customer_key) if reading else None
    problems = _problems(raw, mapping, detection, parsed)
    days = parsed.lines.get_column("day") if parsed is not None else pl.Series(dtype=pl.Date)
    return {
        "encoding": raw.dialect.encoding,
        "delimiter": raw.dialect.delimiter,
        "header_row": raw.dialect.header_row,
        "rows_total": raw.rows_total,
        "columns": list(raw.columns),
        "mapping": {
            field.value: {"column": match.column, "confidence": match.confidence}
            for field, match in header_mapping.matches.items()
        },
        "unmapped": list(header_mapping.unmapped),
        "formats": _formats(raw, mapping, detection),
        "candidates": {
            "date": [_date_json(fmt) for fmt in detection.date_candidates],
            "number": [_number_json(fmt) for fmt in detection.number_candidates],
        },
        "ambiguous": list(detection.ambiguous),
        "locations": _locations(raw, mapping, locations),
        "date_from": _iso(days.min()),
        "date_to": _iso(days.max()),
        "rows": _rows(parsed.lines.head(PREVIEW_ROWS), timezone) if parsed is not None else [],
        "problems": problems,
        "reading": reading_to_json(reading) if reading else None,
        "ready": not any(problem["code"] != REJECTED_ROWS for problem in problems),
    }


def _reading(raw: RawTable, mapping: dict[Field, str], detection: FormatDetection) -> Reading | None:
    if Field.SOLD_AT not in mapping or detection.date_format is None:
        return None
    # A file without numeric columns is read with any style: there is nothing for it to read.
    number_format = detection.number_format or NumberFormat(",", ".")
    return Reading(raw.dialect, mapping, detection.date_format, number_format)


def _problems(
    raw: RawTable, mapping: dict[Field, str], detection: FormatDetection, parsed: Parsed | None
) -> list[dict[str, str]]:
    problems: list[tuple[str, str]] = []
    if Field.SOLD_AT not in mapping:
        problems.append((NO_DATE, "No column holds the date of the sale: choose the date column."))
    elif detection.date_format is None:
        problems.append((UNREADABLE_DATES, f'The column "{mapping[Field.SOLD_AT]}" holds no date Ayni can read.'))
    if Field.AMOUNT not in mapping and Field.UNIT_PRICE not in mapping:
        problems.append((NO_AMOUNT, "No column holds the amount or the unit price: choose one of them."))
    if Field.SKU not in mapping and Field.PRODUCT not in mapping:
        problems.append((NO_PRODUCT, "No column holds the SKU or the product name: choose one of them."))
    if any(field in mapping for field in NUMERIC_FIELDS) and detection.number_format is None:
        problems.append((UNREADABLE_NUMBERS, "The numeric columns hold no number Ayni can read."))
    for kind in detection.ambiguous:
        what = "day and month order" if kind == "date_order" else "decimal and thousands separators"
        problems.append((AMBIGUOUS_FORMAT, f"The values fit more than one {what}: choose the right one."))
    if parsed is not None and raw.rows_total and len(parsed.rejects):
        share = len(parsed.rejects) / raw.rows_total
        code = TOO_MANY_REJECTED if share > MAX_REJECTED_SHARE else REJECTED_ROWS
        problems.append((code, f"{len(parsed.rejects)} of {raw.rows_total} rows ({share:.1%}) would be rejected."))
    return [{"code": code, "message": message} for code, message in problems]


# --- Formats, with an example of each from the file --------------------------------------------------------------


def _formats(raw: RawTable, mapping: dict[Field, str], detection: FormatDetection) -> dict[str, Any]:
    formats: dict[str, Any] = {"date": None, "number": None}
    if detection.date_format is not None:
        text = sold_at_text(mapping)
        reads = parse_datetime(text, detection.date_format)
        example = _example(raw.frame, text, reads, prefer=pl.lit(value=True))
        if example is not None:
            example["reads_as"] = example["reads_as"].isoformat()
        formats["date"] = {**_date_json(detection.date_format), "example": example}
    if detection.number_format is not None:
        numbers = [field for field in NUMERIC_FIELDS if field in mapping]
        # The most telling example has a separator in it; any number will do when none has.
        text = pl.coalesce([pl.col(mapping[field]) for field in numbers])
        reads = parse_number(text, detection.number_format)
        example = _example(raw.frame, text, reads, prefer=text.str.contains(r"[.,]\d"))
        if example is not None:
            example["reads_as"] = _json_number(example["reads_as"])
        formats["number"] = {**_number_json(detection.number_format), "example": example}
    return formats


def _example(frame: pl.DataFrame, text: pl.Expr, reads: pl.Expr, *, prefer: pl.Expr) -> dict[str, Any] | None:
    """The first value that reads, preferring one `prefer` holds for; None when none reads."""
    found = (
        frame.select(text.alias("value"), reads.alias("reads_as"), prefer.fill_null(value=False).alias("_preferred"))
        .filter(pl.col("reads_as").is_not_null())
        .sort("_preferred", descending=True, maintain_order=True)
        .head(1)
    )
    return None if found.is_empty() else found.drop("_preferred").row(0, named=True)


def _date_json(date_format: DateFormat) -> dict[str, str]:
    return {"order": date_format.order, "pattern": date_format.pattern}


def _number_json(number_format: NumberFormat) -> dict[str, str]:
    return {"decimal": number_format.decimal, "thousands": number_format.thousands}


# --- Locations ---------------------------------------------------------------------------------------------------


def location_key(name: str) -> str:
    """A location name as compared: no case, accents, punctuation or leading "Sucursal"/"Local"/"Tienda"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = " ".join(re.sub(r"[^0-9a-z]+", " ", letters).split())
    return _LOCATION_PREFIXES.sub("", words)


def _locations(
    raw: RawTable, mapping: dict[Field, str], known: Sequence[KnownLocation]
) -> list[dict[str, str | int | None]]:
    if Field.LOCATION not in mapping:
        only = str(known[0].id) if len(known) == 1 else None
        return [{"name": None, "lines": raw.rows_total, "match": only}]
    match = location_matcher(known)
    counts = raw.frame.get_column(mapping[Field.LOCATION]).drop_nulls().value_counts(sort=True, name="lines")
    return [{"name": name, "lines": lines, "match": _str_or_none(match(name))} for name, lines in counts.iter_rows()]


def location_matcher(known: Sequence[KnownLocation]) -> Callable[[str], UUID | None]:
    """The location of `known` a file's location name stands for, if any (compared by `location_key`)."""
    by_key: dict[str, UUID] = {}
    for location in known:
        # A name beats a code: "Centro" is the location named so before the one coded so.
        by_key.setdefault(location_key(location.name), location.id)
    for location in known:
        by_key.setdefault(location_key(location.code), location.id)
    return lambda name: by_key.get(location_key(name))


def _str_or_none(value: UUID | None) -> str | None:
    return None if value is None else str(value)


# --- Rows --------------------------------------------------------------------------------------------------------

_ROW_COLUMNS = (
    "row",
    "location",
    "sold_at",
    "ticket",
    "document_type",
    "sku",
    "product",
    "category",
    "quantity",
    "amount",
    "cost",
    "discount",
    "is_return",
    "payment_method",
    "seller",
)


def _rows(lines: pl.DataFrame, timezone: str) -> list[dict[str, Any]]:
    """The lines as JSON: local times with their offset, exact numbers as JSON numbers, no customer hash."""
    local = lines.with_columns(pl.col("sold_at").dt.convert_time_zone(timezone)).select(_ROW_COLUMNS)
    return [{key: _json_value(value) for key, value in row.items()} for row in local.iter_rows(named=True)]


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _json_number(value)
    return value


def _json_number(value: Decimal) -> int | float:
    """A whole number as an int, else the nearest float (`1.088` stays `1.088`)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None
