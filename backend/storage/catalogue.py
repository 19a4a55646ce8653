"""The product catalogue (`products.json`): loaded once at start, validated, never rewritten.
Its Qikink mapping is checked by backend/qikink/mapping.py (`catalogue_problem`) when the app starts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .atomic import CorruptFile, read_json
from .errors import StoreStartupError
from .order_fields import SKU_RE


def load_catalogue(path: Path) -> dict[str, dict]:
    """SKU → product. Raises StoreStartupError naming the file and the problem."""
    try:
        document = read_json(path, dict, decimals=True)
    except FileNotFoundError:
        raise StoreStartupError(f"Catalogue file {path} is missing") from None
    except CorruptFile as exc:
        raise StoreStartupError(f"Catalogue file {exc.path} is unreadable: {exc.problem}") from None
    products = document.get("products")
    if not isinstance(products, list) or not products:
        raise StoreStartupError(f"Catalogue file {path}: expected an object with a non-empty 'products' list")
    catalogue: dict[str, dict] = {}
    for index, product in enumerate(products):
        where = f"Catalogue file {path}, products[{index}]"
        if not isinstance(product, dict):
            raise StoreStartupError(f"{where}: expected an object")
        sku = product.get("sku")
        if not isinstance(sku, str) or not SKU_RE.match(sku):
            raise StoreStartupError(f"{where}: sku is missing or malformed")
        if sku in catalogue:
            raise StoreStartupError(f"{where}: SKU {sku} appears twice")
        for field in ("name", "description", "category"):
            if not isinstance(product.get(field), str) or not product[field].strip():
                raise StoreStartupError(f"{where} ({sku}): {field} is missing")
        price = product.get("price")
        if not isinstance(price, (int, Decimal)) or isinstance(price, bool) or price <= 0:
            raise StoreStartupError(f"{where} ({sku}): price must be a positive number")
        stock = product.get("stock_quantity")
        if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
            raise StoreStartupError(f"{where} ({sku}): stock_quantity must be a whole number ≥ 0")
        chart = product.get("size_chart")
        if chart is not None and (not isinstance(chart, str) or not chart.strip()):
            raise StoreStartupError(f"{where} ({sku}): size_chart must name a size chart")
        for field in ("design", "colour"):
            value = product.get(field)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise StoreStartupError(f"{where} ({sku}): {field} must be text")
        product = dict(product)
        product["price"] = Decimal(str(price))
        product.setdefault("manufacturer", "Qikink")
        product.setdefault("origin", "India")
        catalogue[sku] = product
    return catalogue
