"""Storage: the order stores (journal of JSON lines, in-memory twin, PostgreSQL), the catalogue,
and their own errors. Knows nothing of HTTP."""

from .catalogue import load_catalogue
from .interface import Fleet, OrderStore
from .journal_store import JournalOrderStore
from .memory_store import MemoryOrderStore
from .order_filter import OrderFilter, every_order

__all__ = [
    "Fleet",
    "JournalOrderStore",
    "MemoryOrderStore",
    "OrderFilter",
    "OrderStore",
    "every_order",
    "load_catalogue",
    "open_store",
]


def open_store(config) -> OrderStore:
    """PostgreSQL when DATABASE_URL is set, else the journal store in `config.data_dir` (raises
    StoreStartupError naming any unusable file, or a database that cannot be reached)."""
    if config.database_url:
        try:
            from .postgres import open_postgres_store
        except ImportError as exc:  # psycopg is in requirements-postgres.txt, not requirements.txt
            from .errors import StoreStartupError

            raise StoreStartupError(
                f"DATABASE_URL is set but PostgreSQL's packages are not installed ({exc.name}): "
                "run start-backend again (it installs requirements-postgres.txt when DATABASE_URL is set), "
                "or .venv/bin/python -m pip install -r requirements-postgres.txt"
            ) from exc

        return open_postgres_store(config)
    return JournalOrderStore(config.data_dir, load_catalogue(config.catalogue_file), lock_timeout=config.lock_timeout)
