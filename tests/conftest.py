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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The browser suite runs last: it is the slowest, and a failure there says least about
    # the code the quicker tests cover.
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))
