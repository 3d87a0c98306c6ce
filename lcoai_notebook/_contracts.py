"""The requester's contracts, as code: what each side of a seam may rely on.

Two seams meet at the requester (see the prose contract in :mod:`lcoai_notebook._http`):

- :class:`Requester` is what API resources, pages and flows use: ``request(spec)`` returns the
  result (sync) or an awaitable of it (async, ``is_async`` true), and ``flavor`` names the wire.
  :class:`~lcoai_notebook._http.SyncRequester`, :class:`~lcoai_notebook._http.AsyncRequester`
  and the tests' one fake (``tests/_fake_requester.py``) implement it.
- :class:`RequesterDecisions` is what the I/O shells in :mod:`lcoai_notebook._http` call on the
  pure :class:`~lcoai_notebook._requester.BaseRequester`: every decision (what to send, what a
  response means, whether to retry and how long to wait, which path format to try next), with
  no I/O. A shell only sends, reads and sleeps between these calls.

Both are ``runtime_checkable`` so a test can say ``isinstance(fake, Requester)``; the check sees
only that the names exist, so ``tests/test_contracts.py`` also compares the signatures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    import httpx

    from ._config import Timeout
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        StreamInterruptedError,
    )
    from ._requester import RequestSpec

__all__ = ["Requester", "RequesterDecisions"]


@runtime_checkable
class Requester(Protocol):
    """What every API resource holds: sends one :class:`RequestSpec`, returns its result."""

    #: True when :meth:`request` returns an awaitable (``AsyncClient``).
    is_async: bool
    #: ``"lowcodeapi"`` or ``"openai"``: the few resources whose wire differs read it.
    flavor: str

    def request(self, spec: RequestSpec) -> Any:
        """The result of ``spec`` (sync), or an awaitable of it (async)."""
        ...


@runtime_checkable
class RequesterDecisions(Protocol):
    """Every decision the I/O shells delegate, with no I/O (``BaseRequester`` implements it)."""

    def prepare(self, spec: RequestSpec) -> bytes | None:
        """Check the caller's arguments before sending; the JSON body's bytes, or None."""
        ...

    def formats_for(self, spec: RequestSpec) -> list[str]:
        """The path formats to try, in order."""
        ...

    def effective_max_retries(self, spec: RequestSpec) -> int:
        """The call's retry budget."""
        ...

    def call_timeout(self, spec: RequestSpec) -> Timeout:
        """The timeouts ``spec`` is sent with."""
        ...

    def build_request(self, spec: RequestSpec, url_format: str = "new", retry_count: int = 0,
                      content: bytes | None = None) -> httpx.Request:
        """The signed ``httpx.Request`` for one attempt."""
        ...

    def sent(self, request: httpx.Request, outcome: httpx.Response | str,
             started: float) -> str:
        """Log one attempt; the redacted ``"METHOD url"`` for later messages."""
        ...

    def status_error(self, response: httpx.Response, content: bytes) -> APIStatusError:
        """The error for a non-2xx response."""
        ...

    def parse_success(self, spec: RequestSpec, response: httpx.Response,
                      content: bytes) -> Any:
        """The result of a 2xx non-streaming response."""
        ...

    def not_a_stream(self, response: httpx.Response,
                     content: bytes) -> APIResponseValidationError:
        """The error for JSON where an event stream was asked for."""
        ...

    def empty_stream(self, response: httpx.Response) -> StreamInterruptedError:
        """The error for an event stream with no body at all."""
        ...

    def transport_error(self, exc: httpx.RequestError, host: str,
                        timeout: Timeout | None = None) -> APIConnectionError:
        """Our (redacted, unchained) error for an httpx failure."""
        ...

    def wait_or_raise(self, route: str, error: APIError, attempt: int,
                      max_retries: int) -> float:
        """Seconds to wait before the next attempt, or raise ``error``."""
        ...

    def try_next_format(self, spec: RequestSpec, exc: APIStatusError, i: int,
                        formats: list[str]) -> bool:
        """True to try the next path format after ``formats[i]`` failed with ``exc``."""
        ...

    def remember(self, spec: RequestSpec, fmt: str) -> None:
        """Record that ``fmt`` reaches ``spec``'s route."""
        ...

    def admit(self, spec: RequestSpec) -> Any:
        """Before sending: warn about a retiring model; reserve the worst case against the
        budget or raise ``BudgetExceededError``. Returns the reservation."""
        ...

    def settle(self, spec: RequestSpec, result: Any, ticket: Any) -> Any:
        """After a successful parse: record the cost (a stream's when it ends); the result."""
        ...

    def release(self, ticket: Any) -> None:
        """Drop the reservation of a request that failed."""
        ...

    def explain(self, spec: RequestSpec, exc: APIStatusError) -> APIStatusError:
        """``exc`` with a 404 for a retired model explained."""
        ...
