"""The product catalogue (`products.json`): loaded once at start, validated, never rewritten."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..errors import StartupError
from ..models import SKU_RE
from .atomic import CorruptFile, read_json

PUBLIC_FIELDS = ("sku", "name", "description", "price", "stock_quantity", "category", "manufacturer", "origin")
DESIGN_FIELDS = ("design_code", "placement_sku", "width_inches", "height_inches", "design_link", "mockup_link")
PLACEMENTS = ("fr", "bk", "lp", "rp", "ls", "rs")


def _mapping_problem(mapping) -> str | None:
    if not isinstance(mapping, dict):
        return "qikink mapping is missing"
    if not isinstance(mapping.get("sku"), str) or not mapping["sku"]:
        return "qikink.sku is missing"
    mode = mapping.get("search_from_my_products")
    if mode == 1:
        if "designs" in mapping or "print_type_id" in mapping:
            return "qikink: a My Products SKU takes no designs or print_type_id"
        return None
    if mode != 0:
        return "qikink.search_from_my_products must be 1 or 0"
    if not isinstance(mapping.get("print_type_id"), int):
        return "qikink.print_type_id is required for a catalogue blank"
    designs = mapping.get("designs")
    if not isinstance(designs, list) or not designs:
        return "qikink.designs is required for a catalogue blank"
    for index, design in enumerate(designs):
        missing = [f for f in DESIGN_FIELDS if not isinstance(design, dict) or not str(design.get(f, "")).strip()]
        if missing:
            return f"qikink.designs[{index}] is missing {', '.join(missing)}"
        if len(str(design["design_code"])) > 20:
            return f"qikink.designs[{index}].design_code is longer than 20 characters"
        if design["placement_sku"] not in PLACEMENTS:
            return f"qikink.designs[{index}].placement_sku must be one of {', '.join(PLACEMENTS)}"
    return None


def mapping_problem(product: dict) -> str | None:
    """Why a product's Qikink mapping cannot be sent, or None (used by /api/qikink/sync)."""
    return _mapping_problem(product.get("qikink"))


def load_catalogue(path: Path) -> dict[str, dict]:
    """SKU → product. Raises StartupError naming the file and the problem."""
    try:
        document = read_json(path, dict, decimals=True)
    except FileNotFoundError:
        raise StartupError(f"Catalogue file {path} is missing") from None
    except CorruptFile as exc:
        raise StartupError(f"Catalogue file {exc.path} is unreadable: {exc.problem}") from None
    products = document.get("products")
    if not isinstance(products, list) or not products:
        raise StartupError(f"Catalogue file {path}: expected an object with a non-empty 'products' list")
    catalogue: dict[str, dict] = {}
    for index, product in enumerate(products):
        where = f"Catalogue file {path}, products[{index}]"
        if not isinstance(product, dict):
            raise StartupError(f"{where}: expected an object")
        sku = product.get("sku")
        if not isinstance(sku, str) or not SKU_RE.match(sku):
            raise StartupError(f"{where}: sku is missing or malformed")
        if sku in catalogue:
            raise StartupError(f"{where}: SKU {sku} appears twice")
        for field in ("name", "description", "category"):
            if not isinstance(product.get(field), str) or not product[field].strip():
                raise StartupError(f"{where} ({sku}): {field} is missing")
        price = product.get("price")
        if not isinstance(price, (int, Decimal)) or isinstance(price, bool) or price <= 0:
            raise StartupError(f"{where} ({sku}): price must be a positive number")
        stock = product.get("stock_quantity")
        if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
            raise StartupError(f"{where} ({sku}): stock_quantity must be a whole number ≥ 0")
        problem = _mapping_problem(product.get("qikink"))
        if problem:
            raise StartupError(f"{where} ({sku}): {problem}")
        product = dict(product)
        product["price"] = Decimal(str(price))
        product.setdefault("manufacturer", "Qikink")
        product.setdefault("origin", "India")
        catalogue[sku] = product
    return catalogue


def public_product(product: dict) -> dict:
    """What the public routes show: the guide's fields plus whether it can be ordered (no mapping)."""
    from ..models import money_json

    view = {field: product.get(field) for field in PUBLIC_FIELDS}
    view["price"] = money_json(product["price"])
    view["in_stock"] = product["stock_quantity"] > 0
    for extra in ("size", "print"):
        if extra in product:
            view[extra] = product[extra]
    return view
