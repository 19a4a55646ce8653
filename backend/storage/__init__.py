"""Storage: atomic-write and locking primitives, the catalogue, and the order repositories."""
from .catalogue import load_catalogue, mapping_problem, public_product
from .files import FileOrderStore
from .repository import MemoryOrderStore, OrderFilter, OrderStore, open_store

__all__ = ["FileOrderStore", "MemoryOrderStore", "OrderFilter", "OrderStore", "load_catalogue", "mapping_problem",
           "open_store", "public_product"]
