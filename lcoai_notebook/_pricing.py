"""What a request cost, in USD, from the one model table's prices (stdlib only).

Prices come only from :func:`lcoai_notebook._catalog.model_info` (``price_per_1m``: USD per
million tokens, keys ``input``, ``cached_input``, ``output``; sources in the table). A model
without a known price, or usage that needs a price the table lacks, costs ``None``: an estimate
is never guessed.

Token-billed text (chat completions, the Responses API, and embeddings, which bill input tokens
only) is :func:`chat_cost`; fine-tuned models (``ft:<base>:...``) are priced from their base
snapshot's ``fine_tuned_price_per_1m``. Beside it, each priced unit has its own function:
:func:`image_cost` (per image by quality and size, plus input tokens where the table prices them),
:func:`transcription_cost` (per audio minute, or per text/audio token), :func:`speech_cost`
(per input character) and :func:`batch_cost` (the Batch API discount). :func:`price_note` says
why a model has no price. The prices were taken on :func:`prices_as_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _catalog

__all__ = ["batch_cost", "chat_cost", "image_cost", "price_note", "price_per_1m", "prices_as_of",
           "speech_cost", "transcription_cost"]

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
    base = _fine_tuned_base(model)
    if info is None and base is not None:
        prices = base.get("fine_tuned_price_per_1m")
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


def prices_as_of() -> str | None:
    """The date the table's prices were taken (ISO ``YYYY-MM-DD``), or None when not recorded."""
    return _table_field("prices_as_of")


def _table_field(name: str) -> Any:
    """A top-level field of ``data/models.json`` (read once, like the catalog)."""
    return _meta().get(name)


def _meta() -> dict[str, Any]:
    global _META
    if _META is None:
        import json
        from importlib import resources

        raw = resources.files("lcoai_notebook").joinpath("data/models.json").read_text("utf-8")
        _META = {k: v for k, v in json.loads(raw).items() if k != "models"}
    return _META


_META: dict[str, Any] | None = None


def _fine_tuned_base(model: str | None) -> dict[str, Any] | None:
    """The base snapshot's row of a fine-tuned model id ``ft:<base>:<org>:<suffix>:<id>``."""
    if not isinstance(model, str) or not model.startswith("ft:"):
        return None
    return _catalog.model_info(model.split(":")[1])


def price_note(model: str | None) -> str | None:
    """Why ``model`` has no price (the table's ``price_note``), "not in the model table" for an
    unknown id, or None when the table prices it."""
    info = _catalog.model_info(model)
    if info is None:
        if _fine_tuned_base(model) is not None and price_per_1m(model) is not None:
            return None
        return f"{model!r} is not in the model table, so its price is unknown"
    if "price" in info and info["price"] is None:
        return info.get("price_note") or "no known price"
    return None


def batch_cost(model: str | None, usage: Any) -> float | None:
    """The cost of ``usage`` run through the Batch API: the table's ``batch_input`` price for
    embeddings, else :func:`chat_cost` times the table's ``batch_discount`` (0.5).

    Examples
    --------
    >>> round(batch_cost("gpt-4.1-mini", {"prompt_tokens": 1000, "completion_tokens": 500}), 6)
    0.0006
    """
    info = _catalog.model_info(model) or {}
    if info.get("kind") == "embedding":
        rate = (info.get("price_per_1m") or {}).get("batch_input")
        if rate is None or usage is None:
            return None
        if _count(_field(usage, "completion_tokens"), "completion_tokens"):
            return None
        return _count(_field(usage, "prompt_tokens"), "prompt_tokens") * float(rate) / 1_000_000
    full = chat_cost(model, usage)
    discount = _table_field("batch_discount")
    if full is None or discount is None:
        return None
    return full * float(discount)


