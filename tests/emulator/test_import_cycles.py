"""No import cycles inside ``lcoai_notebook/emulator`` (imports inside functions count too: a
lazy import that closes a circle is still a circle, only a hidden one), and the routes come
from the one table, not from modules registering themselves when imported."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from test_layers import _module_name, imports_of  # noqa: E402

import lcoai_notebook.emulator as emulator  # noqa: E402

FOLDER = Path(emulator.__file__).parent


def _graph(folder: Path) -> dict[str, set[str]]:
    """module -> the package's modules it imports (``from . import x`` names module ``x``)."""
    modules = {".".join(_module_name(p)): p for p in folder.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = imports_of(path.read_text("utf-8"), _module_name(path), path.name == "__init__.py")
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, each once, as the list of modules around it."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                key = frozenset(path)
                if key not in seen:
                    seen.add(key)
                    found.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle from its smallest module
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_the_emulator_has_no_import_cycle() -> None:
    graph = _graph(FOLDER)
    assert len(graph) > 20  # the scan sees the modules
    # The package's __init__ imports its submodules and they import back nothing but names;
    # leave it out so "from . import x" in the table is not read as a circle through it.
    graph.pop("lcoai_notebook.emulator", None)
    assert cycles(graph) == []


def test_the_cycle_finder_sees_a_lazy_circle(tmp_path: Path) -> None:
    pkg = tmp_path / "lcoai_notebook" / "emulator"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "_a.py").write_text("from ._b import x\n")
    (pkg / "_b.py").write_text("def f():\n    from ._a import y\n")
    import test_layers

    old = test_layers.PACKAGE
    test_layers.PACKAGE = tmp_path / "lcoai_notebook"
    try:
        graph = _graph(pkg)
    finally:
        test_layers.PACKAGE = old
    assert cycles(graph) == [["lcoai_notebook.emulator._a", "lcoai_notebook.emulator._b",
                              "lcoai_notebook.emulator._a"]]


def test_routes_come_from_the_one_table_only() -> None:
    from lcoai_notebook.emulator import _routes

    sources = {p.name: p.read_text("utf-8") for p in FOLDER.glob("*.py")}
    assert not [n for n, text in sources.items() if "@route" in text]
    assert not [n for n, text in sources.items() if "ROUTE_MODULES" in text]
    keys = [(m, t) for m, t, _ in _routes.ROUTE_TABLE]
    assert len(keys) == len(set(keys)) and len(keys) >= 80
    assert [(r.method, r.template) for r in _routes.ROUTES] == keys
