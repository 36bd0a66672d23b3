"""The rejected rows of an import, for the user: the first ones in the import's `errors`, all of them as a CSV
that holds each row as it was in the file, plus the reason (in the file's own delimiter, so the spreadsheet that
opened the export opens this too)."""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from ayni.sales.sources import ROW, RawTable

ERRORS_SHOWN = 100
ROW_COLUMN = "Fila"
REASON_COLUMN = "Motivo"
_UTF8_BOM = b"\xef\xbb\xbf"  # Excel reads a CSV as UTF-8 only with it


def first_errors(rejects: pl.DataFrame, limit: int = ERRORS_SHOWN) -> list[dict[str, Any]]:
    """The first `limit` rejects as the API's `errors` items."""
    head = rejects.sort("row").head(limit)
    return [
        {"row": row["row"], "column": row["column"] or None, "value": row["value"], "message": row["message"]}
        for row in head.iter_rows(named=True)
    ]


def rejected_rows(raw: RawTable, rejects: pl.DataFrame) -> pl.DataFrame:
    """The rejected rows of `raw` as the CSV shows them: row number, the file's cells, the reason."""
    row_column, reason_column = (free_name(name, raw.columns) for name in (ROW_COLUMN, REASON_COLUMN))
    reasons = rejects.select(pl.col("row").alias(ROW), pl.col("message").alias(reason_column))
    return (
        raw.frame.join(reasons, on=ROW, how="inner")
        .sort(ROW)
        .select(pl.col(ROW).alias(row_column), *raw.columns, reason_column)
    )


def free_name(name: str, taken: list[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... when the file has a column of that name already (a POS export may well
    have a "Motivo" of its own, for returns)."""
    candidate, copy = name, 1
    while candidate in taken:
        copy += 1
        candidate = f"{name} ({copy})"
    return candidate


def rejected_csv(rows: pl.DataFrame | None, delimiter: str) -> bytes:
    """`rejected_rows` (of one table, or of its batches concatenated) as CSV; b"" when there is none."""
    if rows is None or rows.is_empty():
        return b""
    out = io.BytesIO()
    out.write(_UTF8_BOM)
    rows.write_csv(out, separator=delimiter or ",")
    return out.getvalue()
