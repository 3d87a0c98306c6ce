"""Request bodies, queries and headers checked and encoded before anything is sent (no I/O).

httpx would find the same problems, but late and badly: deep inside its own frames (whose locals
hold the request URL, and so LowCodeAPI's token), as a bare ``TypeError`` / ``UnicodeEncodeError``
that does not say which argument was wrong. Here every problem becomes a ``ValueError`` or
``TypeError`` naming the argument and the place inside it (``metadata['a']``,
``messages[0]['content']``), raised before the request exists.

The JSON body is encoded exactly as httpx encodes ``json=`` (UTF-8, compact separators, no NaN),
once, so retries and the Old-format fallback reuse the bytes. numpy values become plain numbers
and lists (``np.int64(1)`` is a common ``logit_bias`` value); NaN and infinity are refused, as
JSON has no way to write them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["check_headers", "check_text_values", "encode_json"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain(value: Any) -> Any:
    """``json.dumps``'s ``default``: numpy scalars and arrays as plain Python values."""
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return value.tolist()  # a scalar's tolist() is its plain Python value
    raise TypeError  # caught below: the walk names the value


def encode_json(body: Any, name: str = "body") -> bytes:
    """The UTF-8 JSON bytes of a request body, or a ValueError/TypeError naming what is wrong.

    Parameters
    ----------
    body : object
        The JSON body; for a dict, its keys are the call's parameters and name the culprit.
    name : str
        How to name ``body`` itself when the problem is not inside a key.
    """
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                          default=_plain)
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        pass
    # Outside the ``except``: the error raised below carries no chained context.
    raise _explain(body, name)


def check_text_values(values: Mapping[str, Any] | None, what: str) -> None:
    """Refuse lone surrogates in query or form values (they cannot be sent as UTF-8)."""
    for key, value in (values or {}).items():
        if isinstance(value, dict):  # deepObject query values (metadata[k]=v)
            items = list(value.values())
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            items = [value]
        for item in items:
            if isinstance(item, str) and _SURROGATE.search(item):
                raise _surrogate_error(f"{what}[{key!r}]" if what else str(key), item)


def check_headers(headers: Mapping[Any, Any] | None, name: str) -> None:
    """Refuse header names and values HTTP cannot carry: non-ASCII, control characters (CR and
    LF would end the header). Values are never echoed: a header may hold a secret."""
    for key, value in (headers or {}).items():
        if not isinstance(key, (str, bytes)):
            raise TypeError(f"{name} keys must be strings, got {type(key).__name__}")
        label = f"{name}[{key!r}]" if isinstance(key, str) and key.isascii() else name
        text_key = key.decode("latin-1") if isinstance(key, bytes) else key
        if not text_key or not _TOKEN.fullmatch(text_key):
            raise ValueError(
                f"{name} has a header name that HTTP cannot carry ({len(text_key)} characters; "
                "names are ASCII letters, digits and !#$%&'*+-.^_`|~)"
            )
        if not isinstance(value, (str, bytes)):
            raise TypeError(f"{label} must be a string, got {type(value).__name__}")
        text_value = value.decode("latin-1") if isinstance(value, bytes) else value
        if not text_value.isascii():
            raise ValueError(
                f"{label} must be ASCII text: HTTP header values cannot carry other characters "
                "(percent-encode the value first, e.g. with urllib.parse.quote)"
            )
        if _HEADER_CONTROL.search(text_value):
            raise ValueError(f"{label} must not contain control characters (CR, LF, NUL ...)")


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _surrogate_error(path: str, text: str) -> ValueError:
    at = _SURROGATE.search(text)
    pos = at.start() if at else -1
    return ValueError(
        f"{path} is not valid Unicode: a lone surrogate ({ascii(at.group()) if at else '?'}) at "
        f"index {pos} cannot be encoded as UTF-8 (text decoded with errors='surrogateescape' or "
        "a broken emoji split in half); fix or drop that character"
    )


def _explain(body: Any, name: str) -> Exception:
    """The error for the first value of ``body`` that JSON cannot carry."""
    if isinstance(body, dict):
        for key, value in body.items():
            found = _walk(value, str(key) if isinstance(key, str) else repr(key), set(), 0)
            if found is not None:
                return found
    found = _walk(body, name, set(), 0)
    return found or ValueError(f"{name} cannot be encoded as JSON")


_MAX_DEPTH = 200  # json.dumps recurses in C, but Python's limit still applies to this walk


def _walk(value: Any, path: str, active: set[int], depth: int) -> Exception | None:
    if depth > _MAX_DEPTH:
        return ValueError(f"{path} is nested more than {_MAX_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, int)):
        return None
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return ValueError(f"{path} must be a finite number; got {value!r} (JSON cannot carry "
                          "NaN or infinity)")
    if isinstance(value, str):
        return _surrogate_error(path, value) if _SURROGATE.search(value) else None
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return _walk(value.tolist(), path, active, depth)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in active:
            return ValueError(f"{path} contains itself (a circular reference)")
        active.add(id(value))
        try:
            if isinstance(value, dict):
                for key, item in value.items():
                    if not (key is None or isinstance(key, (str, int, float, bool))):
                        return TypeError(f"{path} has a key of type {type(key).__name__}; JSON "
                                         "object keys must be strings")
                    if isinstance(key, str) and _SURROGATE.search(key):
                        return _surrogate_error(f"a key of {path}", key)
                    found = _walk(item, f"{path}[{key!r}]", active, depth + 1)
                    if found is not None:
                        return found
            else:
                for i, item in enumerate(value):
                    found = _walk(item, f"{path}[{i}]", active, depth + 1)
                    if found is not None:
                        return found
        finally:
            active.discard(id(value))
        return None
    return TypeError(
        f"{path} must be a JSON value (str, number, bool, None, list or dict); got "
        f"{type(value).__name__}"
    )
