"""The one table of known models, their limits and prices (``data/models.json``).

Rules tied to a model (dall-e-3 takes ``n=1``) apply only to models listed here; an unknown model
id is always passed through, because the lineup changes every few months.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["assumed_prices", "known_models", "model_info", "models_of_kind", "usable_models"]


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, Any]]:
    raw = resources.files("lcoai_notebook").joinpath("data/models.json").read_text("utf-8")
    return {m["id"]: m for m in json.loads(raw)["models"]}


def known_models() -> dict[str, dict[str, Any]]:
    """Every known model by id (a shared table: do not mutate)."""
    return _table()


#: Prices a caller assumes for models the table does not price (the workshop relay's host sets
#: them): read in this context only, so one thread's assumption never reaches another's.
_ASSUMED: ContextVar[Mapping[str, Mapping[str, Any]] | None] = ContextVar(
    "lcoai_assumed_prices", default=None)


def model_info(model: str | None) -> dict[str, Any] | None:
    """The table row for ``model``, or None when the model is unknown (with any price assumed
    in this context laid over it)."""
    if not model:
        return None
    row = _table().get(model)
    assumed = _ASSUMED.get()
    if assumed is not None and model in assumed:
        merged = {"id": model, "kind": "chat", **(row or {}), **assumed[model]}
        merged.pop("price", None)  # the table's "no price" marker no longer holds
        merged.pop("price_note", None)
        return merged
    return row


@contextmanager
def assumed_prices(rows: Mapping[str, Mapping[str, Any]] | None) -> Iterator[None]:
    """Within the block, treat ``rows`` (model id → table fields such as ``price_per_1m`` and
    ``max_output_tokens``) as part of the table, laid over a model's own row. Meant for models
    the table does not price (the relay refuses an assumption for a priced one)."""
    token = _ASSUMED.set(rows or None)
    try:
        yield
    finally:
        _ASSUMED.reset(token)


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
