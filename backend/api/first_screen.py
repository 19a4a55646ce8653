"""The storefront's first screen inside its HTML: the answers index.html fetches before it shows a
card (products, designs, charges, size charts, delivery estimate) as one JSON data block, and a
preload of the first card's photo. On a phone network each round trip costs about half a second;
with both, the photo is fetched alongside the styles and scripts instead of after them and the
API (bench/pages.py measures it). A copy of frontend/ served by another static server has
neither, and the page fetches them as before."""

from __future__ import annotations

import hashlib
import logging
from html import escape

from flask import Response, current_app, request
from werkzeug.wrappers import Response as BaseResponse

from .delivery import get_delivery_estimate
from .designs import designs_data
from .invoices import charges_data
from .products import products_data
from .size_charts import size_charts_data

log = logging.getLogger(__name__)

# product-card.js's PHOTO_SIZES: the preload must choose the very file the card's <picture> will
PHOTO_SIZES = "(min-width: 960px) 19rem, (min-width: 640px) 45vw, 92vw"
# In a <script> data block, "<" could end it ("</script>") or open a comment: JSON may spell it
# (and ">", "&") as a \u escape, which JSON.parse reads back unchanged.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def first_screen() -> dict:
    """What storefront.js's loadCatalogue would fetch, each the `data` of its API answer."""
    return {
        "products": products_data(),
        "designs": designs_data(),
        "charges": charges_data(),
        "size_charts": size_charts_data(),
        "delivery": get_delivery_estimate()["data"],
    }


def first_photo(products: list[dict]) -> dict | None:
    """The photo of the first card, as product-card.js chooses it: the first design's first size
    in stock (else its first size), that size's first photo."""
    if not products:
        return None
    design = products[0].get("design") or products[0]["name"]
    sizes = [p for p in products if (p.get("design") or p["name"]) == design]
    first = next((p for p in sizes if p.get("in_stock")), sizes[0])
    return next(iter(first.get("photos") or []), None)


def with_first_screen(page: str) -> str:
    """index.html with the first screen's data block and photo preload before its </head>."""
    data = first_screen()
    block = current_app.json.dumps(data).translate(SCRIPT_SAFE)
    head = [f'<script type="application/json" id="first-screen">{block}</script>']
    photo = first_photo(data["products"])
    webp = (photo or {}).get("srcset", {}).get("image/webp")
    if webp:
        head.insert(
            0,
            f'<link rel="preload" as="image" type="image/webp" fetchpriority="high" '
            f'imagesrcset="{escape(webp, quote=True)}" imagesizes="{PHOTO_SIZES}">',
        )
    return page.replace("</head>", "  " + "\n  ".join(head) + "\n</head>", 1)


def storefront_response(template: str) -> BaseResponse:
    """The storefront page for this moment's catalogue, revalidated by its own ETag (its stock
    changes, so the file's would not do)."""
    try:
        page = with_first_screen(template)
    except Exception:  # the store unreachable, say: the page still loads and asks the API itself
        log.warning("The storefront page was served without its first screen's data", exc_info=True)
        page = template
    body = page.encode("utf-8")
    response = Response(body, mimetype="text/html")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.no_cache = True
    return response.make_conditional(request)
