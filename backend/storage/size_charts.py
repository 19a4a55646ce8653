"""Size charts (`data/size_charts.json`): garment measurements per garment type, loaded once at
start and validated like the catalogue. A product takes the chart of its category, or the one its
catalogue entry names with `size_chart`; a product of a category with no chart (a mug) has none."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .atomic import CorruptFile, read_json
from .errors import StoreStartupError

MEASUREMENTS = ("chest", "length", "shoulder", "sleeve")
CM_PER_INCH = Decimal("2.54")
# Centimetres are written rounded (to the half or whole centimetre): more than this off its
# inches is a typing mistake, not rounding.
CM_ROUNDING = Decimal("0.5")
HOW_TO_MEASURE_KEYS = ("advice", *MEASUREMENTS)


@dataclass(frozen=True)
class SizeCharts:
    """Every chart by id, each category's chart, the tolerance and how to measure."""

    charts: dict[str, dict]
    by_category: dict[str, str]
    tolerance_inches: float
    how_to_measure: dict[str, str]

    def chart_id_for(self, product: dict) -> str | None:
        """The id of the product's chart: its own `size_chart`, else its category's, else None."""
        return product.get("size_chart") or self.by_category.get(product["category"].lower())

    def public(self, chart_id: str) -> dict:
        """One chart as GET /api/size-charts/<id> answers it."""
        chart = self.charts[chart_id]
        return {
            "id": chart_id,
            "name": chart["name"],
            "fit": chart["fit"],
            "fabric": chart["fabric"],
            "measurements": list(MEASUREMENTS),
            "sizes": chart["sizes"],
            "tolerance": {
                "inches": self.tolerance_inches,
                "cm": float((Decimal(str(self.tolerance_inches)) * CM_PER_INCH).quantize(Decimal("0.1"))),
            },
            "how_to_measure": self.how_to_measure,
        }

    def catalogue_problem(self, catalogue: dict[str, dict]) -> str | None:
        """Why these charts cannot serve this catalogue (a chart named that does not exist, a size
        sold that its chart has no row for), or None. A shopper must never find a size uncharted."""
        for sku, product in catalogue.items():
            named = product.get("size_chart")
            if named is not None and named not in self.charts:
                return f"product {sku}: size_chart {named!r} is not in the size charts ({', '.join(self.charts)})"
            chart_id = self.chart_id_for(product)
            size = product.get("size")
            if chart_id and size and size not in {row["size"] for row in self.charts[chart_id]["sizes"]}:
                return f"product {sku}: size {size} has no row in size chart {chart_id!r}"
        return None


def load_size_charts(path: Path) -> SizeCharts:
    """The charts of `path`, every number checked. Raises StoreStartupError naming the file and the problem."""
    try:
        document = read_json(path, dict)
    except FileNotFoundError:
        raise StoreStartupError(f"Size chart file {path} is missing") from None
    except CorruptFile as exc:
        raise StoreStartupError(f"Size chart file {exc.path} is unreadable: {exc.problem}") from None
    where = f"Size chart file {path}"
    charts = document.get("charts")
    if not isinstance(charts, dict) or not charts:
        raise StoreStartupError(f"{where}: expected an object with a non-empty 'charts' object")
    for chart_id, chart in charts.items():
        _check_chart(f"{where}, charts.{chart_id}", chart)
    by_category = document.get("by_category", {})
    if not isinstance(by_category, dict):
        raise StoreStartupError(f"{where}: by_category must be an object (category → chart id)")
    for category, chart_id in by_category.items():
        if chart_id not in charts:
            raise StoreStartupError(f"{where}: by_category.{category} names {chart_id!r}, which is not a chart")
    tolerance = document.get("tolerance_inches")
    if not _positive_number(tolerance):
        raise StoreStartupError(f"{where}: tolerance_inches must be a positive number")
    how = document.get("how_to_measure")
    if not isinstance(how, dict) or not all(
        isinstance(how.get(k), str) and how[k].strip() for k in HOW_TO_MEASURE_KEYS
    ):
        raise StoreStartupError(f"{where}: how_to_measure needs text for {', '.join(HOW_TO_MEASURE_KEYS)}")
    return SizeCharts(
        charts=charts,
        by_category={category.lower(): chart_id for category, chart_id in by_category.items()},
        tolerance_inches=tolerance,
        how_to_measure={key: how[key] for key in HOW_TO_MEASURE_KEYS},
    )


def chart_problem(chart) -> str | None:
    """Why `chart` (one entry of `charts`) cannot be a size chart, or None: the loader's rules,
    also applied to the console's edits."""
    if not isinstance(chart, dict):
        return "expected an object"
    for field in ("name", "fit", "fabric"):
        if not isinstance(chart.get(field), str) or not chart[field].strip():
            return f"{field} is missing"
    sizes = chart.get("sizes")
    if not isinstance(sizes, list) or not sizes:
        return "sizes must be a non-empty list"
    seen = set()
    for row in sizes:
        size = row.get("size") if isinstance(row, dict) else None
        if not isinstance(size, str) or not size.strip() or size in seen:
            return "every row needs a size of its own"
        seen.add(size)
        for unit in ("inches", "cm"):
            values = row.get(unit)
            if not isinstance(values, dict) or not all(_positive_number(values.get(m)) for m in MEASUREMENTS):
                return f"size {size}: {unit} needs a positive {', '.join(MEASUREMENTS)}"
        for measurement in MEASUREMENTS:
            inches, cm = Decimal(str(row["inches"][measurement])), Decimal(str(row["cm"][measurement]))
            if abs(inches * CM_PER_INCH - cm) > CM_ROUNDING:
                return f"size {size}: {measurement} {inches} in is {inches * CM_PER_INCH} cm, not {cm}"
    return None


def centimetres(inches) -> float:
    """`inches` in centimetres to the nearest half, as the chart file writes them."""
    halves = (Decimal(str(inches)) * CM_PER_INCH * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return float(halves / 2)


def _check_chart(where: str, chart) -> None:
    problem = chart_problem(chart)
    if problem:
        joined = f"{where}, {problem}" if problem.startswith("size ") else f"{where}: {problem}"
        raise StoreStartupError(joined)


def _positive_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
