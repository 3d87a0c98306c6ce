"""pyright (basic mode, pyrightconfig.json) on typical user code and the typed client surface.

``tests/typing/user_code.py`` holds the README's blocks and the notebooks' usual calls with
``assert_type`` pins, so losing a return annotation fails here. Skipped with the reason when
pyright cannot run (it fetches its node package on first use); under ``CI=true`` that fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The files whose types users meet: every diagnostic in them is a bug.
CHECKED = [
    "tests/typing/user_code.py",
    "lcoai_notebook/api",
    "lcoai_notebook/_models.py",
    "lcoai_notebook/_types.py",
    "lcoai_notebook/_client.py",
    "lcoai_notebook/_pagination.py",
]


def _pyright() -> list[str]:
    exe = shutil.which("pyright")
    if exe is None:
        _unavailable("pyright is not installed (pip install pyright, in the test extra)")
    probe = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=600)
    if probe.returncode != 0:
        _unavailable(f"pyright cannot run here: {probe.stderr.strip()[:300]}")
    return [exe]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.mark.timeout(900)
def test_pyright_reports_no_errors():
    cmd = _pyright() + ["--outputjson", "-p", str(ROOT / "pyrightconfig.json"), *CHECKED]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    report = json.loads(run.stdout)
    errors = [f"{Path(d['file']).relative_to(ROOT)}:{d['range']['start']['line'] + 1}: "
              f"{d['message'].splitlines()[0]}"
              for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert report["summary"]["filesAnalyzed"] >= len(CHECKED)
    assert errors == [], "\n".join(errors)
