"""Each customer page names every module its script imports (statically, at any depth) in a
`<link rel="modulepreload">`, and nothing else: a module left out is found only once the modules
that import it have arrived, a round trip later (about half a second on a phone network; the
storefront missed two, bench/pages.py showed it). Dynamic `import()` is left out on purpose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?(?:from\s*)?['"]\./([\w-]+\.js)['"]""", re.M)


def module_graph(entry: str) -> set[str]:
    seen: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(STATIC_IMPORT.findall((FRONTEND / "js" / name).read_text(encoding="utf-8")))
    return seen - {entry}


@pytest.mark.parametrize("page", ["index.html", "product.html", "track.html"])
def test_a_customer_page_preloads_exactly_the_modules_its_script_imports(page):
    html = (FRONTEND / page).read_text(encoding="utf-8")
    (entry,) = re.findall(r'<script type="module" src="/?js/([\w-]+\.js)">', html)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/?js/([\w-]+\.js)">', html))
    assert preloaded == module_graph(entry), (
        f"{page}: add {module_graph(entry) - preloaded}, drop {preloaded - module_graph(entry)}"
    )


def test_the_graph_reader_follows_imports_at_any_depth():
    assert {"shop-client.js", "config.js", "dom.js"} <= module_graph("storefront.js")
