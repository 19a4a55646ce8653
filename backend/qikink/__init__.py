"""Qikink: the HTTP client, its errors and the order mapping (the emulator is a program of its own,
qikink_emulator/)."""

from .auth import HmacSigner, TokenCache, TokenInfo
from .budget import CallBudget
from .client import ENVIRONMENTS, QikinkClient, QikinkConfig
from .errors import (
    QikinkAuthError,
    QikinkDuplicateOrder,
    QikinkError,
    QikinkNotFound,
    QikinkRateLimited,
    QikinkUnavailable,
    QikinkValidationError,
)
from .mapping import (
    HAPPY_PATH,
    TERMINAL_RAW_STATUSES,
    TERMINAL_STATUSES,
    MappingError,
    is_forward,
    is_terminal_raw,
    map_status,
    to_fulfilment,
    to_qikink_order,
)

__all__ = [
    "ENVIRONMENTS",
    "HAPPY_PATH",
    "HmacSigner",
    "MappingError",
    "QikinkAuthError",
    "QikinkClient",
    "QikinkConfig",
    "QikinkDuplicateOrder",
    "QikinkError",
    "QikinkNotFound",
    "QikinkRateLimited",
    "QikinkUnavailable",
    "QikinkValidationError",
    "CallBudget",
    "TERMINAL_RAW_STATUSES",
    "TERMINAL_STATUSES",
    "TokenCache",
    "TokenInfo",
    "is_forward",
    "is_terminal_raw",
    "map_status",
    "to_fulfilment",
    "to_qikink_order",
]
