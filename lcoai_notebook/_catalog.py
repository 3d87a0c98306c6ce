"""The one table of known models, their limits and prices (``data/models.json``).

Rules tied to a model (dall-e-3 takes ``n=1``) apply only to models listed here; an unknown model
id is always passed through, because the lineup changes every few months.
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["known_models", "model_info", "models_of_kind", "usable_models"]


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, Any]]:
    raw = resources.files("lcoai_notebook").joinpath("data/models.json").read_text("utf-8")
    return {m["id"]: m for m in json.loads(raw)["models"]}


def known_models() -> dict[str, dict[str, Any]]:
    """Every known model by id (a shared table: do not mutate)."""
    return _table()


def model_info(model: str | None) -> dict[str, Any] | None:
    """The table row for ``model``, or None when the model is unknown."""
    if not model:
        return None
    return _table().get(model)


def models_of_kind(kind: str) -> list[str]:
    """Ids of the known models of one kind (``chat``, ``embedding``, ``image`` ...)."""
    return [m["id"] for m in _table().values() if m["kind"] == kind]


def usable_models(kind: str, today: _dt.date) -> list[str]:
    """Ids of the known models of one kind that have not reached their shutdown date on
    ``today`` (nor are marked shut down)."""
    keep = []
    for model in models_of_kind(kind):
        info = _table()[model]
        end = info.get("shutdown_date")
        if info.get("status") == "shut_down" or (end and _dt.date.fromisoformat(end) <= today):
            continue
        keep.append(model)
    return keep
