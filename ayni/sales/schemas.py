"""The models of `/api/v1/companies/{cid}/imports` (DESIGN.md "Sales imports"): what a client sends and gets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ayni.paging import CURSOR_PATTERN
from ayni.sales.reading import Field as SalesField

ImportStatus = Literal["analyzing", "ready", "importing", "succeeded", "failed", "reverting", "reverted"]
Mode = Literal["replace", "append"]

# What an upload may be declared as. Browsers call a .csv text/csv, text/plain, application/vnd.ms-excel (Windows
# with Office) or application/octet-stream; the worker decides what the bytes are, from the bytes.
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")
GZIP_TYPES = ("application/gzip", "application/x-gzip")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_TYPES = (*CSV_TYPES, *GZIP_TYPES, XLSX_TYPE, "application/octet-stream")


class UploadQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(
        "sales.csv", min_length=1, max_length=255, description="The file's name, shown in the import history."
    )
    start: Literal["auto", "manual"] = Field(
        "manual",
        description="`auto`: an unambiguous file goes straight on to importing; `manual`: it waits in `ready` for "
        "`POST .../start` with the user's corrections.",
    )
    allow_duplicate: bool = Field(
        False, description="Import a file identical to an earlier import of this company (else 409 `duplicate-import`)."
    )


class DemoQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: int = Field(
        200_000, ge=1_000, le=1_000_000, description="How many sale lines to generate (two years of sales)."
    )


class ImportListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(
        None,
        description="`next_cursor` of the previous page; any other text is a 400 `invalid-cursor`.",
        json_schema_extra={"pattern": CURSOR_PATTERN},
    )


class DateChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order: Literal["DMY", "MDY", "YMD"]
    pattern: str = Field(
        min_length=2, max_length=40, description="A strftime pattern, e.g. `%d-%m-%Y %H:%M` (from the preview)."
    )


class NumberChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decimal: Literal[".", ","]
    thousands: Literal["", ",", ".", " "]


class FormatsChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: DateChoice | None = None
    number: NumberChoice | None = None


class StartImport(BaseModel):
    """The user's corrections to the preview; everything left out keeps what the analysis found."""

    model_config = ConfigDict(extra="forbid")

    mapping: dict[SalesField, str] | None = Field(
        None, description="Each Ayni field -> the file's column (as in the preview's `mapping`); replaces it whole."
    )
    formats: FormatsChoice | None = None
    locations: dict[str, UUID | Literal["new"]] | None = Field(
        None,
        description='Each location name found in the file -> one of the company\'s locations, or "new" to create '
        "it. Names left out keep the preview's match (or become new).",
    )
    location_id: UUID | None = Field(
        None, description="The location of every line, when the file has no location column."
    )
    mode: Mode = Field(
        "replace",
        description="`replace`: every (location, day) in the file replaces that day's earlier lines; `append`: add "
        "lines, skipping exact duplicates.",
    )


class Progress(BaseModel):
    phase: str | None
    rows_done: int
    rows_total: int | None


class ImportSummary(BaseModel):
    lines_loaded: int
    lines_rejected: int
    tickets: int
    date_from: date | None
    date_to: date | None
    locations: list[UUID]
    revenue: float = Field(description="Net of returns, in the company's currency.")


class RowError(BaseModel):
    row: int | None = Field(description="The row number a spreadsheet shows (the header row counts).")
    column: str | None
    value: str | None
    message: str


class ImportRecord(BaseModel):
    id: UUID
    filename: str
    media_type: str
    bytes: int
    sha256: str
    status: ImportStatus
    mode: Mode | None
    progress: Progress
    preview: dict[str, Any] | None = Field(description="What the analysis understood of the file (docs/imports.md).")
    summary: ImportSummary | None
    errors: list[RowError] = Field(description="The first 100 rejected rows, or why the import failed.")
    created_by: UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    file_kept: bool = Field(description="False once the uploaded file was deleted (IMPORT_RETENTION_DAYS).")


class ImportPage(BaseModel):
    items: list[ImportRecord]
    next_cursor: str | None
