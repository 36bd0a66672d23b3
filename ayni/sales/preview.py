"""The import's `preview`: what Ayni understood of a file, as JSON, before anything is loaded (DESIGN.md "Sales
imports"). Pure: the table, the detected mapping and formats, and the company's locations in; a dict out.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import polars as pl

from ayni.sales.formats import FormatDetection, parse_datetime, parse_number, sold_at_text
from ayni.sales.headers import HeaderMapping
from ayni.sales.parse import LINE_SCHEMA, Parsed, parse_lines
from ayni.sales.reading import NUMERIC_FIELDS, DateFormat, Dialect, Field, NumberFormat, Reading, reading_to_json
from ayni.sales.sources import RawTable

PREVIEW_ROWS = 20
# Rows parsed at a time by the preview's trial parse (no fewer than a batch of the load holds, sources.BATCH_BYTES).
TRIAL_ROWS = 50_000
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
    raw: RawTable | Iterable[RawTable],
    header_mapping: HeaderMapping,
    detection: FormatDetection,
    *,
    timezone: str,
    locations: Sequence[KnownLocation],
    customer_key: bytes,
) -> dict[str, Any]:
    """The preview of a file (its table, or its batches from sources.read_batches, gone through once) read with the
    detected mapping and formats; `ready` is false while something needs the user (an ambiguous format, a required
    column missing, formats unreadable, too many rows rejected)."""
    tables = iter([raw] if isinstance(raw, RawTable) else raw)
    first = next(tables)
    survey = Survey(first, header_mapping, detection, timezone=timezone, customer_key=customer_key)
    for table in itertools.chain([first], tables):
        for offset in range(0, table.rows_total, TRIAL_ROWS):
            survey.add(table.frame.slice(offset, TRIAL_ROWS))
    return survey.preview(locations)


def reading_to_load_at_once(
    first: RawTable, header_mapping: HeaderMapping, detection: FormatDetection
) -> Reading | None:
    """The reading of a file whose preview nothing but its rows could keep from being `ready` (every required
    column found, every format read and unambiguous): an import started at upload can load it straight away,
    surveying its preview from the lines as it loads them. None when the user may have something to decide."""
    mapping = {field: match.column for field, match in header_mapping.matches.items()}
    reading = _reading(first.dialect, mapping, detection)
    return reading if reading is not None and not _problems(0, mapping, detection, None) else None


@dataclass(frozen=True)
class TrialParse:
    """What the preview tells of the file's lines: the first ones, their dates, how many rows would be rejected."""

    first_lines: pl.DataFrame
    date_from: date | None
    date_to: date | None
    rejected: int


