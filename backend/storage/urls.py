"""A database URL fit to show: its password masked (storage's own, so it imports nothing above it)."""

import re


def mask_database_url(url: str) -> str:
    """`postgresql://user:secret@host/db` → `postgresql://user:***@host/db` (also `password=` in a query)."""
    url = re.sub(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@", r"\1:***@", url, flags=re.IGNORECASE)
    return re.sub(r"(password=)[^&\s]*", r"\1***", url, flags=re.IGNORECASE)
