"""The example notebooks: exactly the eight of the workshop, no token in any output, no saved
widget state, no error output, one story each.

(Their outputs are compared cell by cell by nbval in the same test run.) Each check is a function
returning the problems it finds, so the planted cases below can show that it fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "01-quickstart.ipynb",
    "02-chat-panel.ipynb",
    "03-embeddings-and-similarity.ipynb",
    "04-images.ipynb",
    "05-audio.ipynb",
    "06-moderation.ipynb",
    "07-files-fine-tuning-batch.ipynb",
    "08-for-workshop-hosts.ipynb",
]
TOKEN_LIKE = re.compile(r"\bat_[A-Za-z0-9_]{6,}|api_token=[^<\s'\"]|\bsk-[A-Za-z0-9-]{6,}"
                        r"|Bearer\s+[A-Za-z0-9._-]{6,}")


def _code_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def token_leaks(nb: dict[str, Any]) -> list[str]:
    """Token-like strings in any output, and code that reads a token itself."""
    found = []
    for cell in _code_cells(nb):
        source = _source(cell)
        if "LCOAI_API_TOKEN" in source or "environ" in source:
            found.append(f"cell reads the environment: {source[:60]!r}")
        for out in cell.get("outputs", []):
            found += [f"token-like output: {m.group()[:12]}..."
                      for m in TOKEN_LIKE.finditer(json.dumps(out))]
    return found


def saved_widget_state(nb: dict[str, Any]) -> bool:
    """Saved widget state in the metadata stops GitHub from rendering a notebook."""
    return "widgets" in nb.get("metadata", {})


def error_outputs(nb: dict[str, Any]) -> list[str]:
    """Error outputs (a traceback committed as if it were the lesson)."""
    return [f"{out.get('ename')}: {out.get('evalue')}" for cell in _code_cells(nb)
            for out in cell.get("outputs", []) if out.get("output_type") == "error"]


def test_the_workshop_notebooks_are_exactly_the_eight() -> None:
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path: Path) -> None:
    nb = json.loads(path.read_text("utf-8"))
    assert token_leaks(nb) == []
    assert not saved_widget_state(nb)
    assert error_outputs(nb) == []
    code = _code_cells(nb)
    assert "client = lco.connect()" in _source(code[0])
    # Executed and committed with outputs (nbval compares against them), no timing metadata.
    assert all(c.get("execution_count") for c in code)
    assert not any("execution" in c["metadata"] for c in code)
    # nbval-ignore-output only with the reason written in the cell.
    for cell in code:
        if "nbval-ignore-output" in cell["metadata"].get("tags", []):
            # (a cell magic keeps its first line, so its reason is in the cell's metadata)
            reason = cell["metadata"].get("nbval-ignore-output-reason", "")
            assert re.match(r"# nbval-ignore-output: \S.{10,}", _source(cell)) or \
                len(reason) > 10, _source(cell)
    # Prose between the code: each notebook tells its story in Markdown too.
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= len(code) // 2


def test_every_notebook_starts_offline_with_the_one_notice() -> None:
    # The committed first output is the calm stdout notice (not a stderr box), and only there.
    from lcoai_notebook._connect import OFFLINE_NOTICE

    for path in NOTEBOOKS:
        nb = json.loads(path.read_text("utf-8"))
        streams = [(i, o) for i, c in enumerate(_code_cells(nb)) for o in c.get("outputs", [])
                   if o.get("output_type") == "stream"]
        notices = [(i, o["name"]) for i, o in streams if OFFLINE_NOTICE in "".join(o["text"])]
        assert notices == [(0, "stdout")], path.name


def test_notebook_runs_are_hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """notebooks/conftest.py gives nbval's kernels no token and forces offline mode, whatever the
    machine has set, and puts the environment back for the rest of the session."""
    import os
    import runpy

    planted = {"LCOAI_API_TOKEN": "at_machine_token_123", "LCOAI_BASE_URL": "http://127.0.0.1:9",
               "LCOAI_FLAVOR": "openai", "OPENAI_API_KEY": "sk-machine-key-123",
               "LCOAI_OFFLINE": "0"}
    for key, value in planted.items():
        monkeypatch.setenv(key, value)  # recorded, so the test leaves os.environ as it found it
    conftest = runpy.run_path(str(ROOT / "notebooks" / "conftest.py"))
    saved = conftest["offline_environment"](os.environ)
    assert {k: v for k, v in os.environ.items() if k.startswith(("LCOAI_", "OPENAI_"))} == {
        "LCOAI_OFFLINE": "1"}
    conftest["restore_environment"](os.environ, saved)
    assert {k: v for k, v in os.environ.items() if k.startswith(("LCOAI_", "OPENAI_"))} == planted
    # And an environment with nothing set comes back with nothing set.
    bare: dict[str, str] = {}
    saved = conftest["offline_environment"](bare)
    assert bare == {"LCOAI_OFFLINE": "1"}
    conftest["restore_environment"](bare, saved)
    assert bare == {}


# -- planted cases: each check fails when it should ---------------------------------------------
def _planted(outputs: list[dict[str, Any]], source: str = "client = lco.connect()",
             metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"metadata": metadata or {}, "cells": [
        {"cell_type": "code", "source": source, "metadata": {}, "outputs": outputs}]}


def test_the_token_scan_finds_a_planted_token() -> None:
    leak = _planted([{"output_type": "stream", "name": "stdout",
                      "text": "GET https://api.lowcodeapi.com/openai/v1/models?api_token="
                              "at_live1234567890\n"}])
    assert token_leaks(leak)
    bare = _planted([{"output_type": "stream", "name": "stdout",
                      "text": "your token is at_live1234567890\n"}])
    assert token_leaks(bare) == ["token-like output: at_live12345..."]
    bearer = _planted([{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                        "data": {"text/plain": "Authorization: Bearer sk-proj-abcdef123456"}}])
    assert token_leaks(bearer)
    reads = _planted([], source="import os\ntoken = os.environ['LCOAI_API_TOKEN']")
    assert token_leaks(reads)
    # The notice's placeholder and a redacted repr are not tokens.
    clean = _planted([{"output_type": "stream", "name": "stdout",
                       "text": "set LCOAI_API_TOKEN=at_... before starting Jupyter\n"
                               "Client(api_token=<set>)\n"}])
    assert token_leaks(clean) == []


def test_the_widget_check_finds_planted_widget_state() -> None:
    state = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    assert saved_widget_state(_planted([], metadata={"widgets": state}))
    assert not saved_widget_state(_planted([], metadata={"kernelspec": {"name": "python3"}}))


def test_the_error_check_finds_a_planted_error_output() -> None:
    error = {"output_type": "error", "ename": "NotFoundError", "evalue": "no such model",
             "traceback": []}
    assert error_outputs(_planted([error])) == ["NotFoundError: no such model"]
    caught = {"output_type": "stream", "name": "stdout", "text": "NotFoundError 404\n"}
    assert error_outputs(_planted([caught])) == []  # a caught error, printed, is the lesson
