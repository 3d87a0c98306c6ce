"""The README works as written: its Python blocks run offline, its set-up is two commands, and
every model it or a notebook names is current: none past its shutdown date, none within 30 days of
it once the model table lists a successor to switch to."""

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


def _successor_ready(model: str, row: dict, table: dict) -> bool:
    """Whether the table names a replacement the README and notebooks could switch to: one
    exists, it is priced when ``model`` is (the budget, meter and relay examples need a price),
    and it is fine-tunable when ``model`` is (the fine-tuning notebook needs a base)."""
    successor = table.get(row.get("replacement") or "")
    if successor is None:
        return False
    if row.get("fine_tunable") and not successor.get("fine_tunable"):
        return False
    return not _priced(row) or _priced(successor)


def _priced(row: dict) -> bool:
    return bool(row.get("price_per_1m") or row.get("price_per_image")
                or row.get("price_per_minute") or row.get("price_per_1m_characters"))


def retiring_models(text: str, today: dt.date, table: dict | None = None) -> list[str]:
    """Known models named in ``text`` that are past their shutdown date, or within 30 days of it
    with a successor ready to take their place. A model whose successor the table does not list
    (or lists without a price, or not fine-tunable, where the example needs one) cannot be
    replaced until the table is updated: it is flagged from its shutdown date."""
    table = known_models() if table is None else table
    found = []
    for model, row in table.items():
        end = row.get("shutdown_date")
        if not end or not re.search(rf"(?<![\w.-]){re.escape(model)}(?![\w.-])", text):
            continue
        left = dt.date.fromisoformat(end) - today
        if left <= dt.timedelta(0) or (left <= RETIRING_WINDOW
                                       and _successor_ready(model, row, table)):
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
    # A table where gpt-5-mini's successor is priced, as the real one will be once updated.
    table = {k: dict(v) for k, v in known_models().items()}
    table["gpt-5.4-mini"]["price_per_1m"] = {"input": 1.0, "output": 2.0}
    text = 'client.chat.completions.create(model="gpt-5-mini", ...)'
    assert retiring_models(text, dt.date(2026, 12, 1), table) == [
        "gpt-5-mini (shutdown 2026-12-11)"]
    assert retiring_models(text, dt.date(2026, 10, 1), table) == []  # 71 days ahead: fine then
    assert retiring_models('model="gpt-5.4-mini"', dt.date(2026, 12, 1), table) == []
    # With the real table the successor has no price yet: flagged once it retires.
    assert retiring_models(text, dt.date(2026, 12, 1)) == []
    assert retiring_models(text, dt.date(2026, 12, 11)) == ["gpt-5-mini (shutdown 2026-12-11)"]
    # No successor at all (every speech model retires together): flagged when it retires.
    assert retiring_models('model="gpt-4o-mini-tts"', dt.date(2026, 12, 20)) == []
    assert retiring_models('model="gpt-4o-mini-tts"', dt.date(2027, 1, 6)) == [
        "gpt-4o-mini-tts (shutdown 2027-01-06)"]
    # A model already past its date is flagged whatever the table says of its successor.
    assert retiring_models('model="dall-e-2"', dt.date(2026, 12, 1)) == [
        "dall-e-2 (shutdown 2026-05-12)"]


def test_binder_badge_opens_the_quickstart_in_jupyterlab() -> None:
    badge = re.search(r"\(https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/HEAD\?labpath="
                      r"notebooks%2F01-quickstart\.ipynb\)", README)
    assert badge, "no Binder badge opening notebooks/01-quickstart.ipynb"
    repo = re.search(r'Repository = "https://github\.com/([\w.-]+/[\w.-]+)"',
                     (ROOT / "pyproject.toml").read_text())
    assert repo and repo.group(1) == badge.group(1)
