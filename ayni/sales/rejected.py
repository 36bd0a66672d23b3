"""The rejected rows of an import, for the user: the first ones in the import's `errors`, all of them as a CSV
that holds each row as it was in the file, plus the reason (in the file's own delimiter, so the spreadsheet that
opened the export opens this too)."""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from ayni.sales.sources import RawTable

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


def rejected_csv(raw: RawTable, rejects: pl.DataFrame) -> bytes:
    """Every rejected row of `raw` with its row number and reason; b"" when there is none."""
    if rejects.is_empty():
        return b""
    reasons = rejects.select(pl.col("row").alias("__row"), pl.col("message").alias(REASON_COLUMN))
    rows = (
        raw.frame.join(reasons, on="__row", how="inner")
        .sort("__row")
        .select(pl.col("__row").alias(ROW_COLUMN), *raw.columns, REASON_COLUMN)
    )
    out = io.BytesIO()
    out.write(_UTF8_BOM)
    rows.write_csv(out, separator=raw.dialect.delimiter or ",")
    return out.getvalue()
