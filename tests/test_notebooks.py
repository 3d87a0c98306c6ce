"""The example notebooks: no token in any output, no saved widget state, one story each.

(Their outputs are compared cell by cell by nbval in the same test run.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
TOKEN_LIKE = re.compile(r"\bat_[A-Za-z0-9_]{6,}|api_token=|\bsk-[A-Za-z0-9-]{6,}|Bearer\s+\S+")


def test_there_are_example_notebooks() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert len(names) >= 4
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", n) for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path: Path) -> None:
    nb = json.loads(path.read_text())
    # Saved widget state stops GitHub from rendering a notebook.
    assert "widgets" not in nb["metadata"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "lco.connect()" in "".join(code[0]["source"])
    for cell in code:
        source = "".join(cell["source"])
        assert "LCOAI_API_TOKEN" not in source and "environ" not in source  # reads no token
        for out in cell.get("outputs", []):
            text = json.dumps(out)
            assert not TOKEN_LIKE.search(text), (path.name, TOKEN_LIKE.search(text).group())
        assert not any(o.get("output_type") == "error" for o in cell.get("outputs", []))
    # Prose between the code: each notebook tells its story in Markdown too.
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= len(code) // 2
