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
    TERMINAL_RAW_STATUSES,
    MappingError,
    is_terminal_raw,
    map_status,
    to_fulfilment,
    to_qikink_order,
)

__all__ = [
    "ENVIRONMENTS",
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
    "TokenCache",
    "TokenInfo",
    "is_terminal_raw",
    "map_status",
    "to_fulfilment",
    "to_qikink_order",
]
