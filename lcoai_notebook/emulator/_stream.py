"""Serialising emulator responses: compact JSON bytes and Server-Sent Events frames.

``sse_bytes`` turns a handler's :class:`~._router.SSE` event iterator into one ``bytes`` per
event (``data: ...`` or ``event: ...`` + ``data: ...`` for named streams), ends it with
``[DONE]``, honours a fault's cut after k chunks, and turns an error raised mid-stream into an
OpenAI error event. ``primed`` runs a stream to its first event early, so a handler that fails
before streaming anything still gets a proper HTTP error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from ._errors import EmuError, server_error
from ._router import SSE

__all__ = ["dumps", "primed", "sse_bytes"]

log = logging.getLogger("lcoai_notebook.emulator")


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as the service sends it."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a query string or a file) has no UTF-8 form: escape it.
        return json.dumps(obj, separators=(",", ":")).encode("ascii")


_END = object()


def primed(sse: SSE) -> SSE:
    """Run the event generator up to its first event now, so errors a handler raises before
    streaming anything become a proper HTTP error instead of a 200 stream."""
    it = iter(sse.events)
    first = next(it, _END)

    def chained() -> Iterator[Any]:
        try:
            if first is not _END:
                yield first
                yield from it
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    return SSE(chained(), named=sse.named, done=sse.done)


def sse_bytes(sse: SSE, cut_after: int | None) -> Iterator[bytes]:
    """One ``bytes`` per event; ``[DONE]`` at the end unless the stream is cut or fails."""
    events = iter(sse.events)
    count = 0
    try:
        for event in events:
            if cut_after is not None and count >= cut_after:
                return
            if sse.named:
                name, data = event
                yield b"event: " + name.encode() + b"\ndata: " + dumps(data) + b"\n\n"
            else:
                yield b"data: " + dumps(event) + b"\n\n"
            count += 1
        if cut_after is not None and count >= cut_after:
            return  # a cut stream never says [DONE], even when the cut falls at its end
    except EmuError as exc:
        yield _error_event(exc, sse.named)
        return
    except Exception as exc:  # a handler bug mid-stream: end with an error event
        log.error("emulator stream failed", exc_info=True)
        yield _error_event(server_error(exc), sse.named)
        return
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()
    if sse.done:
        yield b"event: done\ndata: [DONE]\n\n" if sse.named else b"data: [DONE]\n\n"


def _error_event(exc: EmuError, named: bool) -> bytes:
    data = b"data: " + dumps(exc.body()) + b"\n\n"
    return b"event: error\n" + data if named else data
