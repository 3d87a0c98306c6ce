"""What a request cost, in USD, from the one model table's prices (stdlib only).

Prices come only from :func:`lcoai_notebook._catalog.model_info` (``price_per_1m``: USD per
million tokens, keys ``input``, ``cached_input``, ``output``; sources in the table). A model
without a known price, or usage that needs a price the table lacks, costs ``None``: an estimate
is never guessed.

Today this covers token-billed text (chat completions, and embeddings, which bill input tokens
only). Images, audio and batch discounts belong here too when they are added, each as its own
``*_cost`` function beside :func:`chat_cost`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _catalog

__all__ = ["chat_cost", "price_per_1m"]

_PRICE_KEYS = ("input", "cached_input", "output")


def price_per_1m(model: str | None) -> dict[str, float | None] | None:
    """The token prices of ``model`` in USD per million tokens, or None when unknown.

    Parameters
    ----------
    model : str
        A model id, e.g. ``"gpt-4.1-mini"``.

    Returns
    -------
    dict or None
        ``{"input": float, "cached_input": float | None, "output": float | None}`` (a key is
        None when the table gives no price for it, e.g. embeddings have no output price);
        None when the model or its price is not in the table.

    Examples
    --------
    >>> price_per_1m("gpt-4.1-mini")
    {'input': 0.4, 'cached_input': 0.1, 'output': 1.6}
    """
    info = _catalog.model_info(model)
    prices = (info or {}).get("price_per_1m")
    if not isinstance(prices, Mapping) or prices.get("input") is None:
        return None
    return {key: None if prices.get(key) is None else float(prices[key]) for key in _PRICE_KEYS}


def _field(obj: Any, name: str) -> Any:
    """``obj[name]`` for mappings (dicts, Results), else ``obj.name``; None when absent."""
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _count(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"usage.{name} must be a non-negative number of tokens; got {value!r}")
    return int(value)


def chat_cost(model: str | None, usage: Any) -> float | None:
    """The USD cost of one request's token ``usage`` on ``model``, or None when not known.

    Input tokens not served from the prompt cache are billed at the ``input`` price, cached
    ones at ``cached_input``, output tokens at ``output``.

    Parameters
    ----------
    model : str
        The model that answered (the response's ``model`` or the one asked for).
    usage : dict or Result
        ``prompt_tokens``, ``completion_tokens`` and optionally
        ``prompt_tokens_details.cached_tokens`` (a chat completion's or an embeddings
        response's ``usage``); missing counts are 0.

    Returns
    -------
    float or None
        USD; None when the model has no known price, or when tokens need a price the table
        does not give (cached tokens on a model without a cached-input price).

    Raises
    ------
    ValueError
        A token count is negative or not a number, or more tokens are cached than were sent.

    Examples
    --------
    >>> round(chat_cost("gpt-4.1-mini", {"prompt_tokens": 1000, "completion_tokens": 500}), 6)
    0.0012
    """
    prices = price_per_1m(model)
    if prices is None or usage is None:
        return None
    prompt = _count(_field(usage, "prompt_tokens"), "prompt_tokens")
    completion = _count(_field(usage, "completion_tokens"), "completion_tokens")
    cached = _count(_field(_field(usage, "prompt_tokens_details"), "cached_tokens"),
                    "prompt_tokens_details.cached_tokens")
    if cached > prompt:
        raise ValueError(f"usage says {cached} cached tokens but only {prompt} prompt tokens")
    parts = ((prompt - cached, prices["input"]), (cached, prices["cached_input"]),
             (completion, prices["output"]))
    total = 0.0
    for tokens, price in parts:
        if not tokens:
            continue
        if price is None:
            return None  # tokens at a price nobody published: do not guess
        total += tokens * price
    return total / 1_000_000
