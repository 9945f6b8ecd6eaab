"""Sending one email over SMTP (stdlib smtplib): plain and HTML parts, STARTTLS or
SSL, login when a user is set. Failures come back as one sentence a person can act
on, never with the password in it."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls, ssl or none
    user: str | None
    password: str | None
    sender: str

    def where(self) -> str:
        return f"{self.host}:{self.port}"


class DeliveryFailed(Exception):
    """The server could not be reached or refused the message; `str()` says why."""


def build_message(sender: str, to: str, subject: str, text: str, html: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "rapport.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send(settings: SmtpSettings, message: EmailMessage, *, timeout: float = 20.0) -> None:
    """Deliver `message`, or raise DeliveryFailed with the reason in words."""
    where = settings.where()
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with client:
            client.ehlo()
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password or "")
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailed(f"SMTP login refused by {where} ({exc.smtp_code})") from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryFailed(f"{where} does not support STARTTLS; choose ssl or none") from None
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryFailed(f"{where} refused the recipient {message['To']}") from None
    except smtplib.SMTPSenderRefused:
        raise DeliveryFailed(f"{where} refused the sender {message['From']}") from None
    except smtplib.SMTPResponseException as exc:
        detail = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        raise DeliveryFailed(f"{where} answered {exc.smtp_code}: {detail}") from None
    except (
        ConnectionRefusedError,
        socket.gaierror,
        TimeoutError,
        OSError,
        smtplib.SMTPException,
    ) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise DeliveryFailed(f"cannot reach the SMTP server {where}: {reason}") from None
