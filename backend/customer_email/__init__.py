"""Customer emails: what each says, the outbox kept on the order, and how they are sent.

    messages.py  the confirmation, shipped and cancelled emails (plain text and simple HTML)
    outbox.py    queue an email on an order, once per kind; the exactly-once claim/send/record
    transport.py SMTP (SMTP_URL, STARTTLS or implicit TLS) or the log (no SMTP_URL)

The order service and the status tracker queue emails inside their own order writes; the sender
(outbox.EmailSender, a background thread) is woken after the write and sends what is due.
"""

from .outbox import EmailSender, NoEmails, queue_email
from .transport import LogTransport, SmtpTransport, transport_from_config

__all__ = ["EmailSender", "LogTransport", "NoEmails", "SmtpTransport", "queue_email", "transport_from_config"]
