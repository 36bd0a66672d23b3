"""Users, not connections (issue 16): simulated users each opening the web app's dashboard every `PERIOD_S`, on
a constant-rate schedule (bench/load.py `open_loop`). bench/suite.py runs the phase; see bench/README.md, "Users".
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
from load import OpenLoopResult

from ayni.auth import tokens

PERIOD_S = 2.0  # each user opens the dashboard this often
GOAL_P95_MS = 100.0


def dashboard_paths(company: UUID, timezone: str) -> list[str]:
    """What the web app's dashboard asks when it opens with its default view (frontend/src/features/dashboard,
    Dashboard.tsx): the locations, and the analytics of the last 30 days (today left out), compared with the 30
    before, revenue; the breakdowns by location (limit 50), product and category (top 10); the calendar of the
    year the range ends in."""
    today = datetime.now(ZoneInfo(timezone)).date()
    start, end = today - timedelta(days=30), today - timedelta(days=1)
    base = f"/api/v1/companies/{company}"
    ranged = {"from": start.isoformat(), "to": end.isoformat()}
    compared = {**ranged, "compare": "previous_period"}

    def analytics(endpoint: str, query: dict[str, object]) -> str:
        return f"{base}/analytics/{endpoint}?{urlencode(query)}"

    return [
        f"{base}/locations",
        analytics("overview", compared),
        analytics("timeseries", {**compared, "metric": "revenue", "grain": "day"}),
        *(
            analytics("breakdown", {**compared, "metric": "revenue", "by": by, "limit": limit})
            for by, limit in (("location", 50), ("product", 10), ("category", 10))
        ),
        analytics("heatmap", {**ranged, "metric": "revenue"}),
        analytics("calendar", {"year": end.year}),
    ]


def label(path: str) -> str:
    """A dashboard path's short name for the table: `locations`, `overview`, `breakdown by product`..."""
    endpoint, _, query = path.partition("?")
    name = endpoint.rsplit("/", 1)[1]
    by = next((part[3:] for part in query.split("&") if part.startswith("by=")), None)
    return f"{name} by {by}" if by else name


def mint_tokens(database_url: str, email: str, jwt_secret: str, count: int) -> list[str]:
    """`count` access tokens of the account `email`, each of a session of its own (as `count` browsers signed in
    would hold): the sessions inserted as the superuser, the tokens signed as the API signs them. Signing in
    `count` times would take count / 30 s of argon2 instead."""
    now = datetime.now(UTC)
    with psycopg.connect(database_url, autocommit=True) as db:
        row = db.execute("SELECT id FROM users WHERE email = %s", (email,)).fetchone()
        assert row is not None, email
        user_id = row[0]
        with db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO auth_sessions (user_id, current_jti_hash, expires_at) VALUES (%s, %s, %s) RETURNING id",
                [(user_id, secrets.token_bytes(32), now + timedelta(days=1)) for _ in range(count)],
                returning=True,
            )
            sessions = []
            while True:
                sessions.append(cursor.fetchone()[0])  # type: ignore[index]
                if not cursor.nextset():
                    break
    return [
        tokens.encode(tokens.new_claims("access", str(user_id), str(session), now, 86_400), jwt_secret)
        for session in sessions
    ]


def schedule(users: int, seconds: float) -> list[tuple[float, int]]:
    """(seconds from the start, user) of every dashboard open: user u opens at u / users of the period and then
    every PERIOD_S, so the opens come at a constant rate."""
    opens = []
    for cycle in range(max(1, round(seconds / PERIOD_S))):
        opens += [(cycle * PERIOD_S + PERIOD_S * user / users, user) for user in range(users)]
    return opens


def meets_goal(result: OpenLoopResult) -> bool:
    """p95 within GOAL_P95_MS and no error."""
    return result.errors == 0 and result.percentile(95) <= GOAL_P95_MS
