"""The relay's way to the service: the client's own async requester, so LowCodeAPI's envelope,
path formats, nested errors, retries and redaction are handled by the code that handles them for
every learner. Two differences: the relay keeps its own ledger (the requester's budget guard and
retirement warnings are for a notebook user, not a server), and a stream is handed back as its
raw bytes, to be passed on as they arrive rather than decoded and encoded again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from .._client import AsyncClient
from .._http import AsyncRequester
from .._requester import RequestSpec

__all__ = ["RawStream", "Upstream"]


class RawStream:
    """An upstream stream's bytes as they arrive, and its content type."""

    def __init__(self, response: httpx.Response, first: bytes,
                 chunks: AsyncIterator[bytes]) -> None:
        self.content_type = response.headers.get("content-type", "text/event-stream")
        self._response = response
        self._first = first
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        first, self._first = self._first, b""
        if first:
            yield first
        async for chunk in self._chunks:
            yield chunk

    async def aclose(self) -> None:
        await self._response.aclose()


class _RelayRequester(AsyncRequester):
    def admit(self, spec: RequestSpec) -> Any:
        return None  # the relay reserves against its own ledger before calling

    def settle(self, spec: RequestSpec, result: Any, ticket: Any) -> Any:
        return result

    def release(self, ticket: Any) -> None:
        return None

    async def _open_stream(self, spec: RequestSpec, response: httpx.Response) -> Any:
        content_type = response.headers.get("content-type", "")
        if "json" in content_type.split(";")[0]:
            raise self.not_a_stream(response, await response.aread())
        chunks = response.aiter_bytes()
        first = await anext(chunks, b"")
        if not first:
            return None  # no body: the requester retries, then raises a typed error
        return RawStream(response, first, chunks)


class Upstream(AsyncClient):
    """An :class:`~lcoai_notebook.AsyncClient` whose requester suits the relay."""

    _requester_cls = _RelayRequester

    async def send(self, spec: RequestSpec) -> Any:
        """The result of ``spec`` (a parsed JSON body, text, ``(bytes, content_type)`` or a
        :class:`RawStream`); typed errors as the client raises them."""
        return await self._requester.request(spec)
