"""The spend ledger and the budget guard: what each request cost, and what the next one could.

Every client keeps one :class:`Spend` (``client.spend``), shared by its ``with_options`` clones.
The requester calls :meth:`Spend.admit` before a billable request is sent (the budget guard,
with no I/O) and :meth:`Spend.settle` with the parsed result, or when a stream ends; costs come
only from each response's ``usage`` (or the audio's duration, the images returned, the input
characters) and the model table's prices (:mod:`lcoai_notebook._pricing`). A cost that cannot be
known (a model without a price, a stream that carried no usage) is recorded as unknown, never
estimated.

Worst-case estimates for the budget guard (documented, deliberately simple and generous):

- prompt tokens: ``ceil(characters / 4)`` of every text field, plus 4 tokens per chat message and
  3 for the reply's priming; an image part of a message counts :data:`IMAGE_PART_TOKENS`; a list
  of token ids counts its length;
- output tokens: the request's ``max_completion_tokens`` / ``max_tokens`` /
  ``max_output_tokens``, else the model's ``max_output_tokens`` from the table, times ``n``;
  no cached-input discount is assumed;
- images: ``n`` times the per-image price of the requested quality and size (``auto`` counts as
  the dearest option);
- whisper audio: the WAV header's duration, else 1 second per 1,000 bytes (8 kbit/s, below any
  usual speech encoding, so longer than the real audio);
- speech: the input characters at the per-character price.
"""

from __future__ import annotations

import json
import math
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import _catalog, _pricing
from ._exceptions import BudgetExceededError

__all__ = ["IMAGE_PART_TOKENS", "Entry", "Estimate", "Spend", "estimate", "measure"]

#: Worst-case tokens counted for one image part in a chat message (a high-detail 2048 px image is
#: about 1,100 tokens on the gpt-4o family; low detail is 85).
IMAGE_PART_TOKENS = 1500

_KINDS = {
    "/chat/completions": "chat",
    "/completions": "completion",
    "/responses": "responses",
    "/embeddings": "embedding",
    "/images/generations": "image",
    "/images/edits": "image",
    "/images/variations": "image",
    "/audio/transcriptions": "transcription",
    "/audio/translations": "transcription",
    "/audio/speech": "speech",
    "/moderations": "moderation",
}


def kind_of(spec: Any) -> str | None:
    """The billable kind of a request spec (``"chat"``, ``"image"`` ...), or None for calls that
    cost nothing by themselves (listing, files, jobs)."""
    if str(getattr(spec, "method", "")).upper() != "POST":
        return None
    return _KINDS.get(getattr(spec, "path", ""))


def _fields(spec: Any) -> dict[str, Any]:
    """The request's parameters: its JSON body, or its multipart text fields."""
    if isinstance(spec.json, Mapping):
        return dict(spec.json)
    return dict(spec.data or {})


@dataclass(frozen=True)
class Entry:
    """One billable request in the ledger (tokens are None when the response gave no usage)."""

    model: str
    kind: str
    input_tokens: int | None
    cached_tokens: int | None
    output_tokens: int | None
    usd: float | None


@dataclass(frozen=True)
class Estimate:
    """A request's worst case before it is sent (None where it cannot be bounded)."""

    model: str
    kind: str
    usd: float | None
    tokens: int | None
    why_unknown: str | None = None


# -- reading what a response used ------------------------------------------------------------------
def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    try:
        return obj[name]
    except (KeyError, TypeError, IndexError):
        return getattr(obj, name, None)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _chat_usage(usage: Any) -> dict[str, Any] | None:
    """Chat-style usage (``prompt_tokens`` ...) from chat, completions, embeddings or Responses
    API usage (``input_tokens`` ...)."""
    if usage is None:
        return None
    prompt = _get(usage, "prompt_tokens")
    if prompt is None:
        prompt = _get(usage, "input_tokens")
    completion = _get(usage, "completion_tokens")
    if completion is None:
        completion = _get(usage, "output_tokens")
    details = _get(usage, "prompt_tokens_details") or _get(usage, "input_tokens_details")
    return {"prompt_tokens": _int(prompt) or 0, "completion_tokens": _int(completion) or 0,
            "prompt_tokens_details": {"cached_tokens": _int(_get(details, "cached_tokens")) or 0}}


