"""The README works as written: its Python blocks run offline, its set-up is two commands, and
every model it or a notebook names is current (none within 30 days of its shutdown date)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lcoai_notebook._catalog import known_models

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
RETIRING_WINDOW = dt.timedelta(days=30)


def _blocks(lang: str) -> list[str]:
    return [body for kind, body in BLOCK.findall(README) if kind == lang]


def test_set_up_is_exactly_two_commands() -> None:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [body.strip() for kind, body in BLOCK.findall(section) if kind == "bash"]
    assert commands == ['pip install -e ".[lab]" && lcoai-notebook lab',
                        'pip install -e ".[test]" && python -m pytest']
    assert "Python ≥ 3.10" in section or "Python 3.10" in section
    # The prerequisites fit on one line: Python, a clone, a virtual environment.
    [line] = [ln for ln in section.splitlines() if ln.startswith("Prerequisites:")]
    assert "3.10" in line and "clone" in line and "virtual environment" in line


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_block_runs_as_written(index: int, tmp_path: Path) -> None:
    source = _blocks("python")[index]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LCOAI_", "OPENAI_"))}
    env.update(LCOAI_OFFLINE="1", MPLBACKEND="Agg", LCOAI_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-c", source], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"README block {index} failed:\n{source}\n{proc.stderr[-3000:]}"


def retiring_models(text: str, today: dt.date) -> list[str]:
    """Known models named in ``text`` whose shutdown date is within 30 days of ``today`` (or
    past)."""
    found = []
    for model, row in known_models().items():
        end = row.get("shutdown_date")
        if not end or not re.search(rf"(?<![\w.-]){re.escape(model)}(?![\w.-])", text):
            continue
        if dt.date.fromisoformat(end) - today <= RETIRING_WINDOW:
            found.append(f"{model} (shutdown {end})")
    return found


def _notebook_sources() -> dict[str, str]:
    out = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text("utf-8"))["cells"]
        out[path.name] = "\n".join("".join(c["source"]) for c in cells)
    return out


def test_readme_and_notebooks_name_only_current_models() -> None:
    today = dt.date.today()
    problems = {"README.md": retiring_models(README, today)}
    problems.update({name: retiring_models(src, today)
                     for name, src in _notebook_sources().items()})
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_retiring_check_fails_on_a_planted_model() -> None:
    text = 'client.chat.completions.create(model="gpt-5-mini", ...)'
    assert retiring_models(text, dt.date(2026, 12, 1)) == ["gpt-5-mini (shutdown 2026-12-11)"]
    assert retiring_models(text, dt.date(2026, 10, 1)) == []  # 71 days ahead: fine then
    assert retiring_models('model="gpt-5.4-mini"', dt.date(2026, 12, 1)) == []


def test_binder_badge_opens_the_quickstart_in_jupyterlab() -> None:
    badge = re.search(r"\(https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/HEAD\?labpath="
                      r"notebooks%2F01-quickstart\.ipynb\)", README)
    assert badge, "no Binder badge opening notebooks/01-quickstart.ipynb"
    repo = re.search(r'Repository = "https://github\.com/([\w.-]+/[\w.-]+)"',
                     (ROOT / "pyproject.toml").read_text())
    assert repo and repo.group(1) == badge.group(1)
