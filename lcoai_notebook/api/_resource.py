"""Base of every API resource: holds the requester (not the client), so no import circle."""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from .._contracts import Requester
from .._http import RequestSpec
from .._types import NOT_GIVEN

__all__ = ["Resource", "call_options", "per_call"]

_F = TypeVar("_F", bound=Callable[..., Any])


class Resource:
    """A namespace of API methods over one requester (sync or async).

    Methods build a :class:`RequestSpec` and return ``self._requester.request(spec)``: the result
    itself under ``Client``, an awaitable under ``AsyncClient``.
    """

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Every public method refuses a misspelt keyword with the close match suggested; the
        # wrapper costs nothing until Python itself has refused the call.
        for name, value in list(vars(cls).items()):
            public = not name.startswith("_") or name == "__call__"  # jobs.checkpoints(id)
            if public and inspect.isfunction(value):
                setattr(cls, name, _suggest_on_bad_keyword(value))

    def _request(self, spec: RequestSpec) -> Any:
        return self._requester.request(spec)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def call_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the per-call options every method takes (``timeout``, ``max_retries``,
    ``extra_headers``, ``extra_query``) out of ``kwargs``; what is left goes in the body."""
    out: dict[str, Any] = {}
    for name in ("timeout", "max_retries"):
        if name in kwargs:
            value = kwargs.pop(name)
            if value is not NOT_GIVEN:
                out[name] = value
    headers = kwargs.pop("extra_headers", None)
    if headers:
        out["headers"] = dict(headers)
    query = kwargs.pop("extra_query", None)
    if query:
        out["query"] = dict(query)
    body = kwargs.pop("extra_body", None)
    if body:
        kwargs.update(body)
    return out


def per_call(extra_headers: Any, extra_query: Any, extra_body: Any, timeout: Any,
             max_retries: Any) -> dict[str, Any]:
    """The per-call options of a method, as the ``kwargs`` :func:`call_options` reads."""
    return {"extra_headers": extra_headers, "extra_query": extra_query,
            "extra_body": extra_body, "timeout": timeout, "max_retries": max_retries}


def _suggest_on_bad_keyword(func: _F) -> _F:
    """``func``, refusing an unknown keyword argument with the closest accepted name."""
    if getattr(func, "__wrapped__", None) is not None:  # already wrapped (an alias)
        return func

    @functools.wraps(func)
    def method(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TypeError as exc:
            message = _bad_keyword_message(func, args, kwargs)
            if message is None:  # the TypeError came from inside: a bad value, not a bad name
                raise
            raise TypeError(message) from exc

    return method  # type: ignore[return-value]


def _bad_keyword_message(func: Callable[..., Any], args: tuple[Any, ...],
                         kwargs: dict[str, Any]) -> str | None:
    params = inspect.signature(func).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return None
    accepted = [n for n, p in params.items()
                if n != "self" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    unknown = [k for k in kwargs if k not in params]
    if not unknown:
        return None
    where = func.__qualname__
    # A resource may explain a name people reach for that it does not take.
    hints: dict[str, str] = getattr(type(args[0]), "_keyword_hints", {}) if args else {}
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, accepted, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        if name in hints:
            hint = f" ({hints[name]})"
        parts.append(f"{name!r}{hint}")
    return (f"{where}() got unexpected keyword argument(s) {', '.join(parts)}. Accepted: "
            f"{', '.join(accepted)}. Send a field this package does not know yet with "
            "extra_body={...} (a query parameter with extra_query={...}).")
