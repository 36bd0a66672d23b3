"""Helpers for tests that need accounts: users and one-time tokens written straight to the test database,
signing in over HTTP, and a real SMTP server (aiosmtpd) collecting what it receives."""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import psycopg
from aiosmtpd.smtp import Envelope, Session

from ayni.auth import passwords, tokens

PASSWORD = "correct horse battery staple"


@dataclass
class Mailbox:
    """An aiosmtpd handler: keeps every message it accepts."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        with self.lock:
            self.messages.append(message_from_bytes(content))
            self.envelopes.append((str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos]))
        return "250 OK"

    def wait_for(self, to: str, count: int = 1, timeout: float = 30) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [m for m in self.messages if m["To"] == to]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count} message(s) to {to} within {timeout} s; got {len(self.messages)} in all")


@dataclass
class SmtpServer:
    mailbox: Mailbox
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


def link_token(message: Message) -> str:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = re.search(r"\?token=([A-Za-z0-9_\-]+)", body.decode())
    assert found, body
    return found.group(1)


# Database shortcuts (psycopg, synchronous): arrange state without going through the API.

_HASHES: dict[str, str] = {}


def password_hash(password: str) -> str:
    if password not in _HASHES:
        _HASHES[password] = passwords.hash_password(password)
    return _HASHES[password]


def create_user(
    database_url: str,
    email: str = "ana@example.cl",
    password: str = PASSWORD,
    *,
    verified: bool = True,
    disabled: bool = False,
    hash_override: str | None = None,
) -> uuid.UUID:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            """INSERT INTO users (email, password_hash, full_name, email_verified_at, disabled)
               VALUES (%s, %s, %s, CASE WHEN %s THEN now() END, %s) RETURNING id""",
            (email, hash_override or password_hash(password), "Ana Pérez", verified, disabled),
        ).fetchone()
    assert row is not None
    user_id: uuid.UUID = row[0]
    return user_id


def one_time_token(database_url: str, user_id: uuid.UUID, purpose: str, expires_in: timedelta) -> str:
    token = tokens.new_one_time_token()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO auth_one_time_tokens (user_id, purpose, token_hash, expires_at) VALUES (%s, %s, %s, %s)",
            (user_id, purpose, tokens.sha256(token), datetime.now(UTC) + expires_in),
        )
    return token


def sql(database_url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: httpx.Client, email: str = "ana@example.cl", password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


def problem_type(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    kind: str = response.json()["type"]
    return kind.rsplit("/", 1)[1]
