"""One webhook POST: signed to the Standard Webhooks specification, sent only to public addresses
(unless WEBHOOK_ALLOW_PRIVATE), with a timeout and no redirects.

The address check runs on the connected socket (the peer the request really reached), so a name
that resolves to a public address when checked and to 10.0.0.1 when connected (DNS rebinding), a
redirect, or a proxy setting cannot carry a delivery into the shop's own network.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from standardwebhooks import Webhook
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

USER_AGENT = "BHRT-Shop-Webhooks/1"
CONNECT_TIMEOUT, READ_TIMEOUT = 3.05, 10.0
ANSWER_BYTES = 500  # of the receiver's answer, kept in the delivery log
# http(s), a host name or IPv4 address, an optional port, then a path and query in printable ASCII
# (no user name or password, no spaces).
# A host of at most five labels of at most 48 characters (within DNS's 63 a label and 253 a name;
# no real receiver's name is longer), a port from 1 to 65535.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,46}[A-Za-z0-9])?"
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
URL_RE = re.compile(rf"https?://{_LABEL}(?:\.{_LABEL}){{0,4}}(?::{_PORT})?(?:/[!-~]*)?")


class PrivateAddress(Exception):
    """The URL led to a private, loopback or otherwise non-public address (not an OSError: urllib3
    would take that for a network failure and try again)."""


def is_public(address: str) -> bool:
    """True for an address on the public internet (not private, loopback, link-local, CGNAT …)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_problem(url: str, *, allow_private: bool, require_https: bool) -> str | None:
    """Why `url` cannot be a webhook endpoint, or None."""
    if not URL_RE.fullmatch(url):
        return "must be an http:// or https:// URL: a host name, then an optional port and path"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host"
    if require_https and parts.scheme != "https":
        return "must use https:// (the events carry customers' names and addresses)"
    if parts.username or parts.password:
        return "must not hold a user name or password (the signature authenticates each event)"
    if allow_private:
        return None
    try:
        addresses = {
            str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, port or 443, type=socket.SOCK_STREAM)
        }
    except (OSError, UnicodeError):
        return f"has a host name that does not resolve ({parts.hostname})"
    if not all(is_public(address) for address in addresses):
        return "points to a private or loopback address (set WEBHOOK_ALLOW_PRIVATE=true to allow that)"
    return None


class _GuardedHTTPConnection(HTTPConnection):
    def connect(self):
        super().connect()
        _check_peer(self)


class _GuardedHTTPSConnection(HTTPSConnection):
    def connect(self):
        super().connect()
        _check_peer(self)


def _check_peer(connection) -> None:
    peer = connection.sock.getpeername()[0]
    if not is_public(peer):
        connection.close()
        raise PrivateAddress(f"refused: {connection.host} is a private or loopback address ({peer})")


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """Connections whose peer must be a public address."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


@dataclass
class Attempt:
    """What one POST came to: `http_status` None when no answer came."""

    http_status: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300

    @property
    def gone(self) -> bool:
        return self.http_status == 410


def signed_headers(secret: str, message_id: str, body: bytes, now: float) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature (`v1,<base64 HMAC-SHA256>` of
    "id.timestamp.body" under the secret's key)."""
    moment = datetime.fromtimestamp(int(now), tz=UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now)),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }


class WebhookPoster:
    """Sends deliveries; one `requests` session (connections reused per receiver)."""

    def __init__(self, *, allow_private: bool, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)):
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment: the peer check needs the real peer
        self.session.headers["User-Agent"] = USER_AGENT
        if not allow_private:
            adapter = PublicOnlyAdapter()
            self.session.mount("http://", adapter)
            self.session.mount("https://", adapter)

    def post(self, url: str, secret: str, message_id: str, body: bytes) -> Attempt:
        # The wall clock, not an injected one: receivers refuse a timestamp 5 minutes off theirs.
        headers = {"Content-Type": "application/json", **signed_headers(secret, message_id, body, time.time())}
        try:
            with self.session.post(
                url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False, stream=True
            ) as answer:
                text = answer.raw.read(ANSWER_BYTES, decode_content=True).decode("utf-8", "replace")
                if 200 <= answer.status_code < 300:
                    return Attempt(answer.status_code, None)
                return Attempt(answer.status_code, f"HTTP {answer.status_code}: {text.strip()[:200]}".strip())
        except PrivateAddress as exc:
            return Attempt(None, str(exc))
        except requests.exceptions.Timeout:
            return Attempt(None, "no answer in time")
        except requests.exceptions.RequestException as exc:
            return Attempt(None, f"could not connect ({type(exc).__name__})")
        except Exception as exc:  # e.g. urllib3's LocationParseError: one endpoint must not stop the rest
            return Attempt(None, f"could not send ({type(exc).__name__})")
