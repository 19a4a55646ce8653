"""The product catalogue file (`products.json`): read at start, validated, never rewritten. It
seeds the stored catalogue (stored_catalogue.py) on first start; from then on the store holds the
catalogue and the console edits it. `product_problem` is the one set of rules for a product,
whether it comes from the file or from the console. Its Qikink mapping is checked by
backend/qikink/mapping.py (`catalogue_problem`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .atomic import CorruptFile, read_json
from .errors import StoreStartupError
from .order_fields import SKU_RE


def product_problem(product) -> str | None:
    """Why `product` (one entry of `products`) cannot be in the catalogue, or None."""
    if not isinstance(product, dict):
        return "expected an object"
    sku = product.get("sku")
    if not isinstance(sku, str) or not SKU_RE.match(sku):
        return "sku is missing or malformed"
    for field in ("name", "description", "category"):
        if not isinstance(product.get(field), str) or not product[field].strip():
            return f"{field} is missing"
    price = product.get("price")
    if not isinstance(price, (int, Decimal)) or isinstance(price, bool) or price <= 0:
        return "price must be a positive number"
    stock = product.get("stock_quantity")
    if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
        return "stock_quantity must be a whole number ≥ 0"
    chart = product.get("size_chart")
    if chart is not None and (not isinstance(chart, str) or not chart.strip()):
        return "size_chart must name a size chart"
    for field in ("design", "colour", "size"):
        value = product.get(field)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            return f"{field} must be text"
    return None


def normalised_product(product: dict) -> dict:
    """A valid product as the stores keep it: price a Decimal, maker and origin filled in."""
    product = dict(product)
    product["price"] = Decimal(str(product["price"]))
    product.setdefault("manufacturer", "Qikink")
    product.setdefault("origin", "India")
    return product


def parse_products(products, where: str) -> dict[str, dict]:
    """SKU → product from a `products` list. Raises StoreStartupError naming `where` and the problem."""
    if not isinstance(products, list) or not products:
        raise StoreStartupError(f"{where}: expected an object with a non-empty 'products' list")
    catalogue: dict[str, dict] = {}
    for index, product in enumerate(products):
        place = f"{where}, products[{index}]"
        problem = product_problem(product)
        if problem:
            sku = product.get("sku") if isinstance(product, dict) and problem != "sku is missing or malformed" else None
            raise StoreStartupError(f"{place}{f' ({sku})' if sku else ''}: {problem}")
        if product["sku"] in catalogue:
            raise StoreStartupError(f"{place}: SKU {product['sku']} appears twice")
        catalogue[product["sku"]] = normalised_product(product)
    return catalogue


def load_catalogue(path: Path) -> dict[str, dict]:
    """SKU → product. Raises StoreStartupError naming the file and the problem."""
    try:
        document = read_json(path, dict, decimals=True)
    except FileNotFoundError:
        raise StoreStartupError(f"Catalogue file {path} is missing") from None
    except CorruptFile as exc:
        raise StoreStartupError(f"Catalogue file {exc.path} is unreadable: {exc.problem}") from None
    return parse_products(document.get("products"), f"Catalogue file {path}")
