"""Money around an order: shipping and COD charges, GST rates and the tax invoice."""

from __future__ import annotations

from pathlib import Path

from ..errors import StartupError
from ..storage.atomic import CorruptFile, read_json
from .gst import GstRules


def load_gst_rules(path: Path) -> GstRules | None:
    """The catalogue file's GST rates (None when it has none); StartupError names the problem.
    Read like the catalogue itself (a UTF-8 BOM or UTF-16 from a Windows editor is fine)."""
    try:
        return GstRules.from_document(read_json(path, dict, decimals=True))
    except FileNotFoundError:
        raise StartupError(f"Catalogue file {path} is missing") from None
    except CorruptFile as exc:
        raise StartupError(f"Catalogue file {exc.path} is unreadable: {exc.problem}") from None
    except ValueError as exc:
        raise StartupError(f"Catalogue file {path}: {exc}") from None
