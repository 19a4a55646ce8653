"""The import graph, read from the source with ast (nothing is imported): layers point one way.

Edges are what a module names in `import` and `from ... import` statements, resolved to modules of
this repository: `from .x import y` is an edge to `x.y` when that is a module, else to `x` (a name
defined in x, or in its package's __init__). Implicit imports of parent packages are not edges.

Function-local imports: module-level imports (also inside a module-level `if`/`try`) run when a
module is imported, so only they can fail with an import cycle, and the first cycle test counts
only them. A function-local import runs later, on a call (create_app imports its blueprints that way
on purpose), but one that closes a circle is still a circle, so the second cycle test counts them
too. Every other rule counts every import, function-local ones included: a layer that reaches
upwards from inside a function still depends on the layer above. `if TYPE_CHECKING:` blocks are
left out everywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
STORAGE = "backend.storage"
# `python -m backend` is the program itself: no module imports it, so its `from . import create_app`
# is the entry point reaching down, not a layer reaching up.
ENTRY_POINTS: set[str] = set()  # every module, __main__ too, imports below the package root


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(path): path for path in sorted((ROOT / package).rglob("*.py"))}


MODULES = {**_modules("backend"), **_modules("qikink_emulator"), **_modules("razorpay_emulator")}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.Module):
    """(node, module_level) for every import statement; TYPE_CHECKING blocks skipped."""

    def walk(node, module_level):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, module_level
            inner = module_level and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(child, inner)

    yield from walk(tree, True)


def _resolve(module: str, node) -> list[str]:
    """The names `node` imports, as absolute dotted names (modules or, for a name, its module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module if _is_package(module) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module
    targets = []
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        targets.append(submodule if submodule in MODULES else base)
    return targets


def _imports(module_level_only: bool) -> dict[str, set[str]]:
    """module → every name it imports (absolute; outside modules too, e.g. flask)."""
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {
            target
            for node, module_level in _import_nodes(tree)
            if module_level or not module_level_only
            for target in _resolve(name, node)
        }
    return graph


ALL_IMPORTS = _imports(module_level_only=False)
MODULE_LEVEL = _imports(module_level_only=True)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (or a module importing itself)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _backend_graph(imports: dict[str, set[str]], *, storage: bool) -> dict[str, set[str]]:
    """Edges between backend modules, either only inside storage or only outside it."""

    def keep(name):
        inside = name == STORAGE or name.startswith(STORAGE + ".")
        return (name == "backend" or name.startswith("backend.")) and inside == storage

    return {m: {t for t in targets if keep(t)} for m, targets in imports.items() if keep(m)}


def test_the_graph_is_read():
    """The checks below see real edges (a parser that found nothing would pass them all)."""
    assert "backend.qikink.client" in MODULES and "qikink_emulator.app" in MODULES
    assert "backend.version" in ALL_IMPORTS["backend.api.health"]
    assert "flask" in MODULE_LEVEL["backend.api.health"]
    assert "backend.api" in MODULE_LEVEL["backend.api.health"]  # `from . import services`
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    upwards, down = ast.parse("from .. import __version__\nfrom .. import errors").body
    assert _resolve("backend.api.health", upwards) == ["backend"]  # a name from the package root
    assert _resolve("backend.api.health", down) == ["backend.errors"]  # a submodule


def test_no_import_cycles_between_backend_modules():
    """None when modules are imported (module-level imports, storage included)."""
    backend = {
        m: {t for t in targets if t.startswith("backend")}
        for m, targets in MODULE_LEVEL.items()
        if m.startswith("backend")
    }
    assert _cycles(backend) == []


def test_no_import_cycles_outside_storage_even_through_function_local_imports():
    """A function-local import that closes a circle is a circle postponed, not avoided."""
    assert _cycles(_backend_graph(ALL_IMPORTS, storage=False)) == []


def test_no_import_cycles_inside_storage_even_through_function_local_imports():
    """Today files.py, repository.py and postgres.py import each other inside functions."""
    assert _cycles(_backend_graph(ALL_IMPORTS, storage=True)) == []


def test_nothing_under_backend_imports_the_package_root():
    offenders = {
        m: "backend"
        for m, targets in ALL_IMPORTS.items()
        if m.startswith("backend.") and m not in ENTRY_POINTS and "backend" in targets
    }
    assert offenders == {}


def test_the_emulators_import_nothing_from_backend():
    offenders = {
        m: sorted(t for t in targets if t == "backend" or t.startswith("backend."))
        for m, targets in ALL_IMPORTS.items()
        if m.startswith(("qikink_emulator", "razorpay_emulator"))
    }
    assert {m: t for m, t in offenders.items() if t} == {}


def test_storage_knows_nothing_of_http_or_the_rest_of_backend():
    def outside(target):
        in_backend = target == "backend" or target.startswith("backend.")
        in_storage = target == STORAGE or target.startswith(STORAGE + ".")
        return target.split(".")[0] in ("flask", "werkzeug") or (in_backend and not in_storage)

    offenders = {
        m: sorted(t for t in targets if outside(t))
        for m, targets in ALL_IMPORTS.items()
        if m == STORAGE or m.startswith(STORAGE + ".")
    }
    assert {m: t for m, t in offenders.items() if t} == {}


def test_no_file_under_backend_is_over_400_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for name, path in MODULES.items()
        if name.startswith("backend")
    }
    assert {path: lines for path, lines in sizes.items() if lines > MAX_LINES} == {}


def test_no_test_module_imports_another():
    """Nor does the benchmark: shared fixtures live in conftest.py files, shared helpers in modules
    not named test_*. Importing a test module runs its module-level code and hides where a fixture
    comes from."""
    offenders = {}
    for path in sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]):
        for node, _ in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_") for name in names):
                offenders.setdefault(str(path.relative_to(ROOT)), []).extend(names)
    assert offenders == {}
