"""Account emails: rendered from templates (Spanish, then English), delivered by the `send_email` actor
(`ayni.auth.actors`).

With SMTP_URL set they go over SMTP (`smtp://` upgrades with STARTTLS whenever the server offers it;
`smtps://` is TLS from the first byte; `user:pass@` logs in). Without it, in the local environment, the
whole message, link included, is written at INFO to the `ayni.emails` log so `ayni dev` users can click it.
Deployed without SMTP_URL, the link is withheld from the log (it is a credential) and an error is logged.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from string import Template
from typing import Literal
from urllib.parse import unquote, urlencode, urlsplit

from ayni.config import Settings
from ayni.logs import KEEP_LINE_BREAKS

logger = logging.getLogger("ayni.emails")

EmailKind = Literal["verify_email", "password_reset", "password_changed"]
KINDS: tuple[EmailKind, ...] = ("verify_email", "password_reset", "password_changed")
SMTP_TIMEOUT_SECONDS = 30
LIFETIMES: dict[EmailKind, timedelta] = {
    "verify_email": timedelta(hours=24),
    "password_reset": timedelta(hours=1),
}

_TEMPLATES: dict[EmailKind, tuple[str, Template]] = {
    "verify_email": (
        "Confirma tu correo en $project / Confirm your email for $project",
        Template(
            "Hola:\n\n"
            "Para activar tu cuenta de $project ($to), abre este enlace:\n\n$link\n\n"
            "El enlace vale 24 horas y funciona una sola vez. Si no creaste esta cuenta, ignora este correo.\n\n"
            "---\n\n"
            "Hello,\n\n"
            "To activate your $project account ($to), open this link:\n\n$link\n\n"
            "The link is valid for 24 hours and works once. If you did not create this account, ignore this "
            "email.\n"
        ),
    ),
    "password_reset": (
        "Restablece tu contraseña de $project / Reset your $project password",
        Template(
            "Hola:\n\n"
            "Alguien (esperamos que tú) pidió restablecer la contraseña de $to en $project. Para elegir una "
            "nueva, abre este enlace:\n\n$link\n\n"
            "El enlace vale 1 hora y funciona una sola vez. Si no lo pediste, ignora este correo: tu contraseña "
            "no cambia.\n\n"
            "---\n\n"
            "Hello,\n\n"
            "Someone (we hope you) asked to reset the password of $to on $project. To choose a new one, open "
            "this link:\n\n$link\n\n"
            "The link is valid for 1 hour and works once. If you did not ask for it, ignore this email: your "
            "password stays as it is.\n"
        ),
    ),
    "password_changed": (
        "Tu contraseña de $project cambió / Your $project password was changed",
        Template(
            "Hola:\n\n"
            "La contraseña de $to en $project acaba de cambiar y se cerraron las demás sesiones.\n"
            "Si no fuiste tú, restablécela ahora mismo aquí:\n\n$link\n\n"
            "---\n\n"
            "Hello,\n\n"
            "The password of $to on $project was just changed, and your other sessions were signed out.\n"
            "If this was not you, reset it right away here:\n\n$link\n"
        ),
    ),
}


def frontend_link(settings: Settings, page: str, token: str | None = None) -> str:
    base = f"{settings.frontend_host.rstrip('/')}/{page}"
    return f"{base}?{urlencode({'token': token})}" if token is not None else base


def verify_link(settings: Settings, token: str) -> str:
    return frontend_link(settings, "verify-email", token)


def reset_link(settings: Settings, token: str) -> str:
    return frontend_link(settings, "reset-password", token)


def forgot_link(settings: Settings) -> str:
    return frontend_link(settings, "forgot-password")


def render_email(kind: EmailKind, to: str, link: str, settings: Settings) -> EmailMessage:
    """A complete message, pure: the same arguments give the same subject and text."""
    subject, body = _TEMPLATES[kind]
    values = {"project": settings.project_name, "to": to, "link": link}
    message = EmailMessage()
    message["Subject"] = Template(subject).substitute(values)
    message["From"] = settings.email_from
    message["To"] = to
    message.set_content(body.substitute(values))
    return message


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Send over SMTP when SMTP_URL is set, else write it to the log (see the module's note)."""
    if "Date" not in message:
        message["Date"] = formatdate(localtime=False)
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain=_sender_domain(settings))
    if settings.smtp_url is None:
        _log_message(settings, message)
        return
    parts = urlsplit(settings.smtp_url)
    host = parts.hostname or "localhost"
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        client.ehlo()
        if parts.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
    logger.info("email sent", extra={"email_to": message["To"], "subject": message["Subject"]})


def _sender_domain(settings: Settings) -> str:
    address = settings.email_from.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] if "@" in address else "ayni.local"


def _log_message(settings: Settings, message: EmailMessage) -> None:
    if settings.is_deployed:
        logger.error(
            "SMTP_URL is not set: email %r to %s not sent (its link is not logged in %s)",
            message["Subject"],
            message["To"],
            settings.environment,
        )
        return
    logger.info(
        "email (SMTP_URL not set, so it is only logged):\nTo: %s\nSubject: %s\n\n%s",
        message["To"],
        message["Subject"],
        message.get_content(),
        extra={KEEP_LINE_BREAKS: True},
    )
