"""Sample product photos: each design's print on a T-shirt, drawn with Pillow, so that a first run
looks like a shop. The prints follow the pattern tiles of frontend/css/shop.css (`.art[data-print]`).

    .venv/bin/python scripts/make_mockups.py    # writes data/mockups/*.webp and mockups.json

One photo a design and colour (a product's `colour`; white when the catalogue has none), front view
with a soft shadow, 1200 × 1440 WebP. The shop adds them to its photo store on first start
(backend/photos/service.py); delete or replace them in the console like any other photo.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.photos.service import design_of  # noqa: E402  (the script runs from anywhere)

OUT = ROOT / "data" / "mockups"
SIZE = (1200, 1440)
SCALE = 2  # drawn at twice the size, then reduced: smooth edges without an anti-aliasing pass
BACKDROP = ((238, 234, 226), (214, 208, 198))  # a studio sweep, lighter at the top
COLOURS = {
    "white": (246, 244, 239),
    "black": (38, 38, 40),
    "navy": (31, 41, 72),
    "maroon": (110, 24, 38),
    "grey": (150, 150, 150),
    "olive": (98, 102, 56),
    "mustard": (214, 164, 40),
    "bottle green": (22, 78, 54),
    "royal blue": (36, 70, 170),
    "red": (176, 30, 36),
}

# The silhouette, front view, in fractions of the canvas: neck, shoulder, sleeve, body, hem.
SHIRT = [
    (0.405, 0.135), (0.265, 0.175), (0.075, 0.365), (0.180, 0.470), (0.265, 0.400),
    (0.255, 0.830), (0.745, 0.830), (0.735, 0.400), (0.820, 0.470), (0.925, 0.365),
    (0.735, 0.175), (0.595, 0.135),
]  # fmt: skip
PRINT_BOX = (0.350, 0.250, 0.650, 0.560)


def _px(points, width, height):
    return [(x * width, y * height) for x, y in points]


def _dots(draw, box, step, radius, colour, offset=0.0):
    left, top, right, bottom = box
    y = top + offset
    while y < bottom + step:
        x = left + offset
        while x < right + step:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
            x += step
        y += step


def _stripes(image, angle, bands):
    """Repeating bands (colour, width) at `angle` degrees across `image`."""
    width, height = image.size
    period = sum(w for _, w in bands)
    span = int(math.hypot(width, height)) + period
    layer = Image.new("RGB", (span * 2, span * 2))
    draw = ImageDraw.Draw(layer)
    x = 0
    while x < span * 2:
        for colour, band in bands:
            draw.rectangle((x, 0, x + band, span * 2), fill=colour)
            x += band
    layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC)
    image.paste(
        layer.crop((span - width // 2, span - height // 2, span - width // 2 + width, span - height // 2 + height))
    )


def _warli_figure(draw, x, y, size, colour):
    """A Warli dancer: circle head, two triangles meeting at the waist, stick limbs."""
    s = size
    draw.ellipse((x - s * 0.18, y - s * 0.95, x + s * 0.18, y - s * 0.6), fill=colour)
    draw.polygon([(x - s * 0.3, y - s * 0.55), (x + s * 0.3, y - s * 0.55), (x, y - s * 0.1)], fill=colour)
    draw.polygon([(x, y - s * 0.1), (x - s * 0.3, y + s * 0.35), (x + s * 0.3, y + s * 0.35)], fill=colour)
    line = max(2, int(s * 0.06))
    draw.line([(x - s * 0.25, y - s * 0.5), (x - s * 0.55, y - s * 0.2), (x - s * 0.75, y - s * 0.45)], colour, line)
    draw.line([(x + s * 0.25, y - s * 0.5), (x + s * 0.55, y - s * 0.2), (x + s * 0.75, y - s * 0.45)], colour, line)
    draw.line([(x - s * 0.15, y + s * 0.35), (x - s * 0.3, y + s * 0.85)], colour, line)
    draw.line([(x + s * 0.15, y + s * 0.35), (x + s * 0.3, y + s * 0.85)], colour, line)


def draw_print(style: str, size: tuple[int, int]) -> Image.Image:
    """The print of one art style, `size` pixels, in the spirit of its storefront tile."""
    width, height = size
    u = width / 360  # the tiles' pixel sizes, scaled to the print
    box = (0, 0, width, height)
    image = Image.new("RGB", size, (124, 45, 18))
    draw = ImageDraw.Draw(image)
    if style == "madhubani":
        draw.rectangle(box, fill=(185, 28, 28))
        _dots(draw, box, 36 * u, 5 * u, (250, 204, 21), 18 * u)
        for inset in (10 * u, 22 * u):  # the double border Madhubani panels are framed in
            draw.rectangle((inset, inset, width - inset, height - inset), outline=(250, 204, 21), width=int(4 * u))
        cx, cy = width / 2, height / 2
        for i in range(12):  # a sun at the centre
            a = i * math.pi / 6
            draw.line([(cx, cy), (cx + math.cos(a) * 90 * u, cy + math.sin(a) * 90 * u)], (250, 204, 21), int(6 * u))
        draw.ellipse((cx - 55 * u, cy - 55 * u, cx + 55 * u, cy + 55 * u), fill=(250, 204, 21))
        draw.ellipse((cx - 38 * u, cy - 38 * u, cx + 38 * u, cy + 38 * u), fill=(185, 28, 28))
    elif style == "warli":
        draw.rectangle(box, fill=(124, 63, 29))
        cx, cy = width / 2, height / 2
        for ring, count in ((150 * u, 14), (85 * u, 8)):  # a circle dance, two rings
            for i in range(count):
                a = i * 2 * math.pi / count
                _warli_figure(draw, cx + math.cos(a) * ring, cy + math.sin(a) * ring * 1.15, 34 * u, (250, 246, 236))
        draw.ellipse((cx - 22 * u, cy - 22 * u, cx + 22 * u, cy + 22 * u), outline=(250, 246, 236), width=int(4 * u))
    elif style == "kalamkari":
        draw.rectangle(box, fill=(127, 29, 29))
        _dots(draw, box, 44 * u, 9 * u, (253, 230, 138), 22 * u)
        cx, cy = width / 2, height / 2
        for i in range(8):  # a lotus of eight petals
            a = i * math.pi / 4
            px, py = cx + math.cos(a) * 70 * u, cy + math.sin(a) * 70 * u
            draw.ellipse(
                (px - 40 * u, py - 40 * u, px + 40 * u, py + 40 * u),
                fill=(253, 230, 138),
                outline=(127, 29, 29),
                width=int(4 * u),
            )
        draw.ellipse((cx - 45 * u, cy - 45 * u, cx + 45 * u, cy + 45 * u), fill=(180, 83, 9))
    elif style == "gond":
        ox, oy = width * 0.2, height * 0.8
        reach = int(math.hypot(width, height)) + 20
        for r in range(reach, 0, -int(10 * u)):  # repeating rings from one corner, as the tile
            shade = (20, 83, 45) if (r // int(10 * u)) % 2 else (22, 101, 52)
            draw.ellipse((ox - r, oy - r, ox + r, oy + r), fill=shade)
        for i in range(40):  # Gond's dotted fill: leaves of dots
            x, y = width * ((i * 37) % 100) / 100, height * ((i * 61) % 100) / 100
            draw.ellipse((x - 4 * u, y - 4 * u, x + 4 * u, y + 4 * u), fill=(234, 179, 8))
    elif style == "pattachitra":
        _stripes(image, 90, [((245, 158, 11), int(6 * u)), ((146, 64, 14), int(24 * u))])
        draw = ImageDraw.Draw(image)
        cx, cy = width / 2, height / 2
        draw.rounded_rectangle(
            (cx - 110 * u, cy - 130 * u, cx + 110 * u, cy + 130 * u),
            18 * u,
            fill=(254, 243, 199),
            outline=(146, 64, 14),
            width=int(8 * u),
        )
        draw.ellipse((cx - 70 * u, cy - 70 * u, cx + 70 * u, cy + 70 * u), outline=(185, 28, 28), width=int(10 * u))
        draw.polygon([(cx, cy - 50 * u), (cx + 45 * u, cy + 35 * u), (cx - 45 * u, cy + 35 * u)], fill=(30, 58, 138))
    elif style == "bagru":
        draw.rectangle(box, fill=(253, 231, 199))
        _dots(draw, box, 28 * u, 6 * u, (30, 58, 138), 14 * u)
        cx, cy = width / 2, height / 2
        for i in range(6):  # a block-printed flower
            a = i * math.pi / 3
            px, py = cx + math.cos(a) * 48 * u, cy + math.sin(a) * 48 * u
            draw.ellipse((px - 34 * u, py - 34 * u, px + 34 * u, py + 34 * u), fill=(30, 58, 138))
        draw.ellipse((cx - 26 * u, cy - 26 * u, cx + 26 * u, cy + 26 * u), fill=(253, 231, 199))
    elif style == "phulkari":
        _stripes(image, 45, [((219, 39, 119), int(8 * u)), ((245, 158, 11), int(8 * u)), ((190, 24, 93), int(8 * u))])
        draw = ImageDraw.Draw(image)
        cx, cy = width / 2, height / 2
        for r in (120, 80, 40):  # the embroidered diamond at the heart of a phulkari
            draw.polygon(
                [(cx, cy - r * u), (cx + r * u * 0.8, cy), (cx, cy + r * u), (cx - r * u * 0.8, cy)],
                fill=(254, 240, 138) if r != 80 else (190, 24, 93),
            )
    else:  # the storefront's default tile
        _stripes(image, 45, [((124, 45, 18), int(12 * u)), ((154, 52, 18), int(12 * u))])
    return image


def _vertical_gradient(size, top, bottom) -> Image.Image:
    column = Image.linear_gradient("L").resize((1, size[1]))
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), column.resize(size))


def mockup(style: str, garment: tuple[int, int, int]) -> Image.Image:
    """`style`'s print on a T-shirt of colour `garment`, front view, with a soft shadow."""
    width, height = SIZE[0] * SCALE, SIZE[1] * SCALE
    canvas = _vertical_gradient((width, height), *BACKDROP)
    outline = _px(SHIRT, width, height)
    mask = Image.new("L", (width, height))
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    shadow = mask.transform(mask.size, Image.Transform.AFFINE, (1, 0, -18 * SCALE, 0, 1, -26 * SCALE))
    shadow = shadow.filter(ImageFilter.GaussianBlur(28 * SCALE)).point(lambda v: v * 0.45)
    canvas = Image.composite(Image.new("RGB", canvas.size, (90, 80, 70)), canvas, shadow)
    shirt = Image.new("RGB", (width, height), garment)
    left, top, right, bottom = (int(v * s) for v, s in zip(PRINT_BOX, (width, height, width, height), strict=True))
    art = draw_print(style, (right - left, bottom - top))
    shirt.paste(art, (left, top))
    # Folds and light: darker towards the hem and the sides, lines at the sleeves' seams and hem.
    light = Image.new("L", (width, height), 255)
    shade = ImageDraw.Draw(light)
    for i in range(40):
        edge = int(width * (0.26 + 0.004 * i))
        shade.line([(edge, 0), (edge, height)], fill=205 + i, width=int(0.004 * width) + 1)
        edge = int(width * (0.74 - 0.004 * i))
        shade.line([(edge, 0), (edge, height)], fill=205 + i, width=int(0.004 * width) + 1)
    seam = 150
    shade.line(_px([(0.265, 0.175), (0.265, 0.400)], width, height), fill=seam, width=3 * SCALE)
    shade.line(_px([(0.735, 0.175), (0.735, 0.400)], width, height), fill=seam, width=3 * SCALE)
    shade.line(_px([(0.256, 0.805), (0.744, 0.805)], width, height), fill=seam, width=3 * SCALE)
    shade.line(_px([(0.105, 0.395), (0.200, 0.450)], width, height), fill=seam, width=3 * SCALE)
    shade.line(_px([(0.895, 0.395), (0.800, 0.450)], width, height), fill=seam, width=3 * SCALE)
    light = ImageChops.multiply(light, _vertical_gradient((width, height), (255,) * 3, (222,) * 3).convert("L"))
    light = light.filter(ImageFilter.GaussianBlur(6 * SCALE))
    shirt = ImageChops.multiply(shirt, Image.merge("RGB", (light, light, light)))
    canvas = Image.composite(shirt, canvas, mask)
    # The neck: the inside of the back, then the ribbed collar.
    neck = _px([(0.405, 0.135), (0.5, 0.128), (0.595, 0.135)], width, height)
    collar = ImageDraw.Draw(canvas)
    inner = tuple(int(c * 0.72) for c in garment)
    collar.chord((neck[0][0], neck[0][1] - 0.02 * height, neck[2][0], neck[2][1] + 0.05 * height), 0, 180, fill=inner)
    collar.arc(
        (neck[0][0], neck[0][1] - 0.02 * height, neck[2][0], neck[2][1] + 0.05 * height),
        0, 180, fill=tuple(int(c * 0.88) for c in garment), width=int(0.012 * height),
    )  # fmt: skip
    return canvas.resize(SIZE, Image.Resampling.LANCZOS)


