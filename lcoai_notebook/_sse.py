"""Server-sent events: a pure incremental decoder over bytes, and the streams built on it.

The decoder is fed byte chunks exactly as they come off the socket (a line or an event may be
split anywhere, ``\\r\\n`` and ``\\r`` line ends are allowed, comments keep connections alive) and
returns complete events. It is fast because the work per event is a handful of C calls: each network
chunk is decoded once (incrementally, so split UTF-8 characters survive), event blocks come from
one ``str.split("\\n\\n")``, and the common event, one ``data: {...}`` line, goes straight to
the JSON scanner at offset 6: no per-line regexes, no slicing, no per-event decoding.

:class:`Stream` / :class:`AsyncStream` turn the events of a response into results, one per event,
until ``data: [DONE]``. A body that ends first raises
:class:`~lcoai_notebook._exceptions.StreamInterruptedError` with the text received so far.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from ._exceptions import (
    APIError,
    APIResponseValidationError,
    StreamInterruptedError,
    status_error_class,
)
from ._wire import clean_text, redact, redact_obj

__all__ = ["AsyncStream", "SSEDecoder", "Stream", "accumulated_text"]

# The item type of a stream (ChatCompletionChunk ...), for type checkers only.
_T = TypeVar("_T")

_DONE = "[DONE]"
# The C scanner behind json.loads, called directly: json.loads on bytes runs a Python-level
# encoding detection and a whitespace regex per call, which costs more than the parse itself for
# small chunks. A result that does not span the whole text falls back to json.loads.
# JSONDecoder.__init__ sets scan_once on every instance; typeshed does not declare it.
_scan_once: Callable[[str, int], tuple[Any, int]] = (
    json.JSONDecoder().scan_once)  # pyright: ignore[reportAttributeAccessIssue]


class SSEDecoder:
    """Incremental SSE decoder over bytes.

    ``feed(chunk)`` returns the events completed by ``chunk`` as ``(event, data)`` pairs: ``event``
    is the ``event:`` field (``None`` when absent) and ``data`` the ``data:`` lines joined by
    ``\\n``. ``flush()`` ends the input. ``last_event_id`` and ``retry`` keep the latest
    ``id:`` / ``retry:`` fields. :meth:`blocks` is the lower level the streams use: the raw text of
    each complete event block.
    """

    __slots__ = ("_buf", "_cr", "_utf8", "last_event_id", "retry")

    def __init__(self) -> None:
        self._buf = ""
        self._cr = False  # a trailing "\r" held back in case the next chunk starts with "\n"
        # Incremental, so a UTF-8 character split between two network chunks decodes correctly;
        # "-sig" drops a leading byte-order mark, as the SSE standard asks.
        self._utf8 = codecs.getincrementaldecoder("utf-8-sig")("replace").decode
        self.last_event_id: str | None = None
        self.retry: int | None = None

    def blocks(self, chunk: bytes) -> list[str]:
        """The complete event blocks (text between blank lines) that ``chunk`` finishes."""
        text = self._utf8(chunk)
        if self._cr:
            text = "\r" + text
            self._cr = False
        if "\r" in text:
            if text.endswith("\r"):
                text = text[:-1]
                self._cr = True
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        buf = self._buf + text if self._buf else text
        if "\n\n" not in buf:
            self._buf = buf
            return []
        blocks = buf.split("\n\n")
        self._buf = blocks.pop()
        return blocks

    def feed(self, chunk: bytes) -> list[tuple[str | None, str]]:
        """Decode ``chunk``; return the events it completes."""
        out: list[tuple[str | None, str]] = []
        for block in self.blocks(chunk):
            ev = self.parse_block(block)
            if ev is not None:
                out.append(ev)
        return out

    def flush_blocks(self) -> list[str]:
        """End of input: the last block if its lines are complete (a server that forgot the final
        blank line); a partial last line is dropped, as the SSE standard says."""
        buf = self._buf + self._utf8(b"", True)
        self._buf = ""
        if self._cr:
            buf += "\n"
            self._cr = False
        if not buf.endswith("\n"):
            head, _, tail = buf.rpartition("\n")
            # Keep an unterminated "data: [DONE]": it cannot be a truncated JSON object.
            buf = buf if tail.strip() in ("data: [DONE]", "data:[DONE]") else head
        buf = buf.strip("\n")
        return [buf] if buf else []

    def flush(self) -> list[tuple[str | None, str]]:
        """End of input: the events :meth:`flush_blocks` completes."""
        out = []
        for block in self.flush_blocks():
            ev = self.parse_block(block)
            if ev is not None:
                out.append(ev)
        return out

    def parse_block(self, block: str) -> tuple[str | None, str] | None:
        """``(event, data)`` for one block, or ``None`` when it carries no data (comments,
        ``retry:`` alone)."""
        if block.startswith("data: ") and "\n" not in block:
            return None, block[6:]
        event: str | None = None
        data: list[str] = []
        for line in block.split("\n"):
            if not line or line[0] == ":":
                continue  # blank (from "\n\n\n") or a comment / keep-alive
            name, colon, value = line.partition(":")
            if colon and value[:1] == " ":
                value = value[1:]
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
            elif name == "id":
                if "\0" not in value:
                    self.last_event_id = value
            elif name == "retry":
                if value.isdigit():
                    self.retry = int(value)
        if not data:
            return None
        return event, "\n".join(data)


def accumulated_text(chunks: Iterable[Any]) -> str:
    """The text of choice 0 across stream chunks: chat ``delta.content`` or completions ``text``."""
    parts: list[Any] = []
    append = parts.append
    for chunk in chunks:
        # Fast path: the usual chunk, whose first choice is choice 0 with a content delta.
        try:
            choice = chunk["choices"][0]
            if choice["index"] == 0:
                append(choice["delta"]["content"])
                continue
        except (KeyError, IndexError, TypeError):
            pass
        content = _choice0_text(chunk)
        if content:
            append(content)
    try:
        return "".join(parts)
    except TypeError:  # a null content (tool-call deltas) took the fast path
        return "".join(p for p in parts if type(p) is str)


def _choice0_text(chunk: Any) -> str | None:
    if type(chunk) is not dict:
        chunk = getattr(chunk, "_data", None)
        if type(chunk) is not dict:
            return None
    choices = chunk.get("choices")
    if type(choices) is not list:
        return None
    for choice in choices:
        if type(choice) is dict and choice.get("index", 0) == 0:
            delta = choice.get("delta")
            content = delta.get("content") if type(delta) is dict else choice.get("text")
            return content if type(content) is str else None
    return None


def _event_error(obj: dict[str, Any]) -> APIError:
    """An API error from an ``error`` payload inside a stream."""
    err = obj.get("error", obj)  # "event: error" may carry the error object itself
    if isinstance(err, dict) and isinstance(err.get("error"), dict):
        err = err["error"]
    if not isinstance(err, dict):
        err = {"message": str(err)}
    err = redact_obj(err)
    # Terminal escapes out of the text an exception will print (the body keeps the data).
    message = clean_text(str(err.get("message") or "An error occurred during streaming"))
    code = err.get("code")
    code = clean_text(str(code)) if code is not None else None
    status = err.get("status_code") or err.get("status")
    kwargs = dict(body=err, code=code, type=err.get("type"), param=err.get("param"))
    if isinstance(status, int) and 400 <= status < 600:
        return status_error_class(status, code)(message, status_code=status, **kwargs)
    return APIError(message, **kwargs)


class _KeptEvents(Sequence):
    """A stream's events, each decoded when it is read (a kept block is the event's text)."""

    def __init__(self, kept: list[Any]) -> None:
        self._kept = kept

    def __len__(self) -> int:
        return len(self._kept)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._kept)))]
        kept = self._kept[index]
        return _scan_once(kept, 6)[0] if type(kept) is str else kept

    def last_containing(self, needle: str) -> Iterator[Any]:
        """Events from the last back, skipping undecoded ones whose text lacks ``needle``."""
        for kept in reversed(self._kept):
            if type(kept) is str:
                if needle not in kept:
                    continue
                kept = _scan_once(kept, 6)[0]
            yield kept


class _StreamBase:
    """What sync and async streams share: decoding network chunks into results.

    Cost matters here (a long stream is tens of thousands of events), so per event the stream
    keeps only the event's text (``data: {...}`` block, an ``str`` the decoder made anyway) and a
    reference to choice 0's content; :attr:`chunks` decodes the kept blocks on demand. Keeping the
    decoded dicts instead would double the cost of a stream (allocation and GC of every chunk).
    The shells only pull bytes (``for`` / ``async for``) and feed them to :meth:`_items`.
    """

    def __init__(self, response: Any, cast: Callable[[Any], Any], chunks: Any = None,
                 first: bytes = b""):
        # Private on purpose: httpx's Request repr shows the full URL, api_token included.
        self._response = response
        self._cast = cast
        self._decoder = SSEDecoder()
        # The body's byte iterator, and the first chunk the requester already pulled from it
        # (inside its retry loop).
        self._chunks = chunks
        self._first = first
        self._kept: list[Any] = []  # per event: its block (str) or, off the fast path, its JSON
        self._parts: list[Any] = []  # choice 0's text pieces (None for null contents)
        self.done = False
        self.closed = False
        self._iterator: Any = None  # for next(stream) / await anext(stream)
        #: Called once with the decoded chunks when the stream closes (the requester records
        #: the stream's cost from the usage in its last chunk).
        self._on_end: Callable[[Sequence[Any]], Any] | None = None

    def _ended(self) -> None:
        on_end, self._on_end = self._on_end, None
        if on_end is not None:
            # Decoded on demand: the cost hook reads two events of thousands.
            on_end(_KeptEvents(self._kept))

    @property
    def chunks(self) -> list[Any]:
        """The decoded JSON of every event received so far."""
        out = []
        for kept in self._kept:
            if type(kept) is str:
                kept = _scan_once(kept, 6)[0]
            out.append(kept)
        return out

    @property
    def text(self) -> str:
        """The text received so far (choice 0: chat ``delta.content`` or completions ``text``)."""
        try:
            return "".join(self._parts)
        except TypeError:  # a null content (tool-call deltas)
            return "".join(p for p in self._parts if type(p) is str)

    def _interrupted(self, reason: str) -> StreamInterruptedError:
        chunks = self.chunks
        return StreamInterruptedError(
            f"The stream ended before [DONE] ({redact(clean_text(reason))}); {len(chunks)} "
            "chunk(s) received. "
            "The text so far is in .text.",
            # Redacted like every error (a proxy may echo the request into the output).
            text=redact(self.text),
            chunks=redact_obj(chunks),
        )

    def _items(self, raw: bytes) -> Iterator[Any]:
        """The results of the events that network chunk ``raw`` completes; sets :attr:`done` and
        stops at ``[DONE]``. The hot path of every stream."""
        cast = self._cast
        keep = self._kept.append
        part = self._parts.append
        for block in self._decoder.blocks(raw):
            # Hot path: a single "data: {...}" line. The C scanner starts right after "data: "
            # (no slicing); a block with more after the JSON (a second line, an id:) or an error
            # payload takes the general path.
            if block.startswith("data: {"):
                try:
                    chunk, end = _scan_once(block, 6)
                except (ValueError, StopIteration):
                    chunk, end = {}, -1
                if end == len(block) and "error" not in chunk:
                    keep(block)
                    try:
                        choice = chunk["choices"][0]
                        if choice["index"] == 0:
                            part(choice["delta"]["content"])
                        else:
                            raise KeyError
                    except (KeyError, IndexError, TypeError):
                        text = _choice0_text(chunk)
                        if text:
                            part(text)
                    yield cast(chunk)
                    continue
            # The general path (a "data: {" block here always holds data, never [DONE]).
            obj = self._decode_block(block)
            if obj is None:
                continue
            if obj is _DONE:
                self.done = True
                return
            yield cast(obj)

    def _first_items(self) -> Iterator[Any]:
        """The results of the first network chunk, which the requester pulled inside its retry
        loop; the chunk is let go once read (a buffered body's first chunk can be all of it)."""
        first, self._first = self._first, b""
        if first:
            yield from self._items(first)

    def _tail(self) -> Iterator[Any]:
        """After the last network chunk: the results of a final event that lacked its blank
        line; raises :class:`StreamInterruptedError` unless ``[DONE]`` came."""
        for block in self._decoder.flush_blocks():
            obj = self._decode_block(block)
            if obj is _DONE:
                self.done = True
                return
            if obj is not None:
                yield self._cast(obj)
        raise self._interrupted("the connection closed")

    def _decode_block(self, block: str) -> Any:
        """The decoded JSON of one event block: ``None`` for a block without data, ``_DONE`` at
        the end; raises for ``error`` payloads and undecodable data. Keeps the event."""
        ev = self._decoder.parse_block(block)
        if ev is None:
            return None
        event, data = ev
        if data.startswith(_DONE):
            return _DONE
        try:
            obj = json.loads(data)
        except ValueError:
            obj = _BAD
        if obj is _BAD:
            # Raised outside the ``except``: a chained JSONDecodeError would keep the raw data.
            raise APIResponseValidationError(
                f"Could not decode a stream event as JSON: {redact(data[:200])!r}"
            )
        if event == "error" or (event is None and type(obj) is dict and obj.get("error")):
            raise _event_error(obj if isinstance(obj, dict) else {"error": obj})
        if event is not None and event != "message":
            # Named events (Assistants streams): keep the name next to the payload.
            obj = {"event": event, "data": obj}
        self._kept.append(obj)
        text = _choice0_text(obj)
        if text:
            self._parts.append(text)
        return obj

    def __repr__(self) -> str:
        state = "done" if self.done else ("closed" if self.closed else "open")
        return f"<{type(self).__name__} {state}, {len(self._kept)} chunk(s)>"


_BAD = object()


class Stream(_StreamBase, Generic[_T]):
    """An iterable, closeable stream of results (``for chunk in stream``).

    Attributes
    ----------
    chunks : list
        The decoded JSON of every event received so far.
    text : str
        The text received so far (choice 0).
    """

    def __iter__(self) -> Iterator[_T]:
        # One underlying generator, so next(stream) and a later for-loop continue each other.
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def __next__(self) -> _T:
        return next(iter(self))

    def _events(self) -> Iterator[Any]:
        import httpx

        if self.closed:
            return
        items = self._items
        reason = None
        try:
            try:
                yield from self._first_items()
                if not self.done:
                    for raw in self._chunks:
                        yield from items(raw)
                        if self.done:
                            break
            except httpx.RequestError as exc:
                reason = f"{type(exc).__name__}: {exc}"
            if reason is not None:
                # Outside the ``except``: the httpx error's .request holds the URL and token.
                raise self._interrupted(reason)
            if not self.done:
                yield from self._tail()
        finally:
            self.close()

    def close(self) -> None:
        """Close the response (safe to call more than once)."""
        if not self.closed:
            self.closed = True
            self._ended()
            self._response.close()
            it = self._iterator
            if it is not None and not it.gi_running:
                it.close()  # a later next()/for ends at once

    def until_done(self) -> Stream[_T]:
        """Consume the rest of the stream; return it (``chunks``/``text`` then hold everything)."""
        for _ in self:
            pass
        return self

    def get_final_text(self) -> str:
        """Consume the rest of the stream and return the whole text of choice 0."""
        return self.until_done().text

    def __enter__(self) -> Stream[_T]:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncStream(_StreamBase, Generic[_T]):
    """The async twin of :class:`Stream` (``async for chunk in stream``)."""

    def __aiter__(self) -> AsyncIterator[_T]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    async def __anext__(self) -> _T:
        return await self.__aiter__().__anext__()

    async def _events(self) -> AsyncIterator[Any]:
        # The async shell of Stream._events, line for line (a deliberate sync/async pair).
        import httpx

        if self.closed:
            return
        items = self._items
        reason = None
        try:
            try:
                for item in self._first_items():
                    yield item
                if not self.done:
                    async for raw in self._chunks:
                        for item in items(raw):
                            yield item
                        if self.done:
                            break
            except httpx.RequestError as exc:
                reason = f"{type(exc).__name__}: {exc}"
            if reason is not None:
                raise self._interrupted(reason)
            if not self.done:
                for item in self._tail():
                    yield item
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Close the response (safe to call more than once)."""
        if not self.closed:
            self.closed = True
            self._ended()
            await self._response.aclose()
            it = self._iterator
            if it is not None and not it.ag_running:
                await it.aclose()
            # httpx's byte iterator is an async generator: close it now rather than at GC.
            chunks = self._chunks
            if hasattr(chunks, "aclose") and not getattr(chunks, "ag_running", False):
                await chunks.aclose()

    async def until_done(self) -> AsyncStream:
        """Consume the rest of the stream; return it."""
        async for _ in self:
            pass
        return self

    async def get_final_text(self) -> str:
        """Consume the rest of the stream and return the whole text of choice 0."""
        return (await self.until_done()).text

    async def __aenter__(self) -> AsyncStream:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()
