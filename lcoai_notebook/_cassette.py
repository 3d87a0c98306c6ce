"""Record a session's HTTP exchanges to a JSON-lines cassette, and replay them without a token.

``connect(record="course.jsonl")`` wraps the live client's httpx transport in a
:class:`RecordingTransport`; ``connect(replay="course.jsonl")`` wraps the emulator's in-process
transport in a :class:`ReplayTransport`; ``Emulator(cassette=...)`` answers from one before its
own routes. The client never knows: it sends and reads HTTP as always.

The file (UTF-8, one JSON object per line):

- a header ``{"cassette": 1, "flavor": "lowcodeapi"}`` (repeated when a session appends);
- one ``{"request": {...}, "response": {...}}`` per exchange. The request keeps the method, the
  path relative to the client's base URL (``/v1/chat/completions`` for LowCodeAPI,
  ``/chat/completions`` for OpenAI), the query without ``api_token``, and the body as its
  canonical key: JSON with sorted keys; multipart as its text fields and the SHA-256 of each file;
  anything else as its SHA-256. The response keeps the status, the content type and the body:
  ``text``, ``events`` (a stream's SSE event blocks, replayed one by one) or ``base64`` (binary).

No token survives in any encoding: the ``Authorization`` header and the ``api_token`` query
parameter are never written, and every text written goes through the wire layer's redaction
(the token raw, percent-encoded and form-encoded; ``at_``/``sk-`` shaped strings), binary bodies
included (redacted as Latin-1 text before base64, which leaves other bytes as they were).

A request matches a recorded one when its key is equal; several recordings of one key are
replayed in order (the last one repeats), so a session that listed files twice replays both.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx

from ._exceptions import LcoaiError

__all__ = ["Cassette", "CassetteMissError", "RecordingTransport", "AsyncRecordingTransport",
           "ReplayTransport", "AsyncReplayTransport", "base_path_of"]

VERSION = 1
_SSE = "text/event-stream"
_DROP_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class CassetteMissError(LcoaiError, LookupError):
    """``strict=True`` replay: the request is not in the recording (nothing was sent)."""


def base_path_of(base_url: str) -> str:
    """The path part of a client's base URL, without a trailing slash (``/openai``, ``/v1``)."""
    return httpx.URL(base_url).path.rstrip("/")


def _redact(text: str) -> str:
    from ._wire import redact

    return redact(text)


