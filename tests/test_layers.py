"""The import layers hold (DESIGN.md, "Layers"): read every module's imports, top-level and inside
functions, and check the forbidden edges.

- the client core (everything but ``widgets/`` and the emulator) never imports the panels;
- the panels never import the requester or the wire (``_http``, ``_requester``, ``_wire``,
  ``_sse``): they use the public client API;
- the emulator imports none of the client's parsing (wire, SSE, requester, response objects,
  validation, API resources): it is an independent oracle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__import__("lcoai_notebook").__file__).parent
NAME = "lcoai_notebook"

CLIENT_PARSING = ("_wire", "_sse", "_requester", "_http", "_models", "_validate",
                  "_validate_media", "api")
FORBIDDEN = {
    # layer (first path part under the package; "" = top-level modules) -> forbidden targets
    "widgets": ("_http", "_requester", "_wire", "_sse"),
    "emulator": CLIENT_PARSING,
    "api": ("widgets", "relay"),
    "": ("widgets", "relay"),
    # The relay is a server: it uses the client's requester but neither the panels nor the
    # emulator (which only stands in for the service in its tests).
    "relay": ("widgets", "emulator"),
}
#: The command line starts the relay; nothing else outside it imports it.
RELAY_STARTERS = {"cli.py"}
#: Top-level modules that sit above the panels and may import them: the package's own lazy
#: table (names modules as strings) and the magics (DESIGN.md puts them beside the panels).
ABOVE_WIDGETS = {"__init__.py", "magics.py"}


def _module_name(path: Path) -> list[str]:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [NAME, *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return parts


def imports_of(source: str, module: list[str], is_package: bool) -> set[str]:
    """Absolute names of everything ``source`` imports (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module if is_package else module[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def violations(path: Path, source: str | None = None) -> list[str]:
    rel = path.relative_to(PACKAGE)
    layer = rel.parts[0] if len(rel.parts) > 1 else ""
    if layer == "" and rel.name in ABOVE_WIDGETS:
        return []
    forbidden = FORBIDDEN.get(layer)
    if forbidden is None:
        return []
    if layer == "" and rel.name in RELAY_STARTERS:
        forbidden = tuple(f for f in forbidden if f != "relay")
    text = path.read_text("utf-8") if source is None else source
    names = imports_of(text, _module_name(path), path.name == "__init__.py")
    bad = []
    for name in sorted(names):
        parts = name.split(".")
        if parts[0] != NAME or len(parts) < 2:
            continue
        if parts[1] in forbidden:
            bad.append(f"{rel}: imports {name}")
    return bad


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_layer_keeps_to_its_imports() -> None:
    problems = [v for path in _modules() for v in violations(path)]
    assert problems == []


def test_the_layers_exist_so_the_test_has_something_to_check() -> None:
    layers = {p.relative_to(PACKAGE).parts[0] for p in _modules() if len(
        p.relative_to(PACKAGE).parts) > 1}
    assert {"widgets", "emulator", "api", "relay"} <= layers


@pytest.mark.parametrize(("where", "source"), [
    ("widgets/chat.py", "from .._http import RequestSpec\n"),
    ("widgets/chat.py", "def f():\n    from lcoai_notebook import _wire\n"),
    ("emulator/_chat.py", "from .._sse import SSEDecoder\n"),
    ("emulator/_chat.py", "import lcoai_notebook._models\n"),
    ("_client.py", "from .widgets import ChatPanel\n"),
    ("api/chat.py", "from ..widgets.chat import ChatPanel\n"),
    ("_client.py", "def f():\n    from .relay import Relay\n"),
    ("relay/_app.py", "from ..emulator import Emulator\n"),
    ("relay/_app.py", "from ..widgets import ChatPanel\n"),
])
def test_the_check_catches_a_planted_import(where: str, source: str) -> None:
    assert violations(PACKAGE / where, source) != []


def test_allowed_imports_pass() -> None:
    assert violations(PACKAGE / "widgets/chat.py", "from .. import _catalog\n") == []
    assert violations(PACKAGE / "emulator/_app.py", "from .._catalog import known_models\n") == []
    assert violations(PACKAGE / "relay/_upstream.py", "from .._http import AsyncRequester\n") == []
    assert violations(PACKAGE / "cli.py", "from .relay import Relay\n") == []
