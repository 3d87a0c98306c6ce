"""Record the tqdm bars the package creates (through ``tqdm.auto``), as a terminal or a notebook
would show them, so tests can check what a user sees and that every bar is closed."""

from __future__ import annotations

from typing import Any


def record_bars(monkeypatch: Any, *, notebook: bool = False) -> list[Any]:
    """Make ``tqdm.auto.tqdm`` a recording subclass (of the notebook widget bar when
    ``notebook``); returns the list the bars are appended to. A closed bar has ``disable``."""
    import tqdm.auto

    if notebook:
        from tqdm.notebook import tqdm as base
    else:
        from tqdm.std import tqdm as base

    bars: list[Any] = []

    class Recording(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recording)
    return bars
