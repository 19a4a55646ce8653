"""How an email leaves: SMTP (SMTP_URL) or, with none set, the log (a first run needs no server)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from ..config import mask_url_password
from .messages import Draft

log = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """The email was certainly or possibly not accepted. The outbox tries again later, unless
    `permanent`: the server refused this message or its recipient for good (an SMTP 5xx answer to
    RCPT TO or DATA), so sending it again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class LogTransport:
    """No SMTP server configured: each email is written to the log instead (INFO)."""

    description = "written to the log (no SMTP_URL set)"
    # The same email written to the log twice (after a crash) reaches nobody twice: the outbox
    # needs no claim write before it, only the `sent` record after.
    claim_before_send = False

    def send(self, message: Draft | EmailMessage) -> None:
        if isinstance(message, Draft):
            to, subject, text = message.to, message.subject, message.text
        else:
            body = message.get_body(("plain",))
            to, subject, text = message["To"], message["Subject"], body.get_content() if body is not None else ""
        log.info("Email (not sent: no SMTP_URL) to %s: %s\n%s", to, subject, text)


class SmtpTransport:
    """smtp://user:password@host:587 (STARTTLS when the server offers it, and required before a
    password is sent) or smtps://user:password@host:465 (TLS from the start)."""

    def __init__(self, url: str, *, timeout: float = 10.0, tls_context: ssl.SSLContext | None = None):
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme.lower() == "smtps"
        self.host = parts.hostname or ""  # settings_checks refuses an SMTP_URL without one
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self.tls_context = tls_context or ssl.create_default_context()
        self.description = f"SMTP {mask_url_password(url)}"

    # A message the server accepted cannot be taken back: the outbox claims it first (see outbox.py).
    claim_before_send = True

    def __repr__(self) -> str:
        return f"SmtpTransport({self.description!r})"

    def send(self, message: Draft | EmailMessage) -> None:
        """Hand one message to the server. Raises EmailNotSent (never with the password in it)."""
        if isinstance(message, Draft):
            message = message.message()
        try:
            connection: smtplib.SMTP
            if self.implicit_tls:
                connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.tls_context)
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with connection as smtp:
                if not self.implicit_tls:
                    smtp.ehlo()
                    if smtp.has_extn("starttls"):
                        smtp.starttls(context=self.tls_context)
                        smtp.ehlo()
                    elif self.username:
                        raise EmailNotSent(
                            f"{self.host}:{self.port} offers no STARTTLS: the password is not sent "
                            "in clear (use smtps:// or a server with STARTTLS)"
                        )
                if self.username:
                    smtp.login(self.username, self._password or "")
                smtp.send_message(message)
        except EmailNotSent:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise EmailNotSent(f"{self.host}:{self.port} refused the SMTP login (code {exc.smtp_code})") from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()), (0, b""))
            raise EmailNotSent(
                f"{self.host}:{self.port} refused the recipient: {code} {_text(reply)[:200]}",
                permanent=all(refusal[0] >= 500 for refusal in exc.recipients.values()),
            ) from None
        except smtplib.SMTPResponseException as exc:
            # A 5xx to the message itself (DATA) is final; to the sender or anything else, it is the
            # shop's settings or the server's state, which can be put right: tried again.
            raise EmailNotSent(
                f"{self.host}:{self.port} answered {exc.smtp_code}: {_text(exc.smtp_error)[:200]}",
                permanent=isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500,
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise EmailNotSent(
                f"cannot send through {self.host}:{self.port}: {type(exc).__name__}: {str(exc)[:200]}"
            ) from None


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def transport_from_config(config):
    """SMTP when SMTP_URL is set, else the log."""
    if config.smtp_url:
        return SmtpTransport(config.smtp_url, timeout=config.smtp_timeout)
    return LogTransport()
