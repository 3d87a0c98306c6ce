"""Shared helpers of the emulator's content routes: token estimates, seeded generators, validation.

Everything the content routes produce is a pure function of the request (and the emulator's
``seed``): :func:`rng` derives a ``random.Random`` from a stable hash of its arguments, so the same
request always gets the same words, vectors, pixels and samples.

Token counts are *estimates* (about four characters per token, the rule of thumb OpenAI itself
publishes); every route counts through :func:`count_tokens` so usage figures agree across routes.

The ``check_*`` helpers raise the 400 errors OpenAI sends for mistyped or out-of-range fields,
with the same wording patterns (``Invalid 'n': integer below minimum value. ...``) and ``param``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, overload

from ._errors import EmuError, invalid, missing

__all__ = [
    "MISSING_MODEL", "check_bool", "check_enum", "check_function_name", "check_int",
    "check_length", "check_model", "check_number", "check_str", "compose", "count_tokens",
    "keywords", "rng", "rx", "stable_hash", "words_of",
]

_MISSING = object()


# --------------------------------------------------------------------------- hashing / PRNG
def stable_hash(*parts: Any) -> int:
    """A 64-bit hash of ``parts`` that is stable across processes (unlike ``hash``)."""
    blob = json.dumps(parts, sort_keys=True, default=repr, ensure_ascii=False).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "little")


def rng(*parts: Any) -> random.Random:
    """A ``random.Random`` seeded from ``parts``: the same parts give the same stream."""
    return random.Random(stable_hash(*parts))


# --------------------------------------------------------------------------- regexes
class _Rx:
    """``re``'s functions over a plain dict of compiled patterns.

    The chat cues run a few dozen patterns per request; ``re``'s own cache lookup (flag
    normalisation included) cost more than the matching, so this keeps the reply well under a
    millisecond.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], re.Pattern[str]] = {}

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        key = (pattern, flags)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = re.compile(pattern, flags)
        return found

    def search(self, pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).search(text)

    def match(self, pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).match(text)

    def fullmatch(self, pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).fullmatch(text)

    def findall(self, pattern: str, text: str, flags: int = 0) -> list[Any]:
        return self.compile(pattern, flags).findall(text)

    def finditer(self, pattern: str, text: str, flags: int = 0) -> Iterator[re.Match[str]]:
        return self.compile(pattern, flags).finditer(text)

    def split(self, pattern: str, text: str, maxsplit: int = 0, flags: int = 0) -> list[str]:
        return self.compile(pattern, flags).split(text, maxsplit)

    def sub(self, pattern: str, repl: Any, text: str, count: int = 0, flags: int = 0) -> str:
        return self.compile(pattern, flags).sub(repl, text, count)


#: Cached-pattern stand-in for ``re`` (see :class:`_Rx`); ``rx.I`` is ``re.I`` as a plain int.
rx = _Rx()
I = int(re.I)  # noqa: E741  (mirrors re.I)


# --------------------------------------------------------------------------- tokens
def count_tokens(text: str) -> int:
    """Estimated tokens in ``text``: one per four characters, rounded up (0 for "")."""
    return (len(text) + 3) // 4


# --------------------------------------------------------------------------- words
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_STOP = frozenset(
    "a an and are as at be but by can could do does for from has have how i if in into is it its "
    "me my no not of on or our please so than that the their them then there these they this to "
    "us was we were what when where which who why will with would you your about tell give show "
    "explain write make let some any just also more most very really should may might".split()
)


def words_of(text: str) -> list[str]:
    """The words of ``text`` (letters, digits, inner apostrophes and hyphens)."""
    return _WORD_RE.findall(text)