def stream_usage(chunks: list[Any]) -> Any:
    """The usage a stream reported (the last chunk carrying one: chat with ``stream_options=
    {"include_usage": True}``, Responses ``response.completed``, transcripts' ``done``), or None."""
    # A stream's own event log skips, undecoded, the thousands of events without a usage.
    finder = getattr(chunks, "last_containing", None)
    for chunk in (finder('"usage"') if finder is not None else reversed(chunks)):
        if isinstance(chunk, Mapping) and "event" in chunk and isinstance(chunk.get("data"),
                                                                           Mapping):
            chunk = chunk["data"]
        if not isinstance(chunk, Mapping):
            continue
        usage = chunk.get("usage")
        if usage is None and isinstance(chunk.get("response"), Mapping):
            usage = chunk["response"].get("usage")
        if usage:
            return usage
    return None


def stream_model(chunks: list[Any]) -> str | None:
    """The model named by a stream's chunks (chat chunks' ``model``, Responses' ``response``)."""
    for chunk in chunks:
        if not isinstance(chunk, Mapping):
            continue
        inner = chunk.get("response")
        model = inner.get("model") if isinstance(inner, Mapping) else chunk.get("model")
        if isinstance(model, str) and model:
            return model
    return None


def wav_seconds(data: bytes) -> float | None:
    """The duration of a RIFF/WAVE file from its header, or None for anything else."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"fmt " and size >= 12:
            byte_rate = struct.unpack("<I", data[pos + 16:pos + 20])[0]
        elif cid == b"data":
            if not byte_rate:
                return None
            return min(size, len(data) - pos - 8) / byte_rate
        pos += 8 + size + (size & 1)
    return None


def _upload(spec: Any) -> bytes | None:
    for name, (_, content, _) in spec.files or []:
        if name == "file":
            return content
    return None


def measure(spec: Any, result: Any, *, usage: Any = None, stream: bool = False) -> Entry | None:
    """The ledger entry for a billable request ``spec`` answered with ``result`` (for a stream:
    ``result`` is None and ``usage`` what the stream reported, if anything); None when ``spec``
    is not billable."""
    kind = kind_of(spec)
    if kind is None:
        return None
    fields = _fields(spec)
    model = _get(result, "model") if result is not None and not isinstance(result, (str, bytes)) \
        else None
    if not isinstance(model, str) or not model:
        model = str(fields.get("model") or "unknown")
    if usage is None and result is not None and not isinstance(result, (str, bytes)):
        usage = _get(result, "usage")
    if kind == "moderation":
        info = _catalog.model_info(model) or {}
        return Entry(model, kind, None, None, None, 0.0 if info.get("free") else None)
    if kind in ("chat", "completion", "responses", "embedding"):
        chat = _chat_usage(usage)
        if chat is None:
            return Entry(model, kind, None, None, None, None)
        usd = _pricing.chat_cost(model, chat)
        return Entry(model, kind, chat["prompt_tokens"],
                     chat["prompt_tokens_details"]["cached_tokens"], chat["completion_tokens"],
                     usd)
    if kind == "image":
        data = _get(result, "data")
        n = len(data) if isinstance(data, list) else 0
        size = _get(result, "size") or fields.get("size")
        quality = _get(result, "quality") or fields.get("quality")
        usd = _pricing.image_cost(model, n=n, size=size, quality=quality, usage=usage)
        return Entry(model, kind, _int(_get(usage, "input_tokens")), None,
                     _int(_get(usage, "output_tokens")), usd)
    if kind == "transcription":
        seconds = _get(result, "duration") if isinstance(result, Mapping) or hasattr(
            result, "get") else None
        if seconds is None and _get(usage, "type") == "duration":
            seconds = _get(usage, "seconds")
        if seconds is None and "price_per_minute" in (_catalog.model_info(model) or {}):
            upload = _upload(spec)
            seconds = wav_seconds(upload) if upload else None
        usd = _pricing.transcription_cost(model, seconds=_float(seconds), usage=usage)
        return Entry(model, kind, _int(_get(usage, "input_tokens")), None,
                     _int(_get(usage, "output_tokens")), usd)
    if kind == "speech":
        text = fields.get("input")
        return Entry(model, kind, None, None, None,
                     _pricing.speech_cost(model, text if isinstance(text, str) else None))
    return None  # pragma: no cover


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# -- the worst case, before sending ---------------------------------------------------------------
def _string_tokens(text: str, strict: bool) -> int:
    """Tokens of one string: a quarter of its characters, or (strict) its UTF-8 bytes — a
    byte-level tokenizer never makes more tokens than bytes."""
    return len(text.encode("utf-8", "surrogatepass")) if strict else math.ceil(len(text) / 4)


def _text_tokens(value: Any, strict: bool = False) -> int:
    """The generous token estimate of a text field (strings, lists of strings or token ids,
    message contents)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return _string_tokens(value, strict)
    if isinstance(value, (int, float)):
        return 1
    if isinstance(value, Mapping):
        kind = value.get("type")
        if kind in ("image_url", "input_image", "image"):
            return IMAGE_PART_TOKENS
        return sum(_text_tokens(v, strict) for k, v in value.items() if k not in ("type", "role"))
    if isinstance(value, (list, tuple)):
        return sum(_text_tokens(v, strict) for v in value)
    return _string_tokens(str(value), strict)