def designs(catalogue: dict) -> list[dict]:
    """One entry a design and colour: design id, name, print style and colour (None: no colours)."""
    found: dict[tuple, dict] = {}
    for product in catalogue["products"]:
        colour = product.get("colour")
        key = (design_of(product), colour)
        style = (product.get("print") or "").split()[0].lower() if product.get("print") else ""
        found.setdefault(
            key,
            {
                "design": key[0],
                "colour": colour,
                "name": product["name"],
                "print": product.get("print") or "",
                "style": style,
            },
        )
    return list(found.values())


def main() -> int:
    catalogue = json.loads((ROOT / "data" / "products.json").read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []
    for entry in designs(catalogue):
        colour = entry["colour"]
        garment = COLOURS.get((colour or "white").lower(), COLOURS["white"])
        name = f"{entry['design']}-{colour.lower().replace(' ', '-')}" if colour else entry["design"]
        path = OUT / f"{name}.webp"
        mockup(entry["style"], garment).save(path, "WEBP", quality=78, method=6)
        shirt = f"{(colour or 'white').lower()} T-shirt"
        alt = f"{entry['name']}: a {entry['print'] or 'printed'} print on the chest of a {shirt}, front view"
        manifest.append(
            {
                "file": path.name,
                "design": entry["design"],
                "colour": colour,
                "alt": alt,
                "mime": "image/webp",
                "width": SIZE[0],
                "height": SIZE[1],
            }
        )
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    (OUT / "mockups.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum((OUT / m["file"]).stat().st_size for m in manifest)
    print(f"{len(manifest)} mockups, {total // 1024} KB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
