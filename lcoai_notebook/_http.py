"""The requester's I/O shells: :class:`SyncRequester` and :class:`AsyncRequester` send, read and
sleep; every decision is made by :class:`~lcoai_notebook._requester.BaseRequester`.

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
  after retries where the status allows them; every httpx failure becomes an
  :class:`~lcoai_notebook._exceptions.APIConnectionError` (``APITimeoutError`` for timeouts),
  retried, and never chained to the httpx exception (whose ``.request`` holds the token).
- per-call ``spec.timeout`` / ``spec.max_retries`` override the client's (checked before sending).
- checked before anything is sent (``BaseRequester.prepare``; ValueError/TypeError naming the
  argument): every path value (no ``.``/``..``, ``/``, ``?``, ``#``, ``%``, whitespace or control
  characters, in both path formats), the timeout (finite, at most a day), the JSON body (NaN,
  infinity, lone surrogates and non-JSON objects refused; numpy values sent as plain numbers),
  header names and values (ASCII, no control characters).
- ``stream=True`` answered 200 with no body at all is retried like a dropped connection, then
  raises :class:`~lcoai_notebook._exceptions.StreamInterruptedError`.

``RequestSpec`` and the pure :class:`BaseRequester` live in :mod:`lcoai_notebook._requester` and
are re-exported here, so this module stays the one place resources import from. The contract is
also code: :class:`lcoai_notebook._contracts.Requester` (what resources call) and
:class:`~lcoai_notebook._contracts.RequesterDecisions` (what these shells call on the base), checked
by ``tests/test_contracts.py`` against these shells and the tests' one fake.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from ._exceptions import APIError, APIStatusError
from ._requester import (
    BaseRequester,
    RequestSpec,
    RouteMemory,
    host_of,
    is_json_type,
    parse_retry_after,
    to_httpx_timeout,
)

__all__ = [
    "AsyncRequester",
    "BaseRequester",
    "RequestSpec",
    "RouteMemory",
    "SyncRequester",
    "parse_retry_after",
    "to_httpx_timeout",
]


class SyncRequester(BaseRequester):
    """Sends with an ``httpx.Client``; ``request(spec)`` returns the result."""

    is_async = False

    def __init__(self, http_client: httpx.Client, **kwargs: Any) -> None:
        super().__init__(http_client, **kwargs)
        self._sleep = time.sleep

    def request(self, spec: RequestSpec) -> Any:
        """Send ``spec`` (with retries and the Old-format fallback) and return its result."""
        content = self.prepare(spec)
        ticket = self.admit(spec)  # the budget guard: may refuse before anything is sent
        try:
            result = self._request(spec, content)
        except APIStatusError as exc:
            self.release(ticket)
            raise self.explain(spec, exc)  # noqa: B904 (the same error, message completed)
        except BaseException:
            self.release(ticket)
            raise
        return self.settle(spec, result, ticket)

    def _request(self, spec: RequestSpec, content: bytes | None) -> Any:
        formats = self.formats_for(spec)
        for i, fmt in enumerate(formats):
            try:
                result = self._send(spec, fmt, content)
            except APIStatusError as exc:
                if self.try_next_format(spec, exc, i, formats):
                    continue
                raise
            self.remember(spec, fmt)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, spec: RequestSpec, fmt: str, content: bytes | None = None) -> Any:
        max_retries = self.effective_max_retries(spec)
        timeout = self.call_timeout(spec)
        attempt = 0
        while True:
            request = self.build_request(spec, fmt, attempt, content)
            host = host_of(request.url)
            started = time.monotonic()
            response: httpx.Response | None = None
            error: APIError
            try:
                response = self._http.send(request, stream=True)
            except httpx.RequestError as exc:
                error = self.transport_error(exc, host, timeout)
                failure = type(exc).__name__
            route = self.sent(request, failure if response is None else response, started)
            del request  # see BaseRequester.sent: no token in this frame's locals
            if response is not None:
                keep_open = False
                try:
                    if not response.is_success:
                        error = self.status_error(response, response.read())
                    elif not spec.stream:
                        return self.parse_success(spec, response, response.read())
                    else:
                        stream = self._open_stream(spec, response)
                        if stream is not None:
                            keep_open = True
                            return stream
                        error = self.empty_stream(response)
                except httpx.RequestError as exc:
                    error = self.transport_error(exc, host, timeout)
                finally:
                    if not keep_open:
                        response.close()
            wait = self.wait_or_raise(route, error, attempt, max_retries)
            if wait > 0:
                self._sleep(wait)
            attempt += 1

    def _open_stream(self, spec: RequestSpec, response: httpx.Response) -> Any:
        from ._sse import Stream

        if is_json_type(response.headers.get("content-type", "")):
            raise self.not_a_stream(response, response.read())
        chunks = response.iter_bytes()
        # Pull the first bytes here, inside the retry loop: a connection dropped before any of
        # the body arrived is retried; after that, it is a StreamInterruptedError.
        first = next(chunks, b"")
        if not first:
            return None  # no body at all: the caller retries (BaseRequester.empty_stream)
        return Stream(response, spec.cast, chunks, first)

    def close(self) -> None:
        if self._owns_client:
            self._http.close()


# SyncRequester's I/O twin, awaiting where it calls (deliberate: decisions live in BaseRequester).
class AsyncRequester(BaseRequester):
    """Sends with an ``httpx.AsyncClient``; ``request(spec)`` returns an awaitable."""

    is_async = True

    def __init__(self, http_client: httpx.AsyncClient, **kwargs: Any) -> None:
        super().__init__(http_client, **kwargs)
        self._sleep = asyncio.sleep

    def request(self, spec: RequestSpec) -> Any:
        """A coroutine that sends ``spec`` and returns its result."""
        return self._request(spec)

    async def _request(self, spec: RequestSpec) -> Any:
        content = self.prepare(spec)
        ticket = self.admit(spec)  # the budget guard: may refuse before anything is sent
        try:
            result = await self._request_formats(spec, content)
        except APIStatusError as exc:
            self.release(ticket)
            raise self.explain(spec, exc)  # noqa: B904 (the same error, message completed)
        except BaseException:
            self.release(ticket)
            raise
        return self.settle(spec, result, ticket)

    async def _request_formats(self, spec: RequestSpec, content: bytes | None) -> Any:
        formats = self.formats_for(spec)
        for i, fmt in enumerate(formats):
            try:
                result = await self._send(spec, fmt, content)
            except APIStatusError as exc:
                if self.try_next_format(spec, exc, i, formats):
                    continue
                raise
            self.remember(spec, fmt)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(self, spec: RequestSpec, fmt: str, content: bytes | None = None) -> Any:
        max_retries = self.effective_max_retries(spec)
        timeout = self.call_timeout(spec)
        attempt = 0
        while True:
            request = self.build_request(spec, fmt, attempt, content)
            host = host_of(request.url)
            started = time.monotonic()
            response: httpx.Response | None = None
            error: APIError
            try:
                response = await self._http.send(request, stream=True)
            except httpx.RequestError as exc:
                error = self.transport_error(exc, host, timeout)
                failure = type(exc).__name__
            route = self.sent(request, failure if response is None else response, started)
            del request  # see BaseRequester.sent: no token in this frame's locals
            if response is not None:
                keep_open = False
                try:
                    if not response.is_success:
                        error = self.status_error(response, await response.aread())
                    elif not spec.stream:
                        return self.parse_success(spec, response, await response.aread())
                    else:
                        stream = await self._open_stream(spec, response)
                        if stream is not None:
                            keep_open = True
                            return stream
                        error = self.empty_stream(response)
                except httpx.RequestError as exc:
                    error = self.transport_error(exc, host, timeout)
                finally:
                    if not keep_open:
                        await response.aclose()
            wait = self.wait_or_raise(route, error, attempt, max_retries)
            if wait > 0:
                await self._sleep(wait)
            attempt += 1

    async def _open_stream(self, spec: RequestSpec, response: httpx.Response) -> Any:
        from ._sse import AsyncStream

        if is_json_type(response.headers.get("content-type", "")):
            raise self.not_a_stream(response, await response.aread())
        chunks = response.aiter_bytes()
        first = await anext(chunks, b"")
        if not first:
            return None  # no body at all: the caller retries (BaseRequester.empty_stream)
        return AsyncStream(response, spec.cast, chunks, first)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._http.aclose()