def _prompt_tokens(kind: str, fields: dict[str, Any], strict: bool = False) -> int:
    if kind == "chat":
        messages = fields.get("messages") or []
        tokens = 3 + sum(4 + _text_tokens(m, strict) for m in messages if isinstance(m, Mapping))
        if fields.get("tools"):
            tokens += _string_tokens(json.dumps(fields["tools"], default=str), strict)
        return tokens
    if kind == "responses":
        return (_text_tokens(fields.get("input"), strict)
                + _text_tokens(fields.get("instructions"), strict)
                + (_string_tokens(json.dumps(fields["tools"], default=str), strict)
                   if fields.get("tools") else 0))
    if kind == "completion":
        return _text_tokens(fields.get("prompt"), strict)
    return _text_tokens(fields.get("input"), strict)


def _output_cap(kind: str, model: str, fields: dict[str, Any]) -> int | None:
    if kind == "embedding":
        return 0
    for name in ("max_completion_tokens", "max_tokens", "max_output_tokens"):
        value = _int(fields.get(name))
        if value is not None:
            break
    else:
        value = _int((_catalog.model_info(model) or {}).get("max_output_tokens"))
    if value is None:
        return None
    n = _int(fields.get("n")) or 1
    best_of = _int(fields.get("best_of")) or 1
    return value * max(n, best_of)


def _image_worst(model: str, fields: dict[str, Any], strict: bool = False) -> float | None:
    table = (_catalog.model_info(model) or {}).get("price_per_image")
    if not isinstance(table, Mapping):
        return None
    dalle = "standard" in table  # DALL·E: default quality "standard", size 1024x1024
    quality = fields.get("quality") or ("standard" if dalle else "auto")
    size = fields.get("size") or ("1024x1024" if dalle else "auto")
    if quality == "auto":
        qualities = list(table)  # the service picks: count the dearest
    elif quality in table:
        qualities = [quality]
    else:
        return None
    prices = [price for q in qualities for s, price in (table.get(q) or {}).items()
              if size == "auto" or s == size]
    if not prices:
        return None
    n = _int(fields.get("n")) or 1
    per = max(prices)
    tokens = (_catalog.model_info(model) or {}).get("price_per_1m")
    extra = 0.0
    if isinstance(tokens, Mapping) and tokens.get("text_input") is not None:
        extra = _text_tokens(fields.get("prompt"), strict) * float(tokens["text_input"]) \
            / 1_000_000
    return n * float(per) + extra