class Survey:
    """What the preview shows of a file (`preview`), gathered a slice of rows at a time (`add`), or from the rows
    and their lines as the load parses them (`add_parsed`): parsing or reading every value of a million lines at
    once would take some 500 MB of the worker's memory for figures of a few bytes. `first` is the file's first
    batch (its dialect and columns)."""

    def __init__(
        self,
        first: RawTable,
        header_mapping: HeaderMapping,
        detection: FormatDetection,
        *,
        timezone: str,
        customer_key: bytes,
    ) -> None:
        self._first, self._header_mapping = first, header_mapping
        self._mapping = {field: match.column for field, match in header_mapping.matches.items()}
        self._detection, self._reading = detection, _reading(first.dialect, self._mapping, detection)
        self._timezone, self._customer_key = timezone, customer_key
        self.rows_total = 0
        self._first_lines = pl.DataFrame(schema=LINE_SCHEMA)
        self._rejected = 0
        self._days: list[pl.DataFrame] = []
        self._counts: list[pl.DataFrame] = []
        self._examples: dict[str, tuple[bool, dict[str, Any]]] = {}

    def add(self, frame: pl.DataFrame) -> None:
        """Rows of the file (a slice of a batch's frame), parsed here with the detected reading."""
        if self._reading is None:
            self.add_parsed(frame, None)
            return
        columns = list(frame.columns[:-1])
        part = RawTable(dialect=self._reading.dialect, columns=columns, frame=frame, rows_total=frame.height)
        self.add_parsed(
            frame, parse_lines(part, self._reading, timezone=self._timezone, customer_key=self._customer_key)
        )

    def add_parsed(self, frame: pl.DataFrame, parsed: Parsed | None) -> None:
        """Rows of the file and what parse_lines made of them with the detected reading (None: no reading)."""
        self.rows_total += frame.height
        if Field.LOCATION in self._mapping:
            column = frame.get_column(self._mapping[Field.LOCATION]).drop_nulls().to_frame()
            self._counts.append(column.group_by(column.columns[0], maintain_order=True).len(name="lines"))
        self._find_examples(frame)
        if parsed is None:
            return
        wanted = PREVIEW_ROWS - len(self._first_lines)
        self._first_lines = pl.concat([self._first_lines, parsed.lines.head(wanted)])
        self._rejected += len(parsed.rejects)
        self._days.append(parsed.lines.select(pl.col("day").min().alias("first"), pl.col("day").max().alias("last")))

    def preview(self, locations: Sequence[KnownLocation]) -> dict[str, Any]:
        """The preview of the rows added so far, their locations matched among the company's `locations`."""
        first, header_mapping, detection, mapping = self._first, self._header_mapping, self._detection, self._mapping
        parsed = self.trial() if self._reading else None
        problems = _problems(self.rows_total, mapping, detection, parsed)
        return {
            "encoding": first.dialect.encoding,
            "delimiter": first.dialect.delimiter,
            "header_row": first.dialect.header_row,
            "rows_total": self.rows_total,
            "columns": list(first.columns),
            "mapping": {
                field.value: {"column": match.column, "confidence": match.confidence}
                for field, match in header_mapping.matches.items()
            },
            "unmapped": list(header_mapping.unmapped),
            "formats": self.formats(),
            "candidates": {
                "date": [_date_json(fmt) for fmt in detection.date_candidates],
                "number": [_number_json(fmt) for fmt in detection.number_candidates],
            },
            "ambiguous": list(detection.ambiguous),
            "locations": _locations(self.rows_total, self.location_counts(), mapping, locations),
            "date_from": _iso(parsed.date_from) if parsed is not None else None,
            "date_to": _iso(parsed.date_to) if parsed is not None else None,
            "rows": _rows(parsed.first_lines, self._timezone) if parsed is not None else [],
            "problems": problems,
            "reading": reading_to_json(self._reading) if self._reading else None,
            "ready": not any(problem["code"] != REJECTED_ROWS for problem in problems),
        }

    def trial(self) -> TrialParse:
        first, last = (
            pl.concat(self._days).select(pl.col("first").min(), pl.col("last").max()).row(0)
            if self._days
            else (None, None)
        )
        return TrialParse(first_lines=self._first_lines, date_from=first, date_to=last, rejected=self._rejected)

    def location_counts(self) -> list[tuple[str, int]]:
        """Each location name and its lines, most lines first (the first seen first on a tie)."""
        if not self._counts:
            return []
        name = self._mapping[Field.LOCATION]
        counts = pl.concat(self._counts).group_by(name, maintain_order=True).agg(pl.col("lines").sum())
        return [(row[0], int(row[1])) for row in counts.sort("lines", descending=True, maintain_order=True).rows()]

    def _find_examples(self, frame: pl.DataFrame) -> None:
        """The first value of each format that reads, preferring one that shows it best, so far."""
        mapping, detection = self._mapping, self._detection
        if detection.date_format is not None:
            text = sold_at_text(mapping)
            self._example("date", frame, text, parse_datetime(text, detection.date_format), pl.lit(value=True))
        if detection.number_format is not None:
            # The most telling example has a separator in it; any number will do when none has.
            text = pl.coalesce([pl.col(mapping[field]) for field in NUMERIC_FIELDS if field in mapping])
            reads = parse_number(text, detection.number_format)
            self._example("number", frame, text, reads, text.str.contains(r"[.,]\d"))

    def _example(self, kind: str, frame: pl.DataFrame, text: pl.Expr, reads: pl.Expr, prefer: pl.Expr) -> None:
        if self._examples.get(kind, (False, {}))[0]:
            return
        found = (
            frame.select(
                text.alias("value"), reads.alias("reads_as"), prefer.fill_null(value=False).alias("_preferred")
            )
            .filter(pl.col("reads_as").is_not_null())
            .sort("_preferred", descending=True, maintain_order=True)
            .head(1)
        )
        if not found.is_empty():
            example = found.row(0, named=True)
            preferred = example.pop("_preferred")
            if preferred or kind not in self._examples:
                self._examples[kind] = (preferred, example)

    def formats(self) -> dict[str, Any]:
        formats: dict[str, Any] = {"date": None, "number": None}
        date_example = self._examples.get("date", (False, None))[1]
        number_example = self._examples.get("number", (False, None))[1]
        if self._detection.date_format is not None:
            if date_example is not None:
                date_example = {**date_example, "reads_as": date_example["reads_as"].isoformat()}
            formats["date"] = {**_date_json(self._detection.date_format), "example": date_example}
        if self._detection.number_format is not None:
            if number_example is not None:
                number_example = {**number_example, "reads_as": _json_number(number_example["reads_as"])}
            formats["number"] = {**_number_json(self._detection.number_format), "example": number_example}
        return formats


def _reading(dialect: Dialect, mapping: dict[Field, str], detection: FormatDetection) -> Reading | None:
    if Field.SOLD_AT not in mapping or detection.date_format is None:
        return None
    # A file without numeric columns is read with any style: there is nothing for it to read.
    number_format = detection.number_format or NumberFormat(",", ".")
    return Reading(dialect, mapping, detection.date_format, number_format)


def _problems(
    rows_total: int, mapping: dict[Field, str], detection: FormatDetection, parsed: TrialParse | None
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
    if parsed is not None and rows_total and parsed.rejected:
        share = parsed.rejected / rows_total
        code = TOO_MANY_REJECTED if share > MAX_REJECTED_SHARE else REJECTED_ROWS
        problems.append((code, f"{parsed.rejected} of {rows_total} rows ({share:.1%}) would be rejected."))
    return [{"code": code, "message": message} for code, message in problems]


# --- Formats, with an example of each from the file --------------------------------------------------------------


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
    rows_total: int, counts: list[tuple[str, int]], mapping: dict[Field, str], known: Sequence[KnownLocation]
) -> list[dict[str, str | int | None]]:
    """Each location name of the file (`counts`: with its lines, most first) and the company's location it
    matches."""
    if Field.LOCATION not in mapping:
        only = str(known[0].id) if len(known) == 1 else None
        return [{"name": None, "lines": rows_total, "match": only}]
    match = location_matcher(known)
    return [{"name": name, "lines": lines, "match": _str_or_none(match(name))} for name, lines in counts]


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
