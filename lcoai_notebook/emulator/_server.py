"""The loopback HTTP server: uvicorn in a daemon thread, a minimal ASGI shell over EmuApp.

Handlers run in worker threads so the event loop stays free for other connections and for
latency sleeps. Streams are pumped from a thread into the loop; whatever events are ready when
the loop gets to write are sent in one write, so a 20,000-event stream costs few syscalls while an
event produced alone still goes out at once (truly incremental).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from .._serve import ThreadedServer
from ._app import EmuApp, EmuResponse
from ._body import BodyReader, declared_length

__all__ = ["EmuServer"]

_DROP_MESSAGE = "ASGI callable returned without completing response."
#: Pump back-pressure: the producer waits when this many bytes are queued and unsent.
_HIGH_WATER = 1 << 20


class _QuietDrop(logging.Filter):
    """Hide uvicorn's error line for the connection drops we inject on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DROP_MESSAGE


_filter_installed = False


def _install_filter() -> None:
    global _filter_installed
    if not _filter_installed:
        logging.getLogger("uvicorn.error").addFilter(_QuietDrop())
        _filter_installed = True


class _Pump:
    """Moves chunks from a blocking iterator (run in a thread) to the event loop."""

    def __init__(self, chunks: Iterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._chunks = chunks
        self._loop = loop
        self._cond = threading.Condition()
        self._buf: list[bytes] = []
        self._size = 0
        self._done = False
        self._error: BaseException | None = None
        self._waiting = False
        self.cancelled = False
        self._ready = asyncio.Event()
        self._thread = threading.Thread(target=self._run, name="lcoai-emulator-stream",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _wake(self) -> None:
        # Called with the condition held: only wake the loop when it is waiting for data.
        if self._waiting:
            self._waiting = False
            try:
                self._loop.call_soon_threadsafe(self._ready.set)
            except RuntimeError:  # the loop is gone (server stopped): nobody is waiting
                pass

    def _run(self) -> None:
        try:
            for chunk in self._chunks:
                with self._cond:
                    while self._size >= _HIGH_WATER and not self.cancelled:
                        self._cond.wait(0.5)
                    if self.cancelled:
                        break
                    self._buf.append(chunk)
                    self._size += len(chunk)
                    self._wake()
        except BaseException as exc:  # reported to the loop side, which ends the response
            self._error = exc
        finally:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:
                    pass
            with self._cond:
                self._done = True
                self._wake()

    async def next_batch(self) -> bytes | None:
        """Everything produced so far (waiting if nothing is), or None at the end."""
        while True:
            with self._cond:
                if self._buf:
                    data = b"".join(self._buf)
                    self._buf.clear()
                    self._size = 0
                    self._cond.notify_all()
                    return data
                if self._done:
                    return None
                self._waiting = True
                self._ready.clear()
            await self._ready.wait()

    def cancel(self) -> None:
        with self._cond:
            self.cancelled = True
            self._cond.notify_all()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class _ASGIShell:
    def __init__(self, app: EmuApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        method = scope["method"]
        # The path as sent (percent-encoded): the app splits segments before decoding them.
        path = scope.get("raw_path") or scope["path"].encode("utf-8")
        path = path.decode("latin-1").partition("?")[0]
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        refusal, limit = self.app.preflight(method, path, headers)
        if refusal is None:
            declared = declared_length(next((v for k, v in headers
                                             if k.lower() == "content-length"), None))
            if declared is not None and declared > limit:
                # Refused unread: uvicorn discards the rest of the body as it arrives.
                refusal = self.app.too_large(method, path, declared)
        if refusal is not None:
            await self._send_whole(refusal, send)
            return
        reader = BodyReader(limit, declared)
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                reader.close()
                return
            if not reader.feed(message.get("body", b"")):
                await self._send_whole(self.app.too_large(method, path, None), send)
                return
            if not message.get("more_body"):
                break
        body = reader.body()
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                          keep_blank_values=True)
        loop = asyncio.get_running_loop()
        resp: EmuResponse = await loop.run_in_executor(
            None, self.app.handle, method, path, query, headers, body)
        del body
        if resp.delay:
            await asyncio.sleep(resp.delay)
        if not resp.streaming:
            await self._send_whole(resp, send)
            return
        raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in resp.headers.items()]
        await self._stream(resp, raw_headers, receive, send, loop)

    @staticmethod
    async def _send_whole(resp: EmuResponse, send: Any) -> None:
        raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in resp.headers.items()]
        data = bytes(resp.body)  # type: ignore[arg-type]
        promised = len(data) + (1024 if resp.drop else 0)
        raw_headers.append((b"content-length", str(promised).encode()))
        await send({"type": "http.response.start", "status": resp.status,
                    "headers": raw_headers})
        # A drop leaves the response incomplete: uvicorn then closes the connection.
        await send({"type": "http.response.body", "body": data, "more_body": resp.drop})

    async def _stream(self, resp: EmuResponse, raw_headers: list[tuple[bytes, bytes]],
                      receive: Any, send: Any, loop: asyncio.AbstractEventLoop) -> None:
        pump = _Pump(resp.body, loop)  # type: ignore[arg-type]

        async def watch_disconnect() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    pump.cancel()
                    return

        watcher = asyncio.ensure_future(watch_disconnect())
        pump.start()
        try:
            await send({"type": "http.response.start", "status": resp.status,
                        "headers": raw_headers})
            while not pump.cancelled:
                data = await pump.next_batch()
                if data is None:
                    break
                await send({"type": "http.response.body", "body": data, "more_body": True})
            else:
                return
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the client went away mid-stream
            pass
        finally:
            pump.cancel()
            watcher.cancel()
            try:
                await watcher
            except (asyncio.CancelledError, Exception):
                pass


class EmuServer(ThreadedServer):
    """Serve an :class:`EmuApp` on ``127.0.0.1:port`` (0 = an ephemeral port) in a thread."""

    def __init__(self, app: EmuApp, port: int = 0, host: str = "127.0.0.1") -> None:
        super().__init__(_ASGIShell(app), host, port, name="lcoai-emulator",
                         what="the emulator server")
        self.app = app
        # The name it was started with is served too (see EmuApp._check_host).
        app.allowed_hosts.add(host.strip("[]").lower())

    def start(self, timeout: float = 10.0) -> int:
        """Start serving; returns the bound port."""
        _install_filter()
        return super().start(timeout)
