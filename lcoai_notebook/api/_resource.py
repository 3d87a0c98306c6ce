"""Base of every API resource: holds the requester (not the client), so no import circle."""

from __future__ import annotations

from typing import Any

from .._http import RequestSpec

__all__ = ["Resource", "call_options"]


class Resource:
    """A namespace of API methods over one requester (sync or async).

    Methods build a :class:`RequestSpec` and return ``self._requester.request(spec)``: the result
    itself under ``Client``, an awaitable under ``AsyncClient``.
    """

    def __init__(self, requester: Any) -> None:
        self._requester = requester

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
            out[name] = kwargs.pop(name)
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
