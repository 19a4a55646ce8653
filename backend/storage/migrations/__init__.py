"""Versioned SQL migrations (`NNN_name.sql`), applied in order, once, under an advisory lock."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent
# pg_advisory_lock keys of this application ("BHRT" and a number), one per purpose.
MIGRATION_LOCK = 0x42485254_0001


def available() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration file, in version order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:3]), path.stem, path.read_text(encoding="utf-8")))
    return found


def migrate(pool) -> list[str]:
    """Apply the migrations the database lacks; returns their names. Servers starting together
    wait for each other on the advisory lock, so each migration runs exactly once."""
    applied_now = []
    with pool.connection() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for version, name, sql in available():
                if version in done:
                    continue
                with conn.transaction():
                    conn.execute(sql)
                    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
                log.info("Applied database migration %s", name)
                applied_now.append(name)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied_now