def _multipart_key(content_type: str, body: bytes) -> dict[str, Any] | None:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        return None
    fields: list[list[str]] = []
    files: list[list[str]] = []
    for part in body.split(b"--" + match.group(1).encode("latin-1"))[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        disposition = head.decode("utf-8", "replace")
        name = re.search(r'\bname="([^"]*)"', disposition)
        key = name.group(1) if name else ""
        if re.search(r'\bfilename="', disposition):
            files.append([key, hashlib.sha256(content).hexdigest()])
        else:
            fields.append([key, content.decode("utf-8", "replace")])
    return {"fields": sorted(fields), "files": sorted(files)}


def body_key(content_type: str, body: bytes) -> Any:
    """The canonical form of a request body: what two requests must share to match."""
    if not body:
        return None
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype == "multipart/form-data":
        parts = _multipart_key(content_type, body)
        if parts is not None:
            return parts
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
    except ValueError:
        return {"sha256": hashlib.sha256(body).hexdigest()}


def request_record(method: str, path: str, query: Iterable[tuple[str, str]],
                   content_type: str, body: bytes) -> dict[str, Any]:
    """The redacted request half of a cassette entry (also the key a request is matched on)."""
    pairs = sorted([k, _redact(v)] for k, v in query if k != "api_token")
    key = body_key(content_type, body)
    if isinstance(key, str):
        key = _redact(key)
    elif isinstance(key, dict) and "fields" in key:
        key["fields"] = [[k, _redact(v)] for k, v in key["fields"]]
    return {"method": method.upper(), "path": _redact(path), "query": pairs, "body": key}


def _match_key(request: dict[str, Any]) -> str:
    return json.dumps([request["method"], request["path"], request["query"], request["body"]],
                      sort_keys=True, ensure_ascii=False)


def _relative(path: str, base_path: str) -> str:
    return path[len(base_path):] if base_path and path.startswith(base_path + "/") else path


def _request_of(request: httpx.Request, base_path: str) -> dict[str, Any]:
    return request_record(request.method, _relative(request.url.path, base_path),
                          request.url.params.multi_items(),
                          request.headers.get("content-type", ""), request.content)


def _split_events(body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace").replace("\r\n", "\n")
    return [_redact(block) for block in text.split("\n\n") if block.strip()]


def response_record(status: int, content_type: str, body: bytes) -> dict[str, Any]:
    """The redacted response half of a cassette entry."""
    out: dict[str, Any] = {"status": status, "content_type": content_type}
    if content_type.split(";", 1)[0].strip().lower() == _SSE:
        out["events"] = _split_events(body)
        return out
    try:
        out["text"] = _redact(body.decode("utf-8"))
    except UnicodeDecodeError:
        latin = body.decode("latin-1")
        cleaned = _redact(latin)
        raw = cleaned.encode("latin-1", "replace") if cleaned != latin else body
        out["base64"] = base64.b64encode(raw).decode("ascii")
    return out


class Cassette:
    """A recording: its flavor and exchanges, matched by request key (thread-safe).

    Parameters
    ----------
    path : str or Path
        The JSON-lines file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.flavor: str | None = None
        self._by_key: dict[str, list[dict[str, Any]]] = {}
        self._next: dict[str, int] = {}
        self._lock = threading.Lock()
        self.size = 0
        with self.path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    raise ValueError(f"{self.path}: line {n} is not JSON; is this a cassette "
                                     "written by connect(record=...)?") from None
                if "cassette" in obj:
                    self.flavor = obj.get("flavor", self.flavor)
                    continue
                if not isinstance(obj.get("request"), dict) or \
                        not isinstance(obj.get("response"), dict):
                    raise ValueError(f"{self.path}: line {n} is not a cassette entry")
                self._by_key.setdefault(_match_key(obj["request"]), []).append(obj["response"])
                self.size += 1

    def __repr__(self) -> str:
        return f"<Cassette {self.path.name!r} flavor={self.flavor!r} {self.size} exchange(s)>"

    def take(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The recorded response for a request record (in recorded order), or None."""
        key = _match_key(request)
        with self._lock:
            answers = self._by_key.get(key)
            if not answers:
                return None
            i = self._next.get(key, 0)
            self._next[key] = i + 1
            return answers[min(i, len(answers) - 1)]

    def answer(self, method: str, path: str, query: Iterable[tuple[str, str]],
               content_type: str, body: bytes) -> tuple[int, dict[str, str], Any] | None:
        """``(status, headers, body)`` for a recorded request, else None. ``body`` is bytes,
        or an iterator of byte chunks (one per event) for a stream. For servers (the
        emulator); ``path`` is relative to the base URL."""
        found = self.take(request_record(method, path, query, content_type, body))
        if found is None:
            return None
        headers = {"content-type": found.get("content_type") or "application/json"}
        return found["status"], headers, _body_of(found)


def _body_of(found: dict[str, Any]) -> bytes | Iterator[bytes]:
    if "events" in found:
        return iter([(event + "\n\n").encode("utf-8") for event in found["events"]])
    if "base64" in found:
        return base64.b64decode(found["base64"])
    return str(found.get("text", "")).encode("utf-8")


def _httpx_response(found: dict[str, Any], request: httpx.Request, is_async: bool) -> Any:
    headers = {"content-type": found.get("content_type") or "application/json",
               "x-lcoai-replayed": "1"}
    body = _body_of(found)
    if isinstance(body, bytes):
        return httpx.Response(found["status"], headers=headers, content=body, request=request)
    chunks = list(body)
    stream: Any = _AsyncChunks(chunks) if is_async else _Chunks(chunks)
    return httpx.Response(found["status"], headers=headers, stream=stream, request=request)


class _Chunks(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


class _AsyncChunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


# -- recording -------------------------------------------------------------------------------------
class _Writer:
    """Appends entries to the cassette file, one line each (a header first in a new file)."""

    def __init__(self, path: str | os.PathLike[str], flavor: str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"cassette": VERSION, "flavor": flavor}) + "\n")

    def write(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        line = json.dumps({"request": request, "response": response}, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


def _plain_headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROP_HEADERS]


class _RecordingStream(httpx.SyncByteStream):
    """Passes a live stream's bytes through as they come and records them when it closes."""

    def __init__(self, response: httpx.Response, done: Callable[[bytes], None]) -> None:
        self._response = response
        self._done = done
        self._parts: list[bytes] = []

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._response.iter_bytes():
            self._parts.append(chunk)
            yield chunk

    def close(self) -> None:
        done, self._done = self._done, None
        self._response.close()
        if done is not None:
            done(b"".join(self._parts))


class _AsyncRecordingStream(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, done: Callable[[bytes], None]) -> None:
        self._response = response
        self._done = done
        self._parts: list[bytes] = []

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._response.aiter_bytes():
            self._parts.append(chunk)
            yield chunk

    async def aclose(self) -> None:
        done, self._done = self._done, None
        await self._response.aclose()
        if done is not None:
            done(b"".join(self._parts))


class _RecorderBase:
    def __init__(self, inner: Any, path: str | os.PathLike[str], *, base_path: str,
                 flavor: str) -> None:
        self._inner = inner
        self._writer = _Writer(path, flavor)
        self._base_path = base_path.rstrip("/")

    def _recorded(self, request: httpx.Request,
                  response: httpx.Response) -> Callable[[bytes], None]:
        record = _request_of(request, self._base_path)
        status = response.status_code
        ctype = response.headers.get("content-type", "")

        def done(body: bytes) -> None:
            self._writer.write(record, response_record(status, ctype, body))

        return done


class RecordingTransport(_RecorderBase, httpx.BaseTransport):
    """An httpx transport that sends through ``inner`` and appends each exchange to ``path``.

    Parameters
    ----------
    inner : httpx.BaseTransport
        The live transport (``httpx.HTTPTransport()``).
    path : str or Path
        The cassette file (appended to).
    base_path : str
        The path of the client's base URL (``/openai``), removed from recorded paths.
    flavor : {"lowcodeapi", "openai"}
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response = self._inner.handle_request(request)
        done = self._recorded(request, response)
        if response.headers.get("content-type", "").startswith(_SSE):
            return httpx.Response(response.status_code, headers=_plain_headers(response),
                                  stream=_RecordingStream(response, done), request=request)
        try:
            content = response.read()
        finally:
            response.close()
        done(content)
        return httpx.Response(response.status_code, headers=_plain_headers(response),
                              content=content, request=request)

    def close(self) -> None:
        self._inner.close()


class AsyncRecordingTransport(_RecorderBase, httpx.AsyncBaseTransport):
    """The async twin of :class:`RecordingTransport`."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self._inner.handle_async_request(request)
        done = self._recorded(request, response)
        if response.headers.get("content-type", "").startswith(_SSE):
            return httpx.Response(response.status_code, headers=_plain_headers(response),
                                  stream=_AsyncRecordingStream(response, done), request=request)
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        done(content)
        return httpx.Response(response.status_code, headers=_plain_headers(response),
                              content=content, request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()


# -- replaying -------------------------------------------------------------------------------------
class _ReplayBase:
    def __init__(self, cassette: Cassette | str | Path, fallback: Any = None, *,
                 base_path: str, strict: bool = False,
                 notice: Callable[[str], Any] | None = None) -> None:
        self.cassette = cassette if isinstance(cassette, Cassette) else Cassette(cassette)
        self._fallback = fallback
        self._base_path = base_path.rstrip("/")
        self._strict = bool(strict)
        self._notice = notice if notice is not None else (lambda text: print(text, flush=True))
        self._told: set[str] = set()
        self._lock = threading.Lock()

    def _lookup(self, request: httpx.Request) -> dict[str, Any] | None:
        record = _request_of(request, self._base_path)
        found = self.cassette.take(record)
        if found is not None:
            return found
        what = f"{record['method']} {record['path']}"
        if self._strict or self._fallback is None:
            raise CassetteMissError(
                f"{what} (with this body) is not in the recording {self.cassette.path.name!r}; "
                "nothing was sent. Replay with strict=False to let the emulator answer it.")
        with self._lock:
            first = what not in self._told
            self._told.add(what)
        if first:
            self._notice(f"lcoai-notebook: {what} is not in the recording; the emulator "
                         "answers it (simulated).")
        return None


class ReplayTransport(_ReplayBase, httpx.BaseTransport):
    """An httpx transport answering from a cassette, else from ``fallback`` (the emulator's
    transport) with a one-line notice per route; ``strict=True`` raises
    :class:`CassetteMissError` instead."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        found = self._lookup(request)
        if found is not None:
            return _httpx_response(found, request, is_async=False)
        return self._fallback.handle_request(request)

    def close(self) -> None:
        if self._fallback is not None:
            self._fallback.close()


class AsyncReplayTransport(_ReplayBase, httpx.AsyncBaseTransport):
    """The async twin of :class:`ReplayTransport`."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        found = self._lookup(request)
        if found is not None:
            return _httpx_response(found, request, is_async=True)
        return await self._fallback.handle_async_request(request)

    async def aclose(self) -> None:
        if self._fallback is not None:
            await self._fallback.aclose()


# -- what connect() composes -----------------------------------------------------------------------
def recording_client(path: str | os.PathLike[str], client_cls: Any,
                     kwargs: dict[str, Any]) -> Any:
    """A live client whose exchanges are appended to ``path`` (for ``connect(record=...)``)."""
    if kwargs.get("http_client") is not None:
        raise ValueError("record= builds the client's http_client itself; do not pass "
                         "http_client as well")
    from ._client import to_httpx_timeout

    transport = RecordingTransport(httpx.HTTPTransport(), path, base_path="",
                                   flavor=kwargs["flavor"])
    http = httpx.Client(transport=transport, timeout=to_httpx_timeout(kwargs.get("timeout")))
    kwargs = dict(kwargs, http_client=http)
    kwargs.setdefault("owns_http_client", True)
    try:
        client = client_cls(**kwargs)
    except BaseException:
        http.close()
        raise
    # Paths are recorded relative to the base URL, so a replay on another host matches them.
    transport._base_path = base_path_of(client.base_url)
    return client


def replay_client(path: str | os.PathLike[str], emulator_for: Callable[[str], Any],
                  flavor: str | None, strict: bool, kwargs: dict[str, Any]) -> Any:
    """A client answered from the cassette at ``path``, else by the emulator of its flavor
    (for ``connect(replay=...)``); no token needed."""
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be True or False; got {type(strict).__name__}")
    if kwargs.get("http_client") is not None:
        raise ValueError("replay= builds the client's http_client itself; do not pass "
                         "http_client as well")
    cassette = Cassette(path)
    recorded = cassette.flavor or "lowcodeapi"
    if flavor is not None and flavor != recorded:
        raise ValueError(f"the recording {cassette.path.name!r} was made with "
                         f"flavor={recorded!r}; got flavor={flavor!r}")
    emu = emulator_for(recorded)
    transport = ReplayTransport(cassette, emu.transport(), base_path=base_path_of(
        emu.inprocess_url), strict=strict)
    from ._client import to_httpx_timeout

    http = httpx.Client(transport=transport, timeout=to_httpx_timeout(kwargs.get("timeout")))
    kwargs = dict(kwargs, http_client=http, base_url=emu.inprocess_url, flavor=recorded,
                  api_token=emu.api_token)
    kwargs.setdefault("owns_http_client", True)
    client = emu.client(**kwargs)
    client.spend.simulated = True  # replayed answers cost nothing now
    print(f"lcoai-notebook: replaying {cassette.path.name} ({cassette.size} recorded "
          f"exchange{'s' if cassette.size != 1 else ''}; no token needed). Anything else is "
          "answered by the built-in emulator (simulated)." if not strict else
          f"lcoai-notebook: replaying {cassette.path.name} ({cassette.size} recorded "
          f"exchange{'s' if cassette.size != 1 else ''}; no token needed; strict).", flush=True)
    return client
