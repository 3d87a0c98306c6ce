"""Small shared helpers for the issue-3 resources: id checks and RequestSpec building."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._http import RequestSpec
from .._models import Result
from .._wire import check_path_value
from ._resource import call_options

__all__ = ["BETA_HEADERS", "body_of", "check_list_args", "make_spec", "require_id",
           "require_str"]

# Every Assistants-family request (assistants, threads, messages, runs, steps, vector stores)
# carries this header: OpenAI requires it for the v2 Assistants API. LowCodeAPI's definition adds
# `assistants=v1` itself, but v1 is retired and OpenAI's own examples send v2.
BETA_HEADERS = {"OpenAI-Beta": "assistants=v2"}


def require_id(value: Any, name: str) -> str:
    """An object id for a path, or a TypeError/ValueError naming ``name``.

    The one id rule, :func:`lcoai_notebook._wire.check_path_value`, applied where the caller
    gave the id (so the error points at the method called): it refuses anything that would
    change the route instead of naming an object: empty, ``.``, ``..`` (httpx collapses dot
    segments: ``files.delete("..", vector_store_id=...)`` would address the store itself), and
    ``/``, ``\\``, ``?``, ``#``, ``%``, whitespace or control characters. The requester applies
    the same function to every path value again before sending.
    """
    return check_path_value(value, name)


def require_str(value: Any, name: str) -> str:
    """A required, non-empty string argument."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} is required and must be a non-empty string, got {value!r}")
    return value


def check_list_args(limit: Any, order: Any = None, *, max_limit: int | None = 100) -> None:
    """Validate the ``limit`` / ``order`` arguments list methods share.

    ``max_limit`` is the API's documented page-size ceiling (100 for most lists, 10,000 for
    files); None where the API documents none (fine-tuning).
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
                              or (max_limit is not None and limit > max_limit)):
        span = f"an integer from 1 to {max_limit}" if max_limit else "a positive integer"
        raise ValueError(f"limit must be {span}, got {limit!r}")
    if order is not None and order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', got {order!r}")


def body_of(**fields: Any) -> dict[str, Any]:
    """The JSON body from keyword arguments, leaving out those not given (None)."""
    return {k: v for k, v in fields.items() if v is not None}


def make_spec(
    method: str,
    path: str,
    kwargs: dict[str, Any],
    *,
    path_params: dict[str, str] | None = None,
    json: Any = None,
    query: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    cast: Callable[[Any], Any] = Result,
    **spec_fields: Any,
) -> RequestSpec:
    """A RequestSpec; ``kwargs`` holds the caller's leftover keywords.

    The per-call options (``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``) are
    taken out of ``kwargs``; ``extra_body`` and any other keywords left go into the JSON body of a
    POST (so new API fields work before this package knows them) and are refused for a request
    without a body.
    """
    opts = call_options(kwargs)
    if kwargs:
        if "data" in spec_fields or (json is None and method.upper() in ("GET", "DELETE")):
            names = ", ".join(sorted(kwargs))
            raise TypeError(f"unexpected keyword argument(s) for {method} {path}: {names}")
        json = {**(json or {}), **{k: v for k, v in kwargs.items() if v is not None}}
    q = {k: v for k, v in (query or {}).items() if v is not None}
    q.update(opts.pop("query", {}))
    h = dict(headers or {})
    h.update(opts.pop("headers", {}))
    return RequestSpec(
        method=method,
        path=path,
        path_params=dict(path_params or {}),
        query=q,
        json=json,
        headers=h,
        cast=cast,
        **opts,
        **spec_fields,
    )
