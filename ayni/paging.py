"""Keyset pagination cursors: a cursor names the last row of a page by its creation time and id, so pages stay
stable while rows are added.

The form is `<microseconds since 1970, UTC>_<uuid>`. Every string of this form is a cursor (17 digits reach past
the year 5000, inside what datetime holds), so the OpenAPI document states the whole rule and nothing that passes
it can overflow.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

from ayni.problems import Problem

CURSOR_PATTERN = r"^[0-9]{1,17}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Position = tuple[datetime, UUID]


def encode_cursor(created_at: datetime, row_id: UUID) -> str:
    return f"{(created_at - _EPOCH) // timedelta(microseconds=1)}_{row_id}"


def decode_cursor(cursor: str) -> Position:
    """The (created_at, id) a cursor names; a 400 for any text that is not a cursor."""
    if not _CURSOR.fullmatch(cursor):
        raise Problem(400, "invalid-cursor", "The cursor is not one this API gave out.")
    micros, row_id = cursor.split("_")
    return _EPOCH + timedelta(microseconds=int(micros)), UUID(row_id)
