"""In-process httpx transports over :class:`EmuApp` (no sockets; for fast tests and notebooks).

The same app serves these and the loopback server, so a client sees the same bytes either way.
A ``drop`` fault yields the partial body and then raises :class:`httpx.RemoteProtocolError`,
as httpx does when a real peer closes early.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from ._app import EmuApp, EmuResponse
from ._body import BodyReader, declared_length

__all__ = ["EmuAsyncTransport", "EmuTransport"]

#: Stream events handed to httpx per chunk: fewer, larger chunks keep a long stream cheap.
_COALESCE = 32


def _dropped(resp: EmuResponse) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body: received "
        f"{len(resp.body)} bytes, expected {len(resp.body) + 1024}")  # type: ignore[arg-type]


def _coalesced(chunks: Iterator[bytes]) -> Iterator[bytes]:
    batch: list[bytes] = []
    for chunk in chunks:
        batch.append(chunk)
        if len(batch) >= _COALESCE:
            yield b"".join(batch)
            batch.clear()
    if batch:
        yield b"".join(batch)


def _chunks(resp: EmuResponse) -> Iterator[bytes]:
    """The body as httpx receives it; a ``drop`` fault raises after the partial body."""
    body = resp.body
    if isinstance(body, (bytes, bytearray)):
        if body:
            yield bytes(body)
        if resp.drop:
            raise _dropped(resp)
        return
    yield from _coalesced(body)


def _close_body(resp: EmuResponse) -> None:
    close = getattr(resp.body, "close", None)
    if close is not None:
        close()


class _SyncStream(httpx.SyncByteStream):
    def __init__(self, resp: EmuResponse) -> None:
        self._resp = resp

    def __iter__(self) -> Iterator[bytes]:
        yield from _chunks(self._resp)

    def close(self) -> None:
        _close_body(self._resp)


class _AsyncStream(httpx.AsyncByteStream):
    def __init__(self, resp: EmuResponse) -> None:
        self._resp = resp

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in _chunks(self._resp):
            yield chunk

    async def aclose(self) -> None:
        _close_body(self._resp)


def _headers(resp: EmuResponse) -> list[tuple[str, str]]:
    headers = list(resp.headers.items())
    if isinstance(resp.body, (bytes, bytearray)):
        extra = 1024 if resp.drop else 0
        headers.append(("content-length", str(len(resp.body) + extra)))
    return headers


def _path(request: httpx.Request) -> str:
    """The path as sent, still percent-encoded (the app splits segments before decoding)."""
    return request.url.raw_path.decode("ascii").partition("?")[0]


def _refusal(app: EmuApp, request: httpx.Request) -> tuple[EmuResponse | None, BodyReader]:
    """A response to send without reading the body (wrong Host, declared length over the
    route's limit), and the reader for the body otherwise."""
    path = _path(request)
    refusal, limit = app.preflight(request.method, path, request.headers.multi_items())
    declared = declared_length(request.headers.get("content-length"))
    if refusal is None and declared is not None and declared > limit:
        refusal = app.too_large(request.method, path, declared)
    return refusal, BodyReader(limit, declared)


def _in_memory(request: httpx.Request) -> bytes | None:
    """The body when the client already holds it in memory (``content=`` bytes, ``json=``)."""
    try:
        return request.content
    except httpx.RequestNotRead:
        return None


def _call(app: EmuApp, request: httpx.Request, body: bytes | bytearray) -> EmuResponse:
    return app.handle(request.method, _path(request), request.url.params.multi_items(),
                      request.headers.multi_items(), body)


def _handle_sync(app: EmuApp, request: httpx.Request) -> EmuResponse:
    refusal, reader = _refusal(app, request)
    if refusal is not None:
        return refusal
    body = _in_memory(request)
    if body is None:  # a streamed body (a generator, a file): read it within the limit
        for chunk in request.stream:  # type: ignore[union-attr]
            if not reader.feed(chunk):
                return app.too_large(request.method, _path(request), None)
        body = reader.body()
    return _call(app, request, body)


async def _handle_async(app: EmuApp, request: httpx.Request) -> EmuResponse:
    refusal, reader = _refusal(app, request)
    if refusal is not None:
        return refusal
    body = _in_memory(request)
    if body is None:
        async for chunk in request.stream:  # type: ignore[union-attr]
            if not reader.feed(chunk):
                return app.too_large(request.method, _path(request), None)
        body = reader.body()
    return _call(app, request, body)


class EmuTransport(httpx.BaseTransport):
    """A synchronous httpx transport answering from an :class:`EmuApp` in this process.

    Parameters
    ----------
    app : EmuApp
        The emulated service.

    Examples
    --------
    >>> import httpx
    >>> from lcoai_notebook.emulator import Emulator
    >>> emu = Emulator(flavor="openai")
    >>> with httpx.Client(transport=emu.transport()) as http:
    ...     r = http.get(emu.inprocess_url + "/models",
    ...                  headers={"Authorization": f"Bearer {emu.api_token}"})
    >>> r.json()["object"]
    'list'
    """

    def __init__(self, app: EmuApp) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resp = _handle_sync(self.app, request)
        if resp.delay:
            time.sleep(resp.delay)
        return httpx.Response(resp.status, headers=_headers(resp), stream=_SyncStream(resp),
                              request=request)


class EmuAsyncTransport(httpx.AsyncBaseTransport):
    """The asynchronous twin of :class:`EmuTransport` (handlers run inline: they are quick)."""

    def __init__(self, app: EmuApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        resp = await _handle_async(self.app, request)
        if resp.delay:
            await asyncio.sleep(resp.delay)
        return httpx.Response(resp.status, headers=_headers(resp), stream=_AsyncStream(resp),
                              request=request)
