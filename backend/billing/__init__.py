"""Money around an order: shipping and COD charges, GST rates and the tax invoice."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from ..errors import StartupError
from .gst import GstRules


def load_gst_rules(path: Path) -> GstRules | None:
    """The catalogue file's GST rates (None when it has none); StartupError names the problem."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
        return GstRules.from_document(document if isinstance(document, dict) else {})
    except (OSError, ValueError) as exc:
        raise StartupError(f"Catalogue file {path}: {exc}") from None
