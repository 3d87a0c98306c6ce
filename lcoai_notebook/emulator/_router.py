"""The route handler contract and the framework-free request/response types of the emulator.

CONTRACT (every emulator module relies on exactly this; as code: :class:`RouteHandler` and
:class:`AppServices`, checked by ``tests/test_contracts.py``)
-------------------------------------------------------------------------------------------
Every route is a row ``(METHOD, "/v1/...{param}...", handler)`` of the one table in
:mod:`._routes`. The template is the OpenAI path *with* ``/v1`` and ``{name}`` placeholders (the
New format). The app derives the Old format (``/v1/models/model?model=X``) from the same template.

A handler is ``def handler(req: EmuRequest) -> dict | Raw | SSE`` and may raise :class:`EmuError`
(OpenAI-shaped 4xx/5xx). The app, not the handler, applies the flavor (LowCodeAPI envelope and
nested errors, or plain OpenAI), auth, faults, latency and stream mode. Handlers are plain,
synchronous functions of the request; they never see HTTP, so the same handlers serve the real
loopback server and the in-process httpx transport.

- return a ``dict``: a JSON success (HTTP 200).
- return ``Raw(content, content_type)``: a non-JSON body (audio bytes, text/srt/vtt, file content).
- return ``SSE(events)``: ``events`` is an iterator of JSON-able dicts (each becomes one
  ``data: {...}`` event); the app appends ``data: [DONE]`` and decides incremental vs buffered.
  ``SSE(events, named=True)`` yields ``(event_name, dict)`` pairs (Assistants streams);
  ``SSE(..., done=False)`` ends without ``[DONE]`` (Responses streams).

``req.app`` offers the handler exactly :class:`AppServices`: per-instance stores and ids, the
clock, the configuration, the model table, and ``dispatch`` to call another route.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ._config import EmuConfig
from ._errors import EmuError
from ._multipart import Upload, parse_multipart

__all__ = ["SSE", "AppServices", "EmuRequest", "JSONTooLarge", "Raw", "Route", "RouteHandler",
           "Upload", "compile_route", "compile_routes", "json_cost", "match_route",
           "strict_loads"]


@dataclass(frozen=True)
class Raw:
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass
class SSE:
    events: Iterable[Any]
    named: bool = False
    #: False for streams that end without ``[DONE]`` (Responses API streams end with their
    #: ``response.completed`` event).
    done: bool = True


@runtime_checkable
class RouteHandler(Protocol):
    """A route handler: one request in, a ``dict`` (JSON), :class:`Raw` or :class:`SSE` out; or
    an :class:`EmuError` raised. Synchronous, and blind to HTTP and the flavor."""

    def __call__(self, req: EmuRequest) -> dict[str, Any] | Raw | SSE: ...


@runtime_checkable
class AppServices(Protocol):
    """What a handler may use of ``req.app`` (``EmuApp`` implements it; so does the tests' stub).

    Stateful routes keep their objects in ``store(name, factory)`` under ``lock``; ids come from
    ``new_id(prefix)``; times from ``now()`` (Unix seconds, for ``created`` fields) and
    ``monotonic()`` (schedules); ``dispatch`` runs another route as plain OpenAI (a run's reply
    is a chat completion) and returns ``(status, body)``.
    """

    config: EmuConfig
    #: A ``threading.RLock`` guarding the stores and the model table.
    lock: Any
    #: id -> model row; read and change under ``lock``.
    models: dict[str, dict[str, Any]]

    def store(self, name: str, factory: Callable[[], Any]) -> Any: ...

    def new_id(self, prefix: str) -> str: ...

    def now(self) -> int: ...

    def monotonic(self) -> float: ...

    def require_model(self, model_id: Any, kinds: Iterable[str] = ("chat",),
                      param: str = "model") -> dict[str, Any]: ...

    def dispatch(self, method: str, path: str,
                 json: Any = None) -> tuple[int, dict[str, Any]]: ...


@dataclass
class Route:
    method: str
    template: str
    handler: RouteHandler
    regex: re.Pattern[str]
    params: tuple[str, ...]
    old_path: str
    #: The New-format template split on "/", None where a path parameter goes: the app matches
    #: percent-decoded segments against it, so an encoded "/" inside an id cannot reach another
    #: route.
    parts: tuple[str | None, ...] = ()


def compile_route(method: str, template: str, handler: RouteHandler) -> Route:
    """The :class:`Route` for ``METHOD template`` (New-format template with ``{param}``s)."""
    params = tuple(re.findall(r"\{(\w+)\}", template))
    pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
    old = re.sub(r"\{(\w+)\}", r"\1", template)
    parts = tuple(None if re.fullmatch(r"\{\w+\}", p) else p for p in template.split("/"))
    return Route(method.upper(), template, handler, re.compile(pattern), params, old, parts)


def compile_routes(table: Iterable[tuple[str, str, RouteHandler]]) -> list[Route]:
    """The routes of a table of ``(METHOD, template, handler)`` rows, in order."""
    return [compile_route(method, template, handler) for method, template, handler in table]


def match_route(method: str, path: str,
                routes: Sequence[Route]) -> tuple[Route, dict[str, str]] | None:
    """The route and New-format path parameters for ``path`` (``/v1/...``), or None; the most
    literal template wins, as in the app (``/v1/threads/runs`` over ``/v1/threads/{id}``)."""
    matches = [(r, m.groupdict()) for r in routes if r.method == method
               for m in [r.regex.match(path)] if m]
    return min(matches, key=lambda rm: len(rm[0].params)) if matches else None


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A \u escape of a character above U+007F (the JSON text is then not plain ASCII once parsed).
_WIDE_ESCAPE = re.compile(rb"\\u(?!00[0-7])")
_SURROGATE_ESCAPE_TEXT = re.compile(r"\\u[dD][89a-fA-F]")
#: UTF-8 lead bytes of characters above U+FFFF, and of characters from U+0100 to U+FFFF.
_ASTRAL_LEAD = re.compile(rb"[\xf0-\xf4]")
_WIDE_LEAD = re.compile(rb"[\xc4-\xef]")
#: Upper estimate of what one parsed JSON value costs beyond its characters (a dict entry with a
#: fresh key and an int measured ~122 bytes; empty dicts and lists ~36).
_VALUE_COST = 128


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number out of range: {text}")
    return value


def json_cost(data: bytes | bytearray) -> int:
    """Upper estimate, in bytes, of the memory :func:`strict_loads` takes for ``data`` on top of
    ``data`` itself: the decoded text plus the parsed values.

    Python strings take 1, 2 or 4 bytes per character (the widest character decides), and every
    JSON value costs an object and a slot: a body of many small values parses to ~20x its size.
    Counting ``,``, ``[`` and ``{`` bounds the number of values (commas inside strings only make
    the estimate larger).
    """
    size = len(data)
    values = data.count(b",") + data.count(b"[") + data.count(b"{") + 1
    # memchr for a backslash first: scanning for the two-byte "\u" is several times slower.
    escapes = (b"\\" in data and b"\\u" in data and _WIDE_ESCAPE.search(data) is not None)
    astral_escape = escapes and _SURROGATE_ESCAPE.search(data) is not None
    if data.isascii():
        text_width = 1
        width = 4 if astral_escape else 2 if escapes else 1
    elif not escapes:
        # Read as Latin-1: one byte per character; the non-ASCII strings decoded again are
        # counted while they are (strict_loads' ``budget``).
        text_width = width = 1
    else:
        raw_width = 4 if _ASTRAL_LEAD.search(data) else 2 if _WIDE_LEAD.search(data) else 1
        text_width = max(raw_width, 2)
        width = max(raw_width, 4 if astral_escape else 2)
    return text_width * size + width * size + _VALUE_COST * values


class JSONTooLarge(ValueError):
    """The parsed JSON would take more memory than the budget allows."""


def _utf8_strings(value: Any, budget: int | None) -> Any:
    """``value`` parsed from a Latin-1 reading of UTF-8 bytes, with every non-ASCII string (keys
    included) decoded as the UTF-8 it is; ``UnicodeDecodeError`` if one is not UTF-8,
    :class:`JSONTooLarge` once the decoded strings pass ``budget`` bytes."""
    spent = 0

    def fix(s: str) -> str:
        nonlocal spent
        if s.isascii():
            return s
        out = s.encode("latin-1").decode("utf-8")
        spent += sys.getsizeof(out)
        if budget is not None and spent > budget:
            raise JSONTooLarge("the decoded strings pass the memory budget")
        return out

    if isinstance(value, str):
        return fix(value)
    root = [value]
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        if isinstance(container, list):
            for i, item in enumerate(container):
                if isinstance(item, str):
                    if not item.isascii():
                        container[i] = fix(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
        else:
            if not all(k.isascii() for k in container):
                items = [(fix(k), v) for k, v in container.items()]
                container.clear()
                container.update(items)
            for k, item in container.items():
                if isinstance(item, str):
                    if not item.isascii():
                        container[k] = fix(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
    return root[0]


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
    return False


def strict_loads(data: str | bytes | bytearray, budget: int | None = None) -> Any:
    """Parse JSON as the service does, or raise ``ValueError``: UTF-8 only (``json.loads(bytes)``
    lets encoded surrogates through), no ``NaN``/``Infinity`` (not JSON, RFC 8259), no number too
    large for a double (``1e999``), no lone surrogate escape (such text cannot be encoded again
    in a response), and no nesting deeper than the parser's stack (a ``RecursionError``).

    Memory: UTF-8 bytes holding non-ASCII characters are read as Latin-1 (one byte per
    character, whatever the widest character) and only the non-ASCII strings are decoded again,
    so a large body with one emoji does not become a text of four bytes per character. Those
    strings may take ``budget`` bytes at most (:class:`JSONTooLarge`, a ``ValueError``).
    """
    try:
        if isinstance(data, str):
            text, latin = data, False
        else:
            if data[:3] == b"\xef\xbb\xbf":  # a byte-order mark is ignored, as RFC 8259 allows
                data = memoryview(data)[3:].tobytes()
            # Latin-1 keeps JSON's ASCII syntax intact; it is exact only when no \u escape
            # stands for a non-ASCII character (which would be mistaken for a raw byte).
            escaped = b"\\" in data and b"\\u" in data
            latin = not data.isascii() and not (escaped and _WIDE_ESCAPE.search(data))
            text = data.decode("latin-1" if latin else "utf-8")
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
        del text
        if latin:
            value = _utf8_strings(value, budget)
        elif isinstance(data, str):
            if _SURROGATE_ESCAPE_TEXT.search(data) and _has_lone_surrogate(value):
                raise ValueError("not valid JSON: a lone surrogate escape")
        elif escaped and _SURROGATE_ESCAPE.search(data) and _has_lone_surrogate(value):
            raise ValueError("not valid JSON: a lone surrogate escape")
    except (UnicodeError, RecursionError) as exc:
        raise ValueError(f"not valid JSON: {type(exc).__name__}") from None
    return value


@dataclass
class EmuRequest:
    """One request as a handler sees it (flavor, auth and path format already dealt with)."""

    method: str
    path: str
    path_params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    #: The body as read (a bytearray from the HTTP shells: they read into one buffer).
    body: bytes | bytearray
    #: The app's services (:class:`AppServices`): an ``EmuApp``, or the tests' one stub.
    app: AppServices
    _json: Any = field(default=None, repr=False)
    _form: Any = field(default=None, repr=False)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> dict[str, Any]:
        """The JSON body as a dict; a 400 ``invalid_request_error`` when it is not one."""
        if self._json is None:
            if not self.body:
                raise EmuError(400, "We could not parse the JSON body of your request. "
                               "(HINT: the body is empty.)", param=None)
            budget = 2 * getattr(getattr(self.app, "config", None), "max_json_body", 64 * 2**20)
            cost = json_cost(self.body)
            if cost > budget:
                # Python objects can take ~20x the JSON text: refuse before parsing, not after.
                raise EmuError(413, f"The JSON body is too large to parse: it would take about "
                               f"{cost >> 20} MiB as objects (at most {budget >> 20} MiB per "
                               "request); send fewer or smaller values.",
                               code="request_too_large")
            try:
                value = strict_loads(self.body, budget - cost + len(self.body))
            except JSONTooLarge:
                raise EmuError(413, "The JSON body is too large to parse: its non-ASCII text "
                               f"would take more than {budget >> 20} MiB as objects; send fewer "
                               "or smaller values.", code="request_too_large") from None
            except ValueError:
                raise EmuError(400, "We could not parse the JSON body of your request. (HINT: "
                               "This likely means you aren't using your HTTP library correctly. "
                               "The OpenAI API expects a JSON payload.)") from None
            if not isinstance(value, dict):
                raise EmuError(400, "The request body must be a JSON object.")
            self._json = value
        return self._json

    def form(self) -> tuple[dict[str, Any], dict[str, list[Upload]]]:
        """Multipart fields (``name[]`` repeated fields become lists under ``name``) and files."""
        if self._form is None:
            self._form = parse_multipart(self.content_type, self.body)
        return self._form

