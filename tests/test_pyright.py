"""pyright (basic mode, pyrightconfig.json) on the whole package and on typical user code.

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
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every module of the package (a wrong type in a private one is a bug behind a public call; the
# emulator and the widgets included) and the user code: every diagnostic in them is a bug.
CHECKED = ["lcoai_notebook", "tests/typing/user_code.py"]


def _checked_files() -> list[Path]:
    return [*(ROOT / "lcoai_notebook").rglob("*.py"), ROOT / "tests" / "typing" / "user_code.py"]


def _pyright() -> list[str]:
    exe = shutil.which("pyright")
    if exe is None:
        _unavailable("pyright is not installed (pip install pyright, in the test extra)")
    probe = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=600)
    if probe.returncode != 0:
        _unavailable(f"pyright cannot run here: {probe.stderr.strip()[:300]}")
    return [exe]


def _unavailable(reason: str) -> NoReturn:
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
    # A run that silently checked less (a bad path, a config that excludes the package) fails.
    assert report["summary"]["filesAnalyzed"] >= len(_checked_files())
    assert errors == [], "\n".join(errors)
