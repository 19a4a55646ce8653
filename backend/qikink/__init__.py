"""Qikink: the HTTP client, its errors, the order mapping and a local emulator."""
from .auth import HmacSigner, TokenCache, TokenInfo
from .client import ENVIRONMENTS, QikinkClient, QikinkConfig
from .errors import (QikinkAuthError, QikinkDuplicateOrder, QikinkError, QikinkNotFound,
                     QikinkRateLimited, QikinkUnavailable, QikinkValidationError)
from .ratelimit import RateLimiter

__all__ = [
    "ENVIRONMENTS", "HmacSigner", "QikinkAuthError", "QikinkClient", "QikinkConfig",
    "QikinkDuplicateOrder", "QikinkError", "QikinkNotFound", "QikinkRateLimited",
    "QikinkUnavailable", "QikinkValidationError", "RateLimiter", "TokenCache", "TokenInfo",
]