def keywords(text: str, limit: int = 6) -> list[str]:
    """Up to ``limit`` distinct content words of ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    for w in words_of(text):
        lw = w.lower()
        if len(lw) > 2 and lw not in _STOP and lw not in seen:
            seen[lw] = None
            if len(seen) >= limit:
                break
    return list(seen)


# A small vocabulary for readable, English-ish filler. Grouped by role so sentences have a shape.
_ADJ = ("clear", "simple", "careful", "useful", "practical", "small", "steady", "direct", "broad",
        "reliable", "quick", "thoughtful", "concrete", "general", "important", "familiar",
        "balanced", "modest", "typical", "fair", "good", "common", "specific", "flexible")
_NOUN = ("idea", "approach", "question", "answer", "example", "detail", "step", "result",
         "pattern", "choice", "method", "point", "reason", "context", "summary", "plan",
         "option", "problem", "goal", "outline", "draft", "view", "trade-off", "principle")
_VERB = ("explains", "suggests", "shows", "covers", "supports", "describes", "highlights",
         "connects", "frames", "clarifies", "outlines", "captures", "reflects", "touches on")
_ADV = ("usually", "often", "generally", "in practice", "at first", "over time", "in short",
        "on balance", "for now", "in most cases", "as a rule", "above all")
_OPEN = ("Here is a short take on {topic}.", "You asked about {topic}.",
         "Let us look at {topic}.", "A few thoughts on {topic}.", "About {topic}:",
         "Good question about {topic}.")
_TEMPLATES = (
    "The {adj} {noun} {verb} {kw}.",
    "{Adv}, {a_adj} {noun} about {kw} helps.",
    "One {adj} {noun} is to start from {kw}.",
    "This {verb} how {kw} fits {a_adj} {noun}.",
    "{A_adj} {noun} {verb} the role of {kw}.",
    "{Adv}, {kw} matters for the {noun}.",
    "Think of {kw} as {a_adj} {noun}.",
    "The {noun} around {kw} is {adj}, {adv}.",
)


def _topic(kws: Sequence[str]) -> str:
    if not kws:
        return "your message"
    if len(kws) == 1:
        return kws[0]
    return ", ".join(kws[:-1]) + " and " + kws[-1]


def compose(r: random.Random, about: str, n_words: int, *, temperature: float = 1.0,
            opening: bool = True) -> str:
    """Readable sentences of about ``n_words`` words reflecting the content words of ``about``.

    ``temperature`` widens the choice of templates and words (still deterministic given ``r``).
    """
    kws = keywords(about) or ["this"]
    # Low temperatures stick to fewer templates and the leading keywords, like a greedy model.
    span = max(2, min(len(_TEMPLATES), int(2 + temperature * 3)))
    parts: list[str] = []
    count = 0
    if opening:
        first = r.choice(_OPEN).format(topic=_topic(kws[:3]))
        parts.append(first)
        count += len(first.split())
    while count < n_words:
        t = _TEMPLATES[r.randrange(span)]
        adv = r.choice(_ADV)
        adj = r.choice(_ADJ)
        art = "an" if adj[0] in "aeiou" else "a"
        s = t.format(adj=adj, noun=r.choice(_NOUN), verb=r.choice(_VERB), kw=r.choice(kws),
                     adv=adv, Adv=adv[0].upper() + adv[1:], a_adj=f"{art} {adj}",
                     A_adj=f"{art.capitalize()} {adj}")
        parts.append(s)
        count += len(s.split())
    return " ".join(parts)


# --------------------------------------------------------------------------- validation
#: JSON types as OpenAI's errors name them (bool before int: a bool is an int in Python).
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"), (int, "an integer"), (float, "a decimal"), (str, "a string"),
    (list, "an array"), (dict, "an object"))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def type_error(param: str, expected: str, value: Any) -> EmuError:
    """OpenAI's ``invalid_type`` 400."""
    return invalid(f"Invalid type for '{param}': expected {expected}, but got "
                   f"{_type_name(value)} instead.", param=param, code="invalid_type")


def _get(body: dict[str, Any], name: str, required: bool) -> Any:
    value = body.get(name, _MISSING)
    if value is _MISSING or (value is None and not required):
        if required:
            raise missing(name)
        return _MISSING
    return value


# The overloads tell the type checker what the checks guarantee: a value is returned when the
# field is required or has a default.
@overload
def check_str(body: dict[str, Any], name: str, *, required: Literal[True],
              default: str | None = ..., max_length: int | None = ...,
              nonempty: bool = ...) -> str: ...
@overload
def check_str(body: dict[str, Any], name: str, *, required: bool = ..., default: str,
              max_length: int | None = ..., nonempty: bool = ...) -> str: ...
@overload
def check_str(body: dict[str, Any], name: str, *, required: bool = ..., default: None = ...,
              max_length: int | None = ..., nonempty: bool = ...) -> str | None: ...
def check_str(body: dict[str, Any], name: str, *, required: bool = False,
              default: str | None = None, max_length: int | None = None,
              nonempty: bool = False) -> str | None:
    """A string field (``default`` when absent or null)."""
    value = _get(body, name, required)
    if value is _MISSING:
        return default
    if not isinstance(value, str):
        raise type_error(name, "a string", value)
    return check_length(name, value, nonempty=nonempty, max_length=max_length)


def check_length(name: str, value: str, *, nonempty: bool, max_length: int | None) -> str:
    """``value``, or OpenAI's 400 for an empty (when ``nonempty``) or too long string."""
    if nonempty and not value:
        raise invalid(f"Invalid '{name}': empty string. Expected a string with minimum length 1, "
                      "but got an empty string instead.", param=name, code="empty_string")
    if max_length is not None and len(value) > max_length:
        raise invalid(f"Invalid '{name}': string too long. Expected a string with maximum length "
                      f"{max_length}, but got a string with length {len(value)} instead.",
                      param=name, code="string_above_max_length")
    return value


_FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_function_name(value: Any, param: str) -> str:
    """A tool's function name (1 to 64 letters, digits, ``_`` or ``-``), or OpenAI's 400."""
    if not isinstance(value, str) or not _FUNCTION_NAME.fullmatch(value):
        raise invalid(f"Invalid '{param}': string does not match pattern. Expected a string that "
                      "matches the pattern '^[a-zA-Z0-9_-]+$'.", param=param,
                      code="invalid_value")
    return value


