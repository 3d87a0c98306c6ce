"""The requester: builds, sends and retries requests; turns responses into results or errors.

CONTRACT (other modules rely on exactly this; keep it stable)
-------------------------------------------------------------
API resources (``lcoai_notebook/api/*``) describe a call as a :class:`RequestSpec` and hand it to
``requester.request(spec)``. A :class:`SyncRequester` returns the result; an
:class:`AsyncRequester` returns a coroutine that yields it. So one resource class serves both
``Client`` and ``AsyncClient``: ``return self._requester.request(spec)``.

``requester.is_async`` tells the two apart, for the few methods that need several round trips.

What ``request`` does with a spec:
- path: ``spec.path`` is the OpenAI path *without* ``/v1`` and with ``{name}`` placeholders
  (``"/models/{model}"``), filled from ``spec.path_params``. The wire layer prefixes ``/v1`` for the
  lowcodeapi flavor and builds the New or Old path format (``url_format``).
- auth: lowcodeapi -> ``api_token`` query parameter; openai -> ``Authorization: Bearer``.
- body: ``spec.json`` (JSON), or multipart from ``spec.data`` (text fields; list values become
  repeated ``name[]`` fields) and ``spec.files`` (``[(field, (filename, bytes, content_type))]``).
- ``spec.response``:
    * ``"json"``: LowCodeAPI's envelope is unwrapped; ``spec.cast(obj)`` builds the result
      (default :class:`~lcoai_notebook._models.Result`).
    * ``"text"``: the body decoded as UTF-8, passed to ``spec.cast`` (default ``str``).
    * ``"bytes"``: ``spec.cast((content, content_type))``.
    * ``"auto"``: JSON when the response content type is JSON (cast as for ``"json"``), else text
      (``spec.text_cast``, default ``str``).
- ``spec.stream=True``: the body is SSE; returns a :class:`lcoai_notebook._sse.Stream` (sync) or
  ``AsyncStream`` (async) yielding ``spec.cast(event_json)`` per ``data:`` event until ``[DONE]``.
- errors: a non-2xx response raises the class from
  :func:`lcoai_notebook._exceptions.status_error_class`, parsed from any of the three error shapes,
  after retries where the status allows them.
- per-call ``spec.timeout`` / ``spec.max_retries`` override the client's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ._config import Timeout
from ._models import Result

__all__ = ["RequestSpec"]


@dataclass(frozen=True)
class RequestSpec:
    """One API call, described without any I/O."""

    method: str
    path: str
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    data: dict[str, Any] | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    response: Literal["json", "text", "bytes", "auto"] = "json"
    stream: bool = False
    cast: Callable[[Any], Any] = Result
    text_cast: Callable[[str], Any] = str
    timeout: float | Timeout | None = None
    max_retries: int | None = None

    def with_query(self, **query: Any) -> RequestSpec:
        """A copy with extra query parameters (used for paging)."""
        return replace(self, query={**self.query, **query})
