"""The invitation email (Spanish, then English), delivered like account emails (`ayni.auth.emails.deliver`)."""

from __future__ import annotations

from email.message import EmailMessage
from string import Template

from ayni.auth.emails import frontend_link
from ayni.config import Settings

_SUBJECT = Template("Te invitaron a $company en $project / You are invited to $company on $project")
_BODY = Template(
    "Hola:\n\n"
    "$inviter te invitó a unirte a $company en $project con el rol $role_es. Para aceptar, abre este enlace "
    "con la cuenta de $to (si no tienes una, créala con este correo y el enlace te trae de vuelta):\n\n$link\n\n"
    "El enlace vale 7 días y funciona una sola vez. Si no esperabas esta invitación, ignora este correo.\n\n"
    "---\n\n"
    "Hello,\n\n"
    "$inviter invited you to join $company on $project as $role_en. To accept, open this link signed in as "
    "$to (if you have no account, create one with this address and the link brings you back):\n\n$link\n\n"
    "The link is valid for 7 days and works once. If you did not expect this invitation, ignore this email.\n"
)
_ROLES_ES = {"owner": "dueño", "manager": "administrador", "analyst": "analista", "viewer": "lector"}
_ROLES_EN = {"owner": "an owner", "manager": "a manager", "analyst": "an analyst", "viewer": "a viewer"}


def invitation_link(settings: Settings, token: str) -> str:
    return frontend_link(settings, "invitations/accept", token)


def render_invitation(settings: Settings, *, to: str, company: str, inviter: str, role: str, link: str) -> EmailMessage:
    """A complete message, pure: the same arguments give the same subject and text."""
    values = {
        "project": settings.project_name,
        "company": company,
        "inviter": inviter,
        "to": to,
        "link": link,
        "role_es": _ROLES_ES[role],
        "role_en": _ROLES_EN[role],
    }
    message = EmailMessage()
    # One line: a company name never breaks the header (the API refuses line breaks in names anyway).
    message["Subject"] = " ".join(_SUBJECT.substitute(values).split())
    message["From"] = settings.email_from
    message["To"] = to
    message.set_content(_BODY.substitute(values))
    return message
