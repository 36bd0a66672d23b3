"""Periodic clean-up of credentials that can no longer be used (run by the worker's scheduler)."""

from __future__ import annotations

from typing import Any

import psycopg

# A revoked session is kept a while so that a reused refresh token is still recognised as reuse.
REVOKED_SESSION_GRACE = "7 days"


def purge_expired_credentials(conn: psycopg.Connection[Any]) -> int:
    sessions = conn.execute(
        "DELETE FROM auth_sessions WHERE expires_at < now() OR revoked_at < now() - CAST(%s AS interval)",
        (REVOKED_SESSION_GRACE,),
    ).rowcount
    tokens = conn.execute("DELETE FROM auth_one_time_tokens WHERE expires_at < now() OR used_at IS NOT NULL").rowcount
    return sessions + tokens