def image_cost(model: str | None, *, n: int, size: str | None, quality: str | None,
               usage: Any = None) -> float | None:
    """The cost of ``n`` generated images: the per-image price for ``quality`` and ``size``,
    plus, for models whose input tokens the table prices (gpt-image-1), the ``usage`` input
    tokens (text at ``text_input``, image at ``image_input``).

    Parameters
    ----------
    model : str
    n : int
        Images returned.
    size, quality : str or None
        As the response states them (GPT image models) or as requested; DALL·E's default
        quality is ``"standard"`` and size ``"1024x1024"``.
    usage : dict or Result, optional
        The response's ``usage`` (``input_tokens_details.text_tokens`` / ``image_tokens``).

    Returns
    -------
    float or None
        None when the model, its size/quality or an input-token price is not in the table
        (``"auto"`` sizes and qualities the response did not resolve are not guessed).

    Examples
    --------
    >>> image_cost("dall-e-3", n=2, size="1024x1792", quality="hd")
    0.24
    """
    info = _catalog.model_info(model) or {}
    table = info.get("price_per_image")
    if not isinstance(table, Mapping):
        return None
    quality = quality or ("standard" if "standard" in table else None)
    size = size or "1024x1024"
    per = (table.get(quality) or {}).get(size) if quality else None
    if per is None:
        return None
    total = n * float(per)
    tokens = info.get("price_per_1m")
    if isinstance(tokens, Mapping) and usage is not None:
        details = _field(usage, "input_tokens_details")
        text = _count(_field(details, "text_tokens"), "input_tokens_details.text_tokens")
        image = _count(_field(details, "image_tokens"), "input_tokens_details.image_tokens")
        if details is None:  # no split given: all input tokens are the prompt's text
            text = _count(_field(usage, "input_tokens"), "input_tokens")
        for count, key in ((text, "text_input"), (image, "image_input")):
            if count:
                if tokens.get(key) is None:
                    return None
                total += count * float(tokens[key]) / 1_000_000
    return total


def transcription_cost(model: str | None, *, seconds: float | None = None,
                       usage: Any = None) -> float | None:
    """The cost of one transcription or translation.

    ``whisper-1`` is billed per minute of audio (``seconds`` from the response's ``duration``,
    its ``usage.seconds``, or the uploaded file). The gpt-4o transcribe models are billed per
    token from ``usage`` (``input_token_details.audio_tokens`` / ``text_tokens``,
    ``output_tokens``); without token usage their cost is unknown (None).

    Examples
    --------
    >>> round(transcription_cost("whisper-1", seconds=90), 6)
    0.009
    """
    info = _catalog.model_info(model) or {}
    per_minute = info.get("price_per_minute")
    if per_minute is not None:
        if seconds is None:
            seconds = _field(usage, "seconds") if _field(usage, "type") == "duration" else None
        if seconds is None:
            return None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError(f"seconds must be a non-negative number; got {seconds!r}")
        return float(seconds) / 60.0 * float(per_minute)
    prices = info.get("price_per_1m")
    if not isinstance(prices, Mapping) or "audio_input" not in prices or usage is None:
        return None
    if _field(usage, "type") not in (None, "tokens"):
        return None
    details = _field(usage, "input_token_details")
    audio = _count(_field(details, "audio_tokens"), "input_token_details.audio_tokens")
    text = _count(_field(details, "text_tokens"), "input_token_details.text_tokens")
    if details is None:
        audio = _count(_field(usage, "input_tokens"), "input_tokens")  # all audio, no prompt
    output = _count(_field(usage, "output_tokens"), "output_tokens")
    total = 0.0
    for count, key in ((audio, "audio_input"), (text, "text_input"), (output, "output")):
        if count:
            if prices.get(key) is None:
                return None
            total += count * float(prices[key]) / 1_000_000
    return total


def speech_cost(model: str | None, text: str | None) -> float | None:
    """The cost of synthesising ``text``: per input character for ``tts-1``/``tts-1-hd``;
    None for token-billed speech models (a speech response reports no token counts).

    Examples
    --------
    >>> speech_cost("tts-1", "x" * 1000)
    0.015
    """
    info = _catalog.model_info(model) or {}
    rate = info.get("price_per_1m_characters")
    if rate is None or text is None:
        return None
    return len(text) * float(rate) / 1_000_000
