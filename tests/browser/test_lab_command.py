"""The README's main command: ``lcoai-notebook lab`` serves the example notebooks, and
01-quickstart runs to the end in the browser with no error output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from _lab import Server, run_all, wait_idle

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_lcoai_notebook_lab_runs_the_quickstart(page: Any, browser: Any,
                                                tmp_path_factory: pytest.TempPathFactory,
                                                shots: Path) -> None:
    quickstart = NOTEBOOKS / "01-quickstart.ipynb"
    before = quickstart.read_bytes()
    cells = sum(c["cell_type"] == "code" for c in json.loads(before)["cells"])
    server = Server(NOTEBOOKS, command=[sys.executable, "-m", "lcoai_notebook.cli", "lab"],
                    settings_parent=tmp_path_factory.mktemp("labcmd"))
    try:
        with open(server.log_path, encoding="utf-8", errors="replace") as log:
            assert "offline" in log.read()  # the command said it runs against the emulator
        page.goto(f"{server.url}/lab/tree/01-quickstart.ipynb?reset")
        run_all(page)
        wait_idle(page, cells, timeout=120_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type="
                              "'application/vnd.jupyter.stderr']")
        texts = [errors.nth(i).inner_text() for i in range(errors.count())]
        assert not any("Traceback" in t or "Error" in t for t in texts), texts
        assert page.locator(".jp-OutputArea-output").count() >= cells // 2
        page.screenshot(path=str(shots / "quickstart-lab.png"), full_page=True)
        assert page.errors.real() == []
        page.goto("about:blank")
    finally:
        server.stop()
    assert quickstart.read_bytes() == before  # the test ran it; it did not rewrite it
