"""Size charts kept with the catalogue: seeded from `size_charts.json` on first start, then edited
from the console (POST /api/size-charts, PATCH /api/size-charts/<id>) and seen by every server of
a fleet. The file still gives what the console does not edit: which category takes which chart,
the half-inch tolerance and how to measure.

Every change is checked by the loader's own rules (`chart_problem`) and by the catalogue's: a
chart may not lose a size a variant of it sells (409, like any conflict with another resource)."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import CatalogueConflict, NotFound, ValidationError
from ..models import Problems, text_field
from ..storage.designs import SLUG_RE, slugify
from ..storage.size_charts import MEASUREMENTS, SizeCharts, centimetres, chart_problem
from ..storage.stored_catalogue import snapshot_of

if TYPE_CHECKING:
    from ..storage.interface import OrderStore
    from ..storage.stored_catalogue import CatalogueSnapshot

log = logging.getLogger(__name__)

CHART_TEXT = {"name": 100, "fit": 200, "fabric": 200}
CHART_FIELDS = (*CHART_TEXT, "sizes")
MOST_SIZES = 20
# No garment measurement is shorter or longer: a number outside is a typing mistake (and a tiny
# one would round to 0 cm).
LEAST_INCHES, MOST_INCHES = Decimal("1"), Decimal("100")


class StoredSizeCharts:
    """The size charts of one store's catalogue, with the file's categories, tolerance and advice."""

    def __init__(self, store: OrderStore, file_charts: SizeCharts):
        self.store = store
        self.file_charts = file_charts
        self._cache: tuple[int, SizeCharts] | None = None
        self._lock = threading.Lock()

    def seed(self) -> None:
        """Add to the stored catalogue the file's charts it lacks; a chart it holds keeps its edits."""
        if set(self.file_charts.charts) <= set(self.store.catalogue_snapshot().size_charts):
            return

        def add(document: dict) -> None:
            stored = document.setdefault("size_charts", {})
            for chart_id, chart in self.file_charts.charts.items():
                stored.setdefault(chart_id, chart)

        self.store.change_catalogue(add)

    def of(self, snapshot: CatalogueSnapshot) -> SizeCharts:
        """The charts of one catalogue snapshot (the file's until the store holds some)."""
        return replace(self.file_charts, charts=snapshot.size_charts or self.file_charts.charts)

    def current(self) -> SizeCharts:
        """The charts now; rebuilt only when the stored catalogue's version moves."""
        snapshot = self.store.catalogue_snapshot()
        cached = self._cache
        if cached is not None and cached[0] == snapshot.version:
            return cached[1]
        charts = self.of(snapshot)
        with self._lock:
            self._cache = (snapshot.version, charts)
        return charts


class SizeChartEditor:
    """The console's new charts and chart edits, checked, then saved all or nothing."""

    def __init__(self, store: OrderStore, charts: StoredSizeCharts):
        self.store = store
        self.charts = charts

    def create(self, body: dict) -> str:
        """A new chart; its id (given, or made from its name)."""
        chart = chart_changes(body, new=True)
        chart_id = chart.pop("id", None) or slugify(chart["name"])

        def create(document: dict) -> None:
            stored = document.setdefault("size_charts", dict(self.charts.file_charts.charts))
            if chart_id in stored:
                raise CatalogueConflict(f"A size chart with id {chart_id} exists already")
            stored[chart_id] = chart
            self._check(document, chart_id)

        self.store.change_catalogue(create)
        log.info("Catalogue: size chart %s created (%d sizes)", chart_id, len(chart["sizes"]))
        return chart_id

    def change(self, chart_id: str, body: dict) -> None:
        """Change a chart's name, fit, fabric or sizes (the whole list: rows added, changed, removed)."""
        changes = chart_changes(body)

        def change(document: dict) -> None:
            stored = document.setdefault("size_charts", dict(self.charts.file_charts.charts))
            if chart_id not in stored:
                raise NotFound(f"No size chart {chart_id}")
            stored[chart_id] = {**stored[chart_id], **changes}
            self._check(document, chart_id)

        self.store.change_catalogue(change)
        log.info("Catalogue: size chart %s changed (%s)", chart_id, ", ".join(sorted(changes)))

    def _check(self, document: dict, chart_id: str) -> None:
        problem = chart_problem(document["size_charts"][chart_id])
        if problem:
            raise ValidationError.from_fields([{"field": "sizes", "message": problem}])
        snapshot = snapshot_of(document)
        problem = self.charts.of(snapshot).catalogue_problem(snapshot.products)
        if problem:  # a variant sells a size the chart would lose: the variant's state, not a bad body
            raise CatalogueConflict(f"Size chart {chart_id} cannot be saved: {problem}. Change that variant first.")


def chart_changes(body: dict, *, new: bool = False) -> dict:
    """The chart fields of a POST (`new`: every field but id required) or PATCH body; each size's
    centimetres made from its inches, to the nearest half as the chart file has them."""
    problems = Problems()
    allowed = ("id", *CHART_FIELDS) if new else CHART_FIELDS
    for key in sorted(set(body) - set(allowed)):
        problems.add(key, f"cannot be set here (only {', '.join(allowed)})")
    changes: dict = {}
    for field, longest in CHART_TEXT.items():
        if field in body or new:
            changes[field] = text_field(problems, field, body.get(field), required=True, max_len=longest)
    if new and "id" in body:
        chart_id = body["id"]
        if not isinstance(chart_id, str) or not SLUG_RE.match(chart_id) or len(chart_id) > 80:
            problems.add("id", "must be lower-case words joined by '-' (at most 80 characters)")
        else:
            changes["id"] = chart_id
    if "sizes" in body or new:
        changes["sizes"] = _sizes(problems, body.get("sizes"))
    if not new and not changes and not problems.items:
        problems.add("body", f"must contain at least one of {', '.join(CHART_FIELDS)}")
    problems.raise_if_any()
    return changes


def _sizes(problems: Problems, sizes) -> list[dict]:
    if not isinstance(sizes, list) or not 0 < len(sizes) <= MOST_SIZES:
        problems.add("sizes", f"must be a list of 1 to {MOST_SIZES} sizes")
        return []
    rows, seen = [], set()
    for index, row in enumerate(sizes):
        where = f"sizes[{index}]"
        if not isinstance(row, dict):
            problems.add(where, "must be an object with size and inches")
            continue
        for key in sorted(set(row) - {"size", "inches"}):
            problems.add(
                f"{where}.{key}", "cannot be set here (only size and inches: the centimetres are made from them)"
            )
        size = text_field(problems, f"{where}.size", row.get("size"), required=True, max_len=10)
        if size and size in seen:
            problems.add(f"{where}.size", f"{size} is in the chart twice")
        seen.add(size)
        inches = row.get("inches")
        if not isinstance(inches, dict):
            problems.add(f"{where}.inches", f"must give {', '.join(MEASUREMENTS)} in inches")
            continue
        for key in sorted(set(inches) - set(MEASUREMENTS)):
            problems.add(f"{where}.inches.{key}", f"is not a measurement ({', '.join(MEASUREMENTS)})")
        measured = {}
        for measurement in MEASUREMENTS:
            value = inches.get(measurement)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float, Decimal))
                or not LEAST_INCHES <= value <= MOST_INCHES
            ):
                problems.add(f"{where}.inches.{measurement}", f"must be from {LEAST_INCHES} to {MOST_INCHES} inches")
                continue
            measured[measurement] = int(value) if value == int(value) else float(value)
        rows.append(
            {"size": size, "inches": measured, "cm": {key: centimetres(value) for key, value in measured.items()}}
        )
    return rows
