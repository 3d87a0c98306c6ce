"""Hermetic notebook runs: whatever the machine has set, nbval's kernels run offline.

nbval starts a notebook's kernel while setting up the notebook's first cell, and the kernel
inherits ``os.environ``. A real ``LCOAI_API_TOKEN`` there would make the notebooks run live
(spending money, and failing to match the committed outputs), so around the setup of every
notebook cell the environment is scrubbed of ``LCOAI_*``/``OPENAI_*`` and ``LCOAI_OFFLINE=1`` is
set; afterwards it is put back, so the rest of the test session sees the machine as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


def offline_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, str | None]:
    """Scrub ``environ`` for an offline kernel; returns what to restore (None: was unset)."""
    saved: dict[str, str | None] = {}
    for name in list(environ):
        if name.startswith(("LCOAI_", "OPENAI_")):
            saved[name] = environ.pop(name)
    saved.setdefault("LCOAI_OFFLINE", None)
    environ["LCOAI_OFFLINE"] = "1"
    return saved


def restore_environment(environ: dict[str, str] | os._Environ[str],
                        saved: dict[str, str | None]) -> None:
    environ.pop("LCOAI_OFFLINE", None)
    for name, value in saved.items():
        if value is not None:
            environ[name] = value


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    saved = offline_environment(os.environ)
    try:
        yield
    finally:
        restore_environment(os.environ, saved)
