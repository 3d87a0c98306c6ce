"""Route table and the framework-free request/response types of the emulator.

CONTRACT (every emulator module relies on exactly this)
-------------------------------------------------------
Route modules register handlers with ``@route(METHOD, "/v1/...{param}...")``. The template is the
OpenAI path *with* ``/v1`` and ``{name}`` placeholders (the New format). The app derives the Old
format (``/v1/models/model?model=X``) from the same template.

A handler is ``def handler(req: EmuRequest) -> dict | Raw | SSE`` and may raise :class:`EmuError`
(OpenAI-shaped 4xx/5xx). The app, not the handler, applies the flavor (LowCodeAPI envelope and
nested errors, or plain OpenAI), auth, faults, latency and stream mode. Handlers are plain,
synchronous functions of the request; they never see HTTP, so the same handlers serve the real
loopback server and the in-process httpx transport.

- return a ``dict``: a JSON success (HTTP 200).
- return ``Raw(content, content_type)``: a non-JSON body (audio bytes, text/srt/vtt, file content).
- return ``SSE(events)``: ``events`` is an iterator of JSON-able dicts (each becomes one
  ``data: {...}`` event); the app appends ``data: [DONE]`` and decides incremental vs buffered.
  ``SSE(events, named=True)`` yields ``(event_name, dict)`` pairs (Assistants streams).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._errors import EmuError

__all__ = ["ROUTES", "SSE", "EmuRequest", "Raw", "Route", "Upload", "match_route", "route",
           "strict_loads"]


@dataclass(frozen=True)
class Raw:
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass
class SSE:
    events: Iterable[Any]
    named: bool = False


@dataclass(frozen=True)
class Upload:
    """One uploaded multipart file part."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass
class Route:
    method: str
    template: str
    handler: Callable[[EmuRequest], Any]
    regex: re.Pattern[str]
    params: tuple[str, ...]
    old_path: str


ROUTES: list[Route] = []


def route(method: str, template: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``handler`` for ``METHOD template`` (New-format template with ``{param}``s)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        params = tuple(re.findall(r"\{(\w+)\}", template))
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        old = re.sub(r"\{(\w+)\}", r"\1", template)
        ROUTES.append(Route(method.upper(), template, fn, re.compile(pattern), params, old))
        return fn

    return deco


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route and New-format path parameters for ``path`` (``/v1/...``), or None."""
    for r in ROUTES:
        if r.method == method:
            m = r.regex.match(path)
            if m:
                return r, m.groupdict()
    return None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number out of range: {text}")
    return value


def strict_loads(data: str | bytes) -> Any:
    """Parse JSON as the service does, or raise ``ValueError``: UTF-8 only (``json.loads(bytes)``
    lets encoded surrogates through), no ``NaN``/``Infinity`` (not JSON, RFC 8259), no number too
    large for a double (``1e999``), no lone surrogate escape (such text cannot be encoded again
    in a response), and no nesting deeper than the parser's stack (a ``RecursionError``)."""
    try:
        # "utf-8-sig": a leading byte-order mark is ignored, as RFC 8259 allows.
        text = data.decode("utf-8-sig") if isinstance(data, (bytes, bytearray)) else data
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
        if _SURROGATE_ESCAPE.search(text):
            json.dumps(value, ensure_ascii=False).encode("utf-8")
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
    body: bytes
    # the EmuApp: .config, .store(name, factory), .lock, .new_id(prefix), .now(), .dispatch
    app: Any
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
            try:
                value = strict_loads(self.body)
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
            from ._multipart import parse_multipart

            self._form = parse_multipart(self.content_type, self.body)
        return self._form

