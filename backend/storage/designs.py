"""Designs (the `designs` section of `products.json`): what a shopper chooses before a colour and a
size. Every SKU of the catalogue is a variant of exactly one design: the one its `design` key
names, else the design part of its SKU (BHRT-001-M → BHRT-001). A design the section does not
describe is made from its variants (name, description, category, HSN), so an older catalogue
still opens. Loaded once at start and validated like the catalogue; prices and stock stay on the
variants, in the order store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .atomic import CorruptFile, read_json
from .errors import StoreStartupError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEXT_FIELDS = ("name", "story", "fabric", "fit", "care", "category", "hsn", "print")


def design_id_of(sku: str, product: dict) -> str:
    """The design a SKU belongs to: its `design` key, else its SKU without the last part (the size)."""
    named = product.get("design")
    if isinstance(named, str) and named.strip():
        return named
    head, dash, _size = sku.rpartition("-")
    return head if dash and head else sku


def slugify(text: str) -> str:
    """'Heritage Print T-Shirt' → 'heritage-print-t-shirt'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "design"


@dataclass(frozen=True)
class Designs:
    """Every design by id (catalogue order), each with the SKUs of its variants."""

    designs: dict[str, dict]

    def by_slug(self, slug: str) -> dict | None:
        return next((d for d in self.designs.values() if d["slug"] == slug), None)

    def of_sku(self, sku: str) -> dict | None:
        return next((d for d in self.designs.values() if sku in d["skus"]), None)


def design_entry_problem(entry) -> str | None:
    """Why `entry` (one design of the `designs` section) cannot describe a design, or None."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
        return "expected an object with an id"
    for field in TEXT_FIELDS:
        if field in entry and not isinstance(entry[field], str):
            return f"{field} must be text"
    gsm = entry.get("gsm")
    if gsm is not None and (not isinstance(gsm, int) or isinstance(gsm, bool) or gsm <= 0):
        return "gsm must be a whole number > 0"
    slug = entry.get("slug")
    if slug is not None and (not isinstance(slug, str) or not SLUG_RE.match(slug)):
        return "slug must be lower-case words joined by '-'"
    if not isinstance(entry.get("published", True), bool):
        return "published must be true or false"
    return None


def build_designs(entries: list[dict], catalogue: dict[str, dict], where: str = "Catalogue") -> Designs:
    """The designs of `catalogue`: its SKUs grouped by design, described by `entries` (the
    `designs` section) where it has the design. Raises StoreStartupError naming the problem."""
    described: dict[str, dict] = {}
    for index, entry in enumerate(entries):
        place = f"{where}, designs[{index}]"
        problem = design_entry_problem(entry)
        if problem:
            named = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else None
            raise StoreStartupError(f"{place}{f' ({named})' if named and named.strip() else ''}: {problem}")
        if entry["id"] in described:
            raise StoreStartupError(f"{place}: design {entry['id']} appears twice")
        described[entry["id"]] = entry
    designs: dict[str, dict] = {}
    for sku, product in catalogue.items():
        design_id = design_id_of(sku, product)
        if design_id not in designs:
            designs[design_id] = _design(design_id, described.get(design_id, {}), product)
        designs[design_id]["skus"].append(sku)
    slugs: dict[str, str] = {}
    for design_id, design in designs.items():
        if design["slug"] in slugs:
            raise StoreStartupError(
                f"{where}: designs {slugs[design['slug']]} and {design_id} share the slug {design['slug']}"
            )
        slugs[design["slug"]] = design_id
    return Designs(designs)


def _design(design_id: str, entry: dict, first: dict) -> dict:
    """One design: the section's entry, its gaps filled from its first variant."""
    name = entry.get("name") or first["name"]
    return {
        "id": design_id,
        "slug": entry.get("slug") or slugify(name),
        "name": name,
        "story": entry.get("story") or first.get("description", ""),
        "fabric": entry.get("fabric"),
        "gsm": entry.get("gsm"),
        "fit": entry.get("fit"),
        "care": entry.get("care"),
        "category": entry.get("category") or first["category"],
        "hsn": entry.get("hsn") or first.get("hsn"),
        "print": entry.get("print") or first.get("print"),
        "photos": list(entry.get("photos") or []),
        "skus": [],
    }


def load_design_entries(path: Path) -> list:
    """The `designs` section of the catalogue file at `path` ([] when the file has none or cannot
    be read: the store has already said what is wrong with it)."""
    try:
        document = read_json(path, dict)
    except (FileNotFoundError, CorruptFile):
        return []
    entries = document.get("designs", [])
    if not isinstance(entries, list):
        raise StoreStartupError(f"Catalogue file {path}: 'designs' must be a list")
    build_designs(entries, {}, where=f"Catalogue file {path}")  # every entry checked before it is stored
    return entries


def load_designs(path: Path, catalogue: dict[str, dict]) -> Designs:
    """The designs of the catalogue file at `path` for the store's `catalogue` (SKU → product)."""
    return build_designs(load_design_entries(path), catalogue, where=f"Catalogue file {path}")
