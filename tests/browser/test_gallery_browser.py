"""The image gallery in a real JupyterLab page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _common import contrast, open_notebook
from _lab import Server

pytestmark = pytest.mark.browser


def test_generate_shows_images_in_the_grid_and_enlarges_one(page: Any, lab: Server,
                                                            shots: Path) -> None:
    open_notebook(page, lab, "gallery.ipynb", [
        "import lcoai_notebook as lco\ngallery = lco.ImageGallery()\ngallery"])
    page.get_by_placeholder("Describe the image…").fill("a lighthouse at dusk <b>bold</b>")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_function("() => [...document.querySelectorAll('.lco-card img')]"
                           ".some(i => i.complete && i.naturalWidth > 0)", timeout=60_000)
    cards = page.locator(".lco-card")
    assert cards.count() >= 1
    assert "a lighthouse at dusk <b>bold</b>" in cards.first.inner_text()  # escaped, visible
    assert page.locator(".lco-card b").count() == 0
    page.get_by_role("button", name="Enlarge #1").click()
    page.wait_for_function("() => [...document.querySelectorAll('.widget-image')]"
                           ".some(i => i.naturalWidth > 0 && i.offsetParent !== null)",
                           timeout=15_000)
    page.locator(".lco-panel").first.screenshot(path=str(shots / "gallery-light.png"))
    assert page.errors.real() == []


def test_gallery_dark_theme(page: Any, dark_lab: Server, shots: Path) -> None:
    open_notebook(page, dark_lab, "gallery-dark.ipynb", [
        "import lcoai_notebook as lco\ngallery = lco.ImageGallery()\n"
        "gallery.generate('a fox in the snow')\ngallery"])
    page.wait_for_selector(".lco-card img", timeout=30_000)
    assert contrast(page, ".lco-card .lco-muted") >= 4.5
    page.locator(".lco-panel").first.screenshot(path=str(shots / "gallery-dark.png"))
    assert page.errors.real() == []
