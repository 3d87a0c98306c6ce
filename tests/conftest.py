"""Hermetic tests: no LCOAI_*/OPENAI_* variables leak in from the machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("LCOAI_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # Retirement warnings depend on the date (lcoai_notebook._retiring.today), and the suite uses
    # models that retire soon (gpt-5 family 2026-12-11, tts 2027-01-06, gpt-4.1/4o 2027-01-14,
    # whisper 2027-02-26). With warnings as errors the real clock would start failing tests the
    # day one of them entered its 30-day window, so every test runs on 2026-11-01 (outside all
    # windows) with no model warned yet; tests of the warning inject their own dates.
    import datetime

    from lcoai_notebook import _retiring

    monkeypatch.setattr(_retiring, "today", lambda: datetime.date(2026, 11, 1))
    monkeypatch.setattr(_retiring, "_warned", set())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The browser suite runs last: it is the slowest, and a failure there says least about
    # the code the quicker tests cover.
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))
