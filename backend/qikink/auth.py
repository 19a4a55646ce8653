"""Qikink access tokens (cached, renewed early, minted once under a lock) and request signing."""

import hashlib
import hmac
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests

if TYPE_CHECKING:  # the type only: Qikink's client reads no storage
    from ..storage.interface import SharedToken

log = logging.getLogger(__name__)

# Renew this long before expiry, so a token never dies in the middle of a call.
RENEW_EARLY_SECONDS = 100.0


@dataclass(frozen=True)
class TokenInfo:
    """An access token and the moment (epoch seconds) Qikink stops accepting it."""

    token: str = field(repr=False)
    expires_at: float

    @property
    def valid_until(self) -> datetime:
        """Expiry as an aware UTC datetime."""
        return datetime.fromtimestamp(self.expires_at, tz=UTC)


class TokenCache:
    """Holds at most one token; mints through `mint()` only when none is usable.

    Minting a Qikink token invalidates the previous one for the same client id, so concurrent
    callers must share one mint: the check and the mint happen under one lock. Servers on several
    machines pass a `shared` token store (`minting()` lock, `load()` → (token, expires_at) or
    None, `save(token, expires_at)`, `discard(token)`): the token is re-read from it under its
    lock before any mint.
    """

    def __init__(self, *, clock=time.time, renew_early=RENEW_EARLY_SECONDS, shared: "SharedToken | None" = None):
        self._clock = clock
        self._renew_early = renew_early
        self._lock = threading.Lock()
        self._token = None
        self._shared = shared

    def _usable(self, info):
        return info is not None and self._clock() < info.expires_at - self._renew_early

    def peek(self):
        """The cached token if still usable, else None; never mints."""
        info = self._token
        return info if self._usable(info) else None

    def get(self, mint, *, force=False):
        """A usable token, calling `mint()` (which returns TokenInfo) only if needed."""
        info = self._token
        if not force and self._usable(info):
            return info
        with self._lock:
            # Another thread may have minted while we waited for the lock.
            if not force and self._usable(self._token):
                return self._token
            if force and self._token is not info and self._usable(self._token):
                return self._token
            self._token = mint() if self._shared is None else self._mint_shared(mint, info if force else None)
            return self._token

    def _mint_shared(self, mint, replacing):
        """Under the fleet's lock: the shared token if another server minted a usable one (other
        than the one a forced renewal replaces), else a new one, saved for every server."""
        with self._shared.minting():
            stored = self._shared.load()
            latest = TokenInfo(*stored) if stored else None
            if self._usable(latest) and (replacing is None or not hmac.compare_digest(latest.token, replacing.token)):
                return latest
            info = mint()
            self._shared.save(info.token, info.expires_at)
            return info

    def invalidate(self, token):
        """Drop `token` if it is still the cached one (a newer one is kept), here and in the shared store."""
        with self._lock:
            if self._token is not None and hmac.compare_digest(self._token.token, token):
                self._token = None
        if self._shared is not None:
            self._shared.discard(token)


def signature(secret: str, timestamp: str, method: str, path_with_query: str, body: bytes | str | None) -> str:
    """Hex HMAC-SHA256 of "timestamp\\nMETHOD\\npath?query\\nbody" keyed by the client secret."""
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode("utf-8")
    message = f"{timestamp}\n{method.upper()}\n{path_with_query}\n".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(secret, timestamp, method, path_with_query, body, received) -> bool:
    """Constant-time check of a received X-Signature."""
    expected = signature(secret, timestamp, method, path_with_query, body)
    return hmac.compare_digest(expected, received or "")


class HmacSigner(requests.auth.AuthBase):
    """Adds X-Timestamp and X-Signature, as the integration guide asks.

    Qikink's public API does not check them; they cost nothing and satisfy the guide.
    """

    def __init__(self, secret: str, *, clock=time.time):
        self._secret = secret
        self._clock = clock

    def __repr__(self):
        return "HmacSigner(secret=***)"

    def __call__(self, request):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        timestamp = str(int(self._clock()))
        request.headers["X-Timestamp"] = timestamp
        request.headers["X-Signature"] = signature(self._secret, timestamp, request.method, path, request.body)
        return request