MISSING_MODEL = "you must provide a model parameter"


def check_model(req: Any, body: dict[str, Any],
                kinds: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The required ``model`` field and its row (``req.app.require_model`` with ``kinds``).

    A missing model gets the service's own wording, checked before the body's other fields
    (param and code null): ``you must provide a model parameter``."""
    model = body.get("model")
    if model is None:
        raise invalid(MISSING_MODEL)
    if not isinstance(model, str):
        raise type_error("model", "a string", model)
    return model, req.app.require_model(model, kinds=kinds, param="model")


def check_bool(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = _get(body, name, False)
    if value is _MISSING:
        return default
    if not isinstance(value, bool):
        raise type_error(name, "a boolean", value)
    return value


@overload
def check_int(body: dict[str, Any], name: str, *, default: int, lo: int | None = None,
              hi: int | None = None, required: bool = False, coerce: bool = False) -> int: ...
@overload
def check_int(body: dict[str, Any], name: str, *, default: None = None, lo: int | None = None,
              hi: int | None = None, required: Literal[True], coerce: bool = False) -> int: ...
@overload
def check_int(body: dict[str, Any], name: str, *, default: None = None, lo: int | None = None,
              hi: int | None = None, required: bool = False,
              coerce: bool = False) -> int | None: ...
def check_int(body: dict[str, Any], name: str, *, default: int | None = None,
              lo: int | None = None, hi: int | None = None, required: bool = False,
              coerce: bool = False) -> int | None:
    """An integer field within ``[lo, hi]``; ``coerce`` accepts numeric strings (form fields)."""
    value = _get(body, name, required)
    if value is _MISSING:
        return default
    value = _coerced(value, coerce, int)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(name, "an integer", value)
    _check_bounds(name, value, lo, hi, "integer", str)
    return value


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@overload
def check_number(body: dict[str, Any], name: str, *, default: float, lo: float | None = None,
                 hi: float | None = None, coerce: bool = False) -> float: ...
@overload
def check_number(body: dict[str, Any], name: str, *, default: None = None,
                 lo: float | None = None, hi: float | None = None,
                 coerce: bool = False) -> float | None: ...
def check_number(body: dict[str, Any], name: str, *, default: float | None = None,
                 lo: float | None = None, hi: float | None = None,
                 coerce: bool = False) -> float | None:
    """A number field within ``[lo, hi]``; ``coerce`` accepts numeric strings (form fields)."""
    value = _get(body, name, False)
    if value is _MISSING:
        return default
    value = _coerced(value, coerce, float)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise type_error(name, "a number", value)
    _check_bounds(name, value, lo, hi, "decimal", _fmt_num)
    return float(value)


def _coerced(value: Any, coerce: bool, convert: Callable[[str], Any]) -> Any:
    """``convert(value)`` for a string when ``coerce`` is set and it converts; else ``value``."""
    if coerce and isinstance(value, str):
        try:
            return convert(value)
        except ValueError:
            pass
    return value


def _check_bounds(name: str, value: float, lo: float | None, hi: float | None, kind: str,
                  shown: Callable[[float], str]) -> None:
    """OpenAI's 400 for a ``kind`` ("integer" or "decimal") outside ``[lo, hi]``."""
    if lo is not None and value < lo:
        raise invalid(f"Invalid '{name}': {kind} below minimum value. Expected a value >= "
                      f"{shown(lo)}, but got {shown(value)} instead.", param=name,
                      code=f"{kind}_below_min_value")
    if hi is not None and value > hi:
        raise invalid(f"Invalid '{name}': {kind} above maximum value. Expected a value <= "
                      f"{shown(hi)}, but got {shown(value)} instead.", param=name,
                      code=f"{kind}_above_max_value")


def _quote_list(values: Iterable[str]) -> str:
    q = [f"'{v}'" for v in values]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + ", and " + q[-1]


def enum_error(name: str, value: Any, allowed: Sequence[str]) -> EmuError:
    return invalid(f"Invalid value: '{value}'. Supported values are: {_quote_list(allowed)}.",
                   param=name, code="invalid_value")


@overload
def check_enum(body: dict[str, Any], name: str, allowed: Sequence[str], *,
               default: str | None = ..., required: Literal[True]) -> str: ...
@overload
def check_enum(body: dict[str, Any], name: str, allowed: Sequence[str], *, default: str,
               required: bool = ...) -> str: ...
@overload
def check_enum(body: dict[str, Any], name: str, allowed: Sequence[str], *,
               default: None = ..., required: bool = ...) -> str | None: ...
def check_enum(body: dict[str, Any], name: str, allowed: Sequence[str], *,
               default: str | None = None, required: bool = False) -> str | None:
    """A string field that must be one of ``allowed``."""
    value = _get(body, name, required)
    if value is _MISSING:
        return default
    if not isinstance(value, str):
        raise type_error(name, "a string", value)
    if value not in allowed:
        raise enum_error(name, value, allowed)
    return value
