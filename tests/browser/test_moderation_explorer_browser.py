"""The moderation checker and the embedding explorer in a real JupyterLab page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _common import contrast, open_notebook
from _lab import Server

pytestmark = pytest.mark.browser

COMMENTS = ["I love this community garden.", "I am going to kill you.",
            "Let's shoot some hoops after work."]
TEXTS = ["A kitten naps on the sofa.", "Dogs love long walks in the park.",
         "The central bank raised interest rates.", "Bond yields fell after the report.",
         "A recipe for tomato soup with basil."]


def test_check_texts_and_see_the_flagged_row_highlighted(page: Any, lab: Server,
                                                         shots: Path) -> None:
    open_notebook(page, lab, "moderation.ipynb", [
        "import lcoai_notebook as lco\nchecker = lco.ModerationChecker()\nchecker"])
    page.get_by_placeholder("One text per line", exact=False).fill("\n".join(COMMENTS))
    page.locator(".lco-panel").get_by_role("button", name="Check").click()
    page.wait_for_selector(".lco-panel .lco-table tr.lco-flagged", timeout=30_000)
    flagged = page.locator(".lco-panel .lco-table tr.lco-flagged")
    assert flagged.count() == 1 and "kill you" in flagged.first.inner_text()
    rows = page.locator(".lco-panel .lco-table tbody tr")
    assert rows.count() == 3
    normal = rows.filter(has_text="community garden").first
    # Highlighted: the flagged row looks different from the others.
    style = "el => getComputedStyle(el.querySelector('td')).backgroundColor"
    assert flagged.first.evaluate(style) != normal.evaluate(style)
    page.wait_for_function("() => [...document.querySelectorAll('.lco-panel img')]"
                           ".some(i => i.naturalWidth > 0)", timeout=15_000)  # the bar chart
    page.locator(".lco-panel").first.screenshot(path=str(shots / "moderation-light.png"))
    assert page.errors.real() == []


def test_add_texts_query_and_see_ranked_rows_and_plots(page: Any, lab: Server,
                                                       shots: Path) -> None:
    open_notebook(page, lab, "explorer.ipynb", [
        "import lcoai_notebook as lco\nexplorer = lco.EmbeddingExplorer()\nexplorer"])
    page.get_by_placeholder("One text per line", exact=False).fill("\n".join(TEXTS))
    page.locator(".lco-panel").get_by_role("button", name="Add").click()
    page.wait_for_function("() => [...document.querySelectorAll('.lco-panel img')]"
                           ".filter(i => i.naturalWidth > 0).length >= 2", timeout=30_000)
    box = page.get_by_placeholder("A query, then Enter", exact=False)
    box.fill("a cat sleeping at home")
    box.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.lco-panel .lco-table tbody tr')"
                           ".length >= 5", timeout=30_000)
    first = page.locator(".lco-panel .lco-table tbody tr").first.inner_text()
    assert "kitten" in first.lower()  # the nearest text ranks first
    page.locator(".lco-panel").first.screenshot(path=str(shots / "explorer-light.png"))
    assert page.errors.real() == []


def test_moderation_and_explorer_dark_theme(page: Any, dark_lab: Server, shots: Path) -> None:
    open_notebook(page, dark_lab, "dark-panels.ipynb", [
        "import lcoai_notebook as lco\nchecker = lco.ModerationChecker()\n"
        f"checker.check({COMMENTS!r})\nchecker",
        "explorer = lco.EmbeddingExplorer()\n"
        f"explorer.add_texts({TEXTS!r})\nexplorer.query('money and markets')\nexplorer"])
    page.wait_for_selector(".lco-table tr.lco-flagged", timeout=30_000)
    for selector in (".lco-table tr.lco-flagged td", ".lco-table tbody tr:not(.lco-flagged) td"):
        assert contrast(page, selector) >= 4.5, selector
    panels = page.locator(".lco-panel")
    panels.nth(0).screenshot(path=str(shots / "moderation-dark.png"))
    panels.nth(1).screenshot(path=str(shots / "explorer-dark.png"))
    assert page.errors.real() == []
