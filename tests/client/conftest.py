"""Fixtures for the client tests (helpers live in _client_helpers.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _client_helpers import Harness  # noqa: E402


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def harness(mode: str):
    """``harness(handler, **client_kwargs) -> Harness`` in both modes; closed after the test."""
    made: list[Harness] = []

    def make(handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Harness:
        h = Harness(mode, handler, **kwargs)
        made.append(h)
        return h

    yield make
    for h in made:
        h.close()
