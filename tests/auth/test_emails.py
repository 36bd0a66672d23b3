"""Emails: rendering (pure), delivery to a real SMTP server (aiosmtpd), the log fallback, and the whole
register -> email -> verify and reset flows through a real worker."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from ayni.auth.emails import KINDS, deliver, render_email, reset_link, send_email_actor, verify_link
from ayni.config import Settings
from ayni.embedded import free_port
from ayni.jobs.actors import JobContext
from tests.accounts import PASSWORD, Mailbox, SmtpServer, bearer, link_token, login, sql
from tests.workers import WorkerProcess

A = "/api/v1/auth"


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(FRONTEND_HOST="https://app.ayni.cl", EMAIL_FROM="Ayni <no-reply@ayni.cl>")


@pytest.mark.parametrize("kind", KINDS)
def test_render_email(settings: Settings, kind: Any) -> None:
    link = "https://app.ayni.cl/page?token=abc"
    message = render_email(kind, "ana@example.cl", link, settings)
    assert message["To"] == "ana@example.cl"
    assert message["From"] == "Ayni <no-reply@ayni.cl>"
    assert "Ayni" in message["Subject"]
    text = message.get_content()
    assert link in text
    assert "Hello" in text
    assert "Hola" in text
    again = render_email(kind, "ana@example.cl", link, settings)
    assert (again["Subject"], again.get_content()) == (message["Subject"], text)


def test_links_point_to_the_frontend(settings: Settings) -> None:
    assert verify_link(settings, "t0k") == "https://app.ayni.cl/verify-email?token=t0k"
    assert reset_link(settings, "t0k") == "https://app.ayni.cl/reset-password?token=t0k"


def test_deliver_over_smtp(make_settings: Callable[..., Settings], smtp_server: SmtpServer) -> None:
    settings = make_settings(SMTP_URL=smtp_server.url, EMAIL_FROM="Ayni <no-reply@ayni.cl>")
    deliver(settings, render_email("password_reset", "ana@example.cl", "https://x/reset?token=abc", settings))
    [message] = smtp_server.mailbox.wait_for("ana@example.cl")
    assert "Restablece" in message["Subject"]
    assert message["Message-ID"]
    assert message["Date"]
    assert smtp_server.mailbox.envelopes == [("no-reply@ayni.cl", ["ana@example.cl"])]
    assert link_token(message) == "abc"


class Authenticator:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.seen.append((login, password))
        return AuthResult(success=(login, password) == ("mailer", "s3cr:t@pw"))


@pytest.fixture
def smtp_with_auth() -> Iterator[tuple[SmtpServer, Authenticator]]:
    mailbox, authenticator, port = Mailbox(), Authenticator(), free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        yield SmtpServer(mailbox, "127.0.0.1", port), authenticator
    finally:
        controller.stop()


def test_deliver_logs_in_with_the_url_credentials(
    make_settings: Callable[..., Settings], smtp_with_auth: tuple[SmtpServer, Authenticator]
) -> None:
    server, authenticator = smtp_with_auth
    settings = make_settings(SMTP_URL=f"smtp://mailer:s3cr%3At%40pw@127.0.0.1:{server.port}")
    deliver(settings, render_email("verify_email", "ana@example.cl", "https://x/v?token=t", settings))
    server.mailbox.wait_for("ana@example.cl")
    assert authenticator.seen == [("mailer", "s3cr:t@pw")]


def test_deliver_fails_loudly_when_the_server_is_unreachable(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    with pytest.raises(ConnectionRefusedError):
        deliver(settings, render_email("verify_email", "ana@example.cl", "https://x/v?token=t", settings))


def test_without_smtp_the_whole_message_goes_to_the_log(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="ayni.emails"):
        send_email_actor(
            JobContext(settings, None, lambda _: None),
            to="ana@example.cl",
            kind="verify_email",
            link="https://app.ayni.cl/verify-email?token=clickme",
        )
    [record] = [r for r in caplog.records if r.name == "ayni.emails"]
    assert record.levelno == logging.INFO
    assert "https://app.ayni.cl/verify-email?token=clickme" in record.getMessage()
    assert "ana@example.cl" in record.getMessage()


def test_deployed_without_smtp_the_link_is_not_logged(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(ENVIRONMENT="staging", JWT_SECRET="Zq8" + "x1Y2z3" * 12)
    with caplog.at_level(logging.INFO, logger="ayni.emails"):
        deliver(settings, render_email("password_reset", "ana@example.cl", "https://x/r?token=secret", settings))
    assert caplog.records
    assert all("secret" not in r.getMessage() for r in caplog.records)
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_an_unknown_kind_fails_the_job(settings: Settings) -> None:
    with pytest.raises(ValueError, match="unknown email kind"):
        send_email_actor(JobContext(settings, None, lambda _: None), to="a@b.cl", kind="spam", link="x")


# End to end: the API queues, a real worker sends over SMTP, the link works.


def test_register_email_verify_login(
    client: httpx.Client, mail_worker: WorkerProcess, smtp_server: SmtpServer, database_url: str
) -> None:
    registered = client.post(f"{A}/register", json={"email": "ana@example.cl", "password": PASSWORD})
    assert registered.status_code == 201
    [message] = smtp_server.mailbox.wait_for("ana@example.cl")
    assert "http://localhost:5173/verify-email?token=" in message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert client.post(f"{A}/login", json={"email": "ana@example.cl", "password": PASSWORD}).status_code == 403
    verified = client.post(f"{A}/verify-email", json={"token": link_token(message)})
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True
    login(client)
    [(status,)] = sql(database_url, "SELECT status FROM jobs")
    assert status in ("succeeded", "running")


def test_resend_then_reset_then_changed_notice(
    client: httpx.Client, mail_worker: WorkerProcess, smtp_server: SmtpServer, database_url: str
) -> None:
    client.post(f"{A}/register", json={"email": "ana@example.cl", "password": PASSWORD})
    assert client.post(f"{A}/verify-email/resend", json={"email": "ana@example.cl"}).status_code == 202
    first, second = smtp_server.mailbox.wait_for("ana@example.cl", count=2)
    # Using the newest link retires the older one.
    assert client.post(f"{A}/verify-email", json={"token": link_token(second)}).status_code == 200
    assert client.post(f"{A}/verify-email", json={"token": link_token(first)}).status_code == 400

    assert client.post(f"{A}/password-reset", json={"email": "ana@example.cl"}).status_code == 202
    reset_mail = smtp_server.mailbox.wait_for("ana@example.cl", count=3)[2]
    assert "/reset-password?token=" in reset_mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    new_password = "another long passphrase"
    confirmed = client.post(
        f"{A}/password-reset/confirm", json={"token": link_token(reset_mail), "new_password": new_password}
    )
    assert confirmed.status_code == 204
    notice = smtp_server.mailbox.wait_for("ana@example.cl", count=4)[3]
    assert "cambió" in str(notice["Subject"]) or "changed" in str(notice["Subject"])
    pair = login(client, password=new_password)
    assert client.get(f"{A}/me", headers=bearer(pair["access_token"])).status_code == 200


def test_the_one_time_tokens_are_stored_hashed(client: httpx.Client, database_url: str) -> None:
    client.post(f"{A}/register", json={"email": "ana@example.cl", "password": PASSWORD})
    [(token_hash, expires_in)] = sql(
        database_url, "SELECT token_hash, expires_at - created_at FROM auth_one_time_tokens"
    )
    assert len(token_hash) == 32
    assert timedelta(hours=23, minutes=59) < expires_in <= timedelta(hours=24, seconds=1)
    user_id: uuid.UUID = sql(database_url, "SELECT id FROM users")[0][0]
    assert user_id
