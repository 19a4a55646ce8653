"""The photo store of a fleet: the order store's PostgreSQL pool, the tables of migration 005, so
that a photo uploaded through one machine is served by all of them."""

from __future__ import annotations

from contextlib import contextmanager

COLUMNS = ("id", "design", "colour", "alt", "hash", "mime", "width", "height", "bytes", "created_at")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM photos"
SEED_NAME = "sample_mockups"


def _record(row) -> dict:
    return dict(zip(COLUMNS, row, strict=True))


class PostgresPhotoStore:
    """Photos in PostgreSQL: bytes in photo_blobs (bytea), records in photos, copies in photo_copies."""

    def __init__(self, pool):
        self.pool = pool

    @contextmanager
    def _transaction(self):
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    def photos(self, design=None):
        with self._transaction() as conn:
            if design is None:
                rows = conn.execute(f"{SELECT} ORDER BY design, created_at, id").fetchall()
            else:
                rows = conn.execute(f"{SELECT} WHERE design = %s ORDER BY created_at, id", (design,)).fetchall()
        return [_record(row) for row in rows]

    def photo(self, photo_id):
        with self._transaction() as conn:
            row = conn.execute(f"{SELECT} WHERE id = %s", (photo_id,)).fetchone()
        return _record(row) if row else None

    def _add(self, conn, record, data):
        conn.execute(
            "INSERT INTO photo_blobs (hash, data) VALUES (%s, %s) ON CONFLICT (hash) DO NOTHING", (record["hash"], data)
        )
        conn.execute(
            f"INSERT INTO photos ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",
            tuple(record[c] for c in COLUMNS),
        )

    def add(self, record, data):
        with self._transaction() as conn:
            self._add(conn, record, data)
        return dict(record)

    def delete(self, photo_id):
        with self._transaction() as conn:
            row = conn.execute(
                f"DELETE FROM photos WHERE id = %s RETURNING {', '.join(COLUMNS)}", (photo_id,)
            ).fetchone()
            if row is None:
                return None
            record = _record(row)
            # The bytes go with the last photo that names them (the copies follow by ON DELETE CASCADE).
            conn.execute(
                "DELETE FROM photo_blobs b WHERE b.hash = %s "
                "AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.hash = b.hash)",
                (record["hash"],),
            )
        return record

    def original(self, content_hash):
        with self._transaction() as conn:
            row = conn.execute("SELECT data FROM photo_blobs WHERE hash = %s", (content_hash,)).fetchone()
        return bytes(row[0]) if row else None

    def copy(self, content_hash, width, fmt):
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT data FROM photo_copies WHERE hash = %s AND width = %s AND format = %s",
                (content_hash, width, fmt),
            ).fetchone()
        return bytes(row[0]) if row else None

    def save_copy(self, content_hash, width, fmt, data):
        # Two machines making the same copy at once: the first one kept, the same bytes anyway.
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO photo_copies (hash, width, format, data) SELECT %s, %s, %s, %s "
                "WHERE EXISTS (SELECT 1 FROM photo_blobs WHERE hash = %s) ON CONFLICT DO NOTHING",
                (content_hash, width, fmt, data, content_hash),
            )

    def seed(self, photos):
        """The sample photos, once for the whole fleet: the seed's row and the photos in one
        transaction, so machines starting together add them once."""
        with self._transaction() as conn:
            claimed = conn.execute(
                "INSERT INTO photo_seeds (name) VALUES (%s) ON CONFLICT DO NOTHING RETURNING name", (SEED_NAME,)
            ).fetchone()
            if claimed is None:
                return False
            for record, data in photos:
                self._add(conn, record, data)
        return True