def estimate(spec: Any, *, strict: bool = False) -> Estimate | None:
    """The worst case of a billable request (None for calls that cost nothing by themselves).

    ``strict=True`` counts a text's UTF-8 bytes as its tokens instead of a quarter of its
    characters: a bound no text can pass, for a budget that must hold against any input (the
    workshop relay's).
    """
    kind = kind_of(spec)
    if kind is None:
        return None
    fields = _fields(spec)
    model = str(fields.get("model") or "")
    if kind == "moderation":
        free = (_catalog.model_info(model or "omni-moderation-latest") or {}).get("free")
        return Estimate(model, kind, 0.0 if free else None, 0,
                        None if free else f"{model!r} has no known price")
    if kind in ("chat", "completion", "responses", "embedding"):
        prompt = _prompt_tokens(kind, fields, strict)
        out = _output_cap(kind, model, fields)
        tokens = None if out is None else prompt + out
        why = None
        prices = _pricing.price_per_1m(model)
        usd = None
        # price_per_1m gives None rather than a row without an input price (the second test
        # says so to the type checker; it changes nothing).
        if prices is None or prices["input"] is None:
            why = _pricing.price_note(model) or f"{model!r} has no known price"
        elif out is None:
            why = f"no output limit is known for {model!r}: pass max_completion_tokens"
        elif out and prices.get("output") is None:
            why = f"{model!r} has no known output price"
        else:
            usd = (prompt * prices["input"] + out * (prices.get("output") or 0.0)) / 1_000_000
        return Estimate(model, kind, usd, tokens, why)
    if kind == "image":
        usd = _image_worst(model, fields, strict)
        return Estimate(model, kind, usd, None,
                        None if usd is not None else _pricing.price_note(model)
                        or f"no per-image price for {model!r} at this size and quality")
    if kind == "transcription":
        upload = _upload(spec) or b""
        seconds = wav_seconds(upload)
        if seconds is None:
            seconds = len(upload) / 1000.0
        usd = _pricing.transcription_cost(model, seconds=seconds) \
            if "price_per_minute" in (_catalog.model_info(model) or {}) else None
        return Estimate(model, kind, usd, None,
                        None if usd is not None else f"{model!r} is billed by tokens the audio "
                        "will use, which cannot be known before it is sent")
    text = fields.get("input")
    usd = _pricing.speech_cost(model, text if isinstance(text, str) else None)
    return Estimate(model, kind, usd, None,
                    None if usd is not None else f"{model!r} has no per-character price")


# -- the ledger ------------------------------------------------------------------------------------
class _Ticket:
    """An admitted request's reservation against the budget, released when it settles."""

    __slots__ = ("done", "tokens", "usd")

    def __init__(self, usd: float, tokens: int) -> None:
        self.usd = usd
        self.tokens = tokens
        self.done = False


#: Sums of float prices drift by ~1e-17 USD: a request that fits the budget exactly must pass.
_USD_EPSILON = 1e-9


def _usd(value: float) -> str:
    """Dollars as people write a budget ($5.00) or a small spend ($0.0123)."""
    return f"${value:.2f}" if abs(round(value, 2) - value) < 1e-9 else f"${value:.4f}"


def _check_budget(value: Any, name: str, kind: type) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 or \
            value == float("inf") or (kind is int and int(value) != value):
        what = "a non-negative whole number of tokens" if kind is int else \
            "a non-negative, finite number of US dollars"
        raise ValueError(f"{name} must be None or {what}; got {value!r}")
    return kind(value)


