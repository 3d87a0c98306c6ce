"""Models that are about to retire, or have: a warning before, a clear 404 after (stdlib only).

The model table (``data/models.json``) carries each retiring model's ``shutdown_date`` and the
``replacement`` OpenAI points to (None when no successor is named; ``replacement_note`` says why).
Using a model within :data:`WINDOW_DAYS` days before its shutdown warns once per process per
model with :class:`ModelRetiringWarning`; a 404 for a model past its date says it was retired and
what replaces it (:func:`explain_not_found`).

"Today" is :func:`today`, a module-level function so tests (and anyone replaying a course on a
fixed date) can pin it with ``monkeypatch.setattr(_retiring, "today", ...)``: the warning must
depend on the injected date, never silently on the machine's clock.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import threading
import warnings
from typing import Any

from . import _catalog

__all__ = ["WINDOW_DAYS", "ModelRetiringWarning", "check_model", "explain_not_found",
           "retirement", "today"]

#: How many days before its shutdown date a model starts to warn.
WINDOW_DAYS = 30

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_warned: set[str] = set()
_lock = threading.Lock()


class ModelRetiringWarning(UserWarning):
    """A model used within 30 days of its shutdown date; the message names the date and the
    suggested replacement. Shown once per process per model."""


ModelRetiringWarning.__module__ = "lcoai_notebook"


def today() -> _dt.date:
    """Today's date (UTC) for retirement checks; tests replace this function."""
    return _dt.datetime.now(_dt.timezone.utc).date()


def retirement(model: str | None) -> tuple[_dt.date, str | None, str | None] | None:
    """``(shutdown_date, replacement, replacement_note)`` for a model the table retires, else
    None (unknown models and models without a shutdown date)."""
    info = _catalog.model_info(model) or {}
    raw = info.get("shutdown_date")
    if not raw:
        return None
    return _dt.date.fromisoformat(raw), info.get("replacement"), info.get("replacement_note")


def _instead(replacement: str | None, note: str | None) -> str:
    if replacement:
        return f"use {replacement!r} instead"
    return "no replacement is named" + (f" ({note})" if note else "")


def _stacklevel() -> int:
    """The stack level of the first caller outside this package, so the warning points at the
    user's line (a notebook cell), not at the requester."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            _PACKAGE_DIR + os.sep):
        frame = frame.f_back
        level += 1
    return level


def check_model(model: Any) -> None:
    """Warn (once per process for each model) when ``model`` shuts down within
    :data:`WINDOW_DAYS` days of :func:`today` (the shutdown day itself included)."""
    if not isinstance(model, str):
        return
    info = retirement(model)
    if info is None:
        return
    shutdown, replacement, note = info
    days = (shutdown - today()).days
    if not 0 <= days <= WINDOW_DAYS:
        return
    with _lock:
        if model in _warned:
            return
        _warned.add(model)
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    warnings.warn(
        f"{model!r} retires on {shutdown.isoformat()} ({when}): {_instead(replacement, note)}.",
        ModelRetiringWarning,
        stacklevel=_stacklevel(),
    )


def retired_message(model: Any) -> str | None:
    """"'<model>' was retired on <date>; use '<replacement>' instead." for a model past its
    shutdown date on :func:`today`, else None."""
    if not isinstance(model, str):
        return None
    info = retirement(model)
    if info is None or info[0] > today():
        return None
    shutdown, replacement, note = info
    return f"{model!r} was retired on {shutdown.isoformat()}; {_instead(replacement, note)}."


def explain_not_found(error: Any, model: Any) -> Any:
    """``error`` (a NotFoundError) with the retirement explained in its message when ``model``
    is past its shutdown date; returned unchanged otherwise. The service's own message is kept
    after the explanation."""
    text = retired_message(model)
    if text is None or text in error.message:
        return error
    error.message = f"{text} (The service said: {error.message})"
    error.args = (error.message,)
    return error