class Spend:
    """What a client's requests cost: the ledger, its listeners and the budget guard.

    Parameters
    ----------
    budget_usd : float, optional
        Refuse (``BudgetExceededError``, nothing sent) any request whose worst case could take
        the recorded spend past this many US dollars. A request whose price is unknown is
        refused too, unless ``budget_tokens`` is set (then the token budget guards it).
    budget_tokens : int, optional
        The same in tokens (input plus output, all models): the guard for models without a
        price.
    simulated : bool, default False
        True for an offline (emulator) client: the figures are what the session would have cost.

    Attributes
    ----------
    total_usd : float
        The sum of the known costs.
    requests : int
        Billable requests recorded (chat, completions, responses, embeddings, images, audio,
        moderations).
    unknown : int
        Requests whose cost is unknown (no price, or no usage reported).
    """

    def __init__(self, *, budget_usd: float | None = None, budget_tokens: int | None = None,
                 simulated: bool = False) -> None:
        self.budget_usd = _check_budget(budget_usd, "budget_usd", float)
        self.budget_tokens = _check_budget(budget_tokens, "budget_tokens", int)
        self.simulated = bool(simulated)
        self._entries: list[Entry] = []
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Spend], Any]] = []
        self._pending_usd = 0.0
        self._pending_tokens = 0

    # -- reading ------------------------------------------------------------------------------
    @property
    def entries(self) -> list[Entry]:
        """Every billable request recorded, oldest first (a copy)."""
        with self._lock:
            return list(self._entries)

    @property
    def total_usd(self) -> float:
        with self._lock:
            return sum(e.usd for e in self._entries if e.usd is not None)

    @property
    def total_tokens(self) -> int:
        with self._lock:
            return sum((e.input_tokens or 0) + (e.output_tokens or 0) for e in self._entries)

    @property
    def requests(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def unknown(self) -> int:
        with self._lock:
            return sum(e.usd is None for e in self._entries)

    @property
    def remaining_usd(self) -> float | None:
        """What is left of ``budget_usd`` (None without one)."""
        if self.budget_usd is None:
            return None
        return max(0.0, self.budget_usd - self.total_usd)

    def by_model(self) -> Any:
        """A pandas DataFrame, one row per model: ``model``, ``requests``, ``input_tokens``,
        ``cached_tokens``, ``output_tokens``, ``usd`` (known costs) and ``unknown_cost``
        (requests whose cost is unknown; their ``usd`` is not in the sum)."""
        import pandas as pd

        rows: dict[str, dict[str, Any]] = {}
        for e in self.entries:
            row = rows.setdefault(e.model, {"model": e.model, "requests": 0, "input_tokens": 0,
                                            "cached_tokens": 0, "output_tokens": 0, "usd": 0.0,
                                            "unknown_cost": 0})
            row["requests"] += 1
            row["input_tokens"] += e.input_tokens or 0
            row["cached_tokens"] += e.cached_tokens or 0
            row["output_tokens"] += e.output_tokens or 0
            if e.usd is None:
                row["unknown_cost"] += 1
            else:
                row["usd"] += e.usd
        columns = ["model", "requests", "input_tokens", "cached_tokens", "output_tokens", "usd",
                   "unknown_cost"]
        frame = pd.DataFrame(list(rows.values()), columns=columns)
        frame.attrs["simulated"] = self.simulated
        return frame

    def summary(self) -> str:
        """One line: ``"$0.0123 of $5.00 · 12 requests · simulated"``."""
        spent = f"${self.total_usd:.4f}"
        if self.budget_usd is not None:
            spent += f" of {_usd(self.budget_usd)}"
        n = self.requests
        parts = [spent, f"{n} request{'s' if n != 1 else ''}"]
        if self.budget_tokens is not None:
            parts.append(f"{self.total_tokens:,} of {self.budget_tokens:,} tokens")
        unknown = self.unknown
        if unknown:
            parts.append(f"{unknown} of unknown cost")
        if self.simulated:
            parts.append("simulated")
        return " · ".join(parts)

    def __repr__(self) -> str:
        return f"<Spend {self.summary()}>"

    # -- listeners ------------------------------------------------------------------------------
    def add_listener(self, callback: Callable[[Spend], Any]) -> None:
        """Call ``callback(spend)`` after every recorded request (from whatever thread made the
        request)."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[Spend], Any]) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback(self)
            except Exception:  # a broken display must not fail the request that was paid for
                from ._logging import logger

                logger.exception("a spend listener failed")

    # -- recording ------------------------------------------------------------------------------
    def record(self, entry: Entry) -> Entry:
        """Add one entry and tell the listeners."""
        with self._lock:
            self._entries.append(entry)
        self._notify()
        return entry

    def reset(self) -> None:
        """Forget every entry (the budget stays)."""
        with self._lock:
            self._entries.clear()
        self._notify()

    # -- the guard --------------------------------------------------------------------------------
    def admit(self, est: Estimate | None) -> _Ticket | None:
        """Reserve ``est`` against the budget, or raise :class:`BudgetExceededError`."""
        if est is None or (self.budget_usd is None and self.budget_tokens is None):
            return None
        with self._lock:
            spent = sum(e.usd for e in self._entries if e.usd is not None) + self._pending_usd
            used = sum((e.input_tokens or 0) + (e.output_tokens or 0)
                       for e in self._entries) + self._pending_tokens
            usd = tokens = 0
            if self.budget_usd is not None:
                if est.usd is None and (self.budget_tokens is None or est.tokens is None):
                    raise BudgetExceededError(
                        f"Not sent: the worst-case cost of this {est.kind} request on "
                        f"{est.model!r} cannot be estimated ({est.why_unknown}), so a budget "
                        f"of {_usd(self.budget_usd)} cannot guard it. Pass budget_tokens= to "
                        "allow models without a price.", model=est.model,
                        budget_usd=self.budget_usd,
                        remaining_usd=max(0.0, self.budget_usd - spent))
                if est.usd is not None:
                    left = self.budget_usd - spent
                    if est.usd > left + _USD_EPSILON:
                        raise BudgetExceededError(
                            f"Not sent: this {est.kind} request on {est.model!r} could cost up "
                            f"to ${est.usd:.4f}, more than the ${max(left, 0.0):.4f} left of "
                            f"the {_usd(self.budget_usd)} budget (${spent:.4f} spent).",
                            model=est.model, estimate_usd=est.usd, budget_usd=self.budget_usd,
                            remaining_usd=max(0.0, left))
                    usd = est.usd
            if self.budget_tokens is not None and est.tokens is not None:
                left_tokens = self.budget_tokens - used
                if est.tokens > left_tokens:
                    raise BudgetExceededError(
                        f"Not sent: this {est.kind} request on {est.model!r} could use up to "
                        f"{est.tokens:,} tokens, more than the {max(left_tokens, 0):,} left of "
                        f"the {self.budget_tokens:,}-token budget ({used:,} used).",
                        model=est.model, estimate_tokens=est.tokens,
                        budget_tokens=self.budget_tokens, remaining_tokens=max(0, left_tokens))
                tokens = est.tokens
            elif self.budget_usd is None and est.tokens is None and est.kind in (
                    "chat", "completion", "responses", "embedding"):
                raise BudgetExceededError(
                    f"Not sent: the tokens this {est.kind} request on {est.model!r} could use "
                    f"cannot be bounded ({est.why_unknown}); pass max_completion_tokens.",
                    model=est.model, budget_tokens=self.budget_tokens)
            ticket = _Ticket(usd, tokens)
            self._pending_usd += usd
            self._pending_tokens += tokens
            return ticket

    def release(self, ticket: _Ticket | None) -> None:
        """Drop a reservation (the request failed or has been recorded)."""
        if ticket is None:
            return
        with self._lock:
            if ticket.done:
                return
            ticket.done = True
            self._pending_usd -= ticket.usd
            self._pending_tokens -= ticket.tokens

    def settle(self, ticket: _Ticket | None, entry: Entry | None) -> None:
        """Release ``ticket`` and record ``entry`` (when the request was billable)."""
        self.release(ticket)
        if entry is not None:
            self.record(entry)
