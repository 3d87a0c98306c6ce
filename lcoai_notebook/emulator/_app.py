"""The emulator's framework-free core: one request in, one :class:`EmuResponse` out.

``EmuApp.handle`` applies, around the route handlers of ``_routes.ROUTES``, everything that is
not content: the flavor (LowCodeAPI envelope, ``api_token`` query auth, New/Old path formats,
nested errors, the 422 "File missing" of upload routes; or plain OpenAI with bearer auth and real
rate-limit headers), faults, latency and the SSE stream mode. The loopback server (``_server``)
and the in-process httpx transports (``_transport``) are thin shells over it; SSE bodies are
serialised by ``_stream``.

Model rows in ``EmuApp.models`` are the catalog's rows (copied) plus fine-tuned models added by the
fine-tuning module; a row needs ``id``, ``kind`` (``chat`` ...), ``created`` and ``owned_by``,
and may carry ``shutdown_date``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from .._catalog import known_models
from .._config import check_flavor
from ._config import EmuConfig
from ._errors import EmuError, server_error
from ._faults import Fault, FaultDrawer, fault_error, parse_fault_header
from ._router import SSE, EmuRequest, Raw, Route, strict_loads
from ._routes import ROUTES
from ._stream import dumps, primed, sse_bytes

__all__ = ["EmuApp", "EmuResponse"]

log = logging.getLogger("lcoai_notebook.emulator")

#: Route templates only the plain OpenAI wire has: LowCodeAPI's OpenAI provider defines none of
#: them (reference/lowcodeapi-openai-endpoints.json), so its flavor answers them as unknown routes.
OPENAI_ONLY_PREFIXES = ("/v1/responses", "/v1/chat/completions/", "/v1/uploads",
                        "/v1/vector_stores/{vector_store_id}/search",
                        "/v1/vector_stores/{vector_store_id}/file_batches")
#: Single routes of that kind whose path LowCodeAPI does define, for another method only (it
#: has ``POST /v1/chat/completions``, not the stored completions' list).
OPENAI_ONLY_ROUTES = frozenset({("GET", "/v1/chat/completions")})
#: Routes LowCodeAPI treats as uploads: multipart with exactly one file part named ``file``.
UPLOAD_ROUTES = frozenset({
    ("POST", "/v1/audio/transcriptions"), ("POST", "/v1/audio/translations"),
    ("POST", "/v1/files"), ("POST", "/v1/images/edits"), ("POST", "/v1/images/variations"),
})
#: On LowCodeAPI the single ``file`` part stands for OpenAI's ``image`` part on these routes.
_FILE_IS_IMAGE = frozenset({"/v1/images/edits", "/v1/images/variations"})
_AUDIO_UPLOADS = frozenset({("POST", "/v1/audio/transcriptions"),
                            ("POST", "/v1/audio/translations")})
#: Room for the multipart form around an uploaded file (fields, part headers, boundaries).
_FORM_ALLOWANCE = 2**20
#: What an id placed in a path must not be or hold: it would change the URL's meaning (dot
#: segments, separators, escapes) or cannot be sent as it is.
_BAD_ID = re.compile(r"[/\\?#%\s\x00-\x1f\x7f-\x9f]")
#: Host names always served: loopback, and the in-process transports' reserved name.
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "emulator.invalid"})

_PROVIDER = "openai"
_LC_PREFIX = "/openai"
_JSON_CT = "application/json"
_LC_JSON_CT = "application/json; charset=utf-8"
_SSE_CT = "text/event-stream; charset=utf-8"
_LIMIT_REQUESTS = 5000
_LIMIT_TOKENS = 2_000_000
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MALFORMED = b'{"message": "Request completed", "provider": "openai", "result": {"id": "'
_DROPPED = b'{"message": "Request completed", "provider": "openai", "result": {'

def _retry_count(hdrs: Mapping[str, str]) -> int:
    """How many times the client says it has retried this request (0 when it does not say)."""
    for name in ("x-lcoai-retry-count", "x-stainless-retry-count"):
        value = hdrs.get(name, "").strip()
        if value.isdigit():
            return int(value)
    return 0


def _segments(path: str) -> list[str]:
    """``path`` (percent-encoded) split on "/", each segment decoded: an encoded "/" stays
    inside its segment instead of making a new one."""
    return [unquote(seg, errors="replace") if "%" in seg else seg for seg in path.split("/")]


def _bad_id_reason(value: str) -> str | None:
    if value in ("", ".", ".."):
        return "empty" if not value else f"{value!r}"
    found = _BAD_ID.search(value)
    return None if found is None else f"holds {ascii(found.group())}"


def _host_name(value: str) -> str:
    """The name part of a ``Host`` header: port and brackets removed, lower case, no final dot."""
    value = value.strip().lower()
    if value.startswith("["):
        name = value[1:value.find("]")] if "]" in value else value[1:]
    else:
        name, sep, port = value.rpartition(":")
        if not sep or not port.isdigit():
            name = value
    return name[:-1] if name.endswith(".") else name


def _lower(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {str(k).lower(): str(v) for k, v in pairs}


def _check_ids(params: Mapping[str, str]) -> None:
    """400 when an id placed in the path (New format) or standing for one (Old) could change
    the URL's meaning: empty, ``.``/``..``, or holding ``/ \\ ? # %``, whitespace or a control
    character (clients must refuse these before sending; this is the server's own check)."""
    for name, value in params.items():
        reason = _bad_id_reason(value)
        if reason is not None:
            shown = ascii(value[:40]) + ("..." if len(value) > 40 else "")
            raise EmuError(400, f"Invalid '{name}': {shown} is not a valid ID ({reason}). IDs in "
                           "a path must not be empty, '.' or '..', and must not hold '/', "
                           "'\\', '?', '#', '%', whitespace or control characters.",
                           param=name, code="invalid_id")


def _is_asset(route: Route) -> bool:
    """Generated assets (image URLs) are fetched like OpenAI's signed CDN URLs: no token (a token
    in an ``<img src>`` would end up in notebook output) and no injected faults."""
    return route.template.startswith("/v1/_emulator/")


@dataclass
class EmuResponse:
    """What the HTTP shells send: ``body`` is bytes, or an iterator of bytes for a live stream.

    ``delay`` is latency to add before the response; ``drop`` asks the shell to promise more
    bytes than ``body`` holds and then end the connection (the client sees a protocol error).
    """

    status: int
    headers: dict[str, str]
    body: bytes | Iterator[bytes]
    delay: float = 0.0
    drop: bool = False

    @property
    def streaming(self) -> bool:
        return not isinstance(self.body, (bytes, bytearray))


@dataclass
class _Target:
    """A request matched to its route: what the handler is called with."""

    route: Route
    path: str  # the OpenAI path (``/v1/...``) the handler sees
    params: dict[str, str]
    query: dict[str, str]  # the query the handler sees
    form: Any = None  # a LowCodeAPI upload's form, already parsed


def _lowcode_handler_query(route: Route, fmt: str, query: dict[str, str]) -> dict[str, str]:
    """The query a LowCodeAPI request's handler sees: no ``api_token``, and no Old-format path
    values; a New-format path parameter repeated in the query is a 400."""
    handler_query = {k: v for k, v in query.items() if k != "api_token"}
    if fmt == "old":
        for name in route.params:
            handler_query.pop(name, None)
        return handler_query
    for name in route.params:
        if name in handler_query:
            raise EmuError(400, f"The path parameter '{name}' is also sent as a query parameter; "
                           "in the New path format path parameters must not be repeated in the "
                           "query.", param=name)
    return handler_query


def _duration(seconds: float) -> str:
    """OpenAI's reset format: ``12ms``, ``1.5s``, ``6m0s``."""
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest}s"


class EmuApp:
    """The emulated service (one per :class:`~lcoai_notebook.emulator.Emulator`).

    Parameters
    ----------
    config : EmuConfig, optional
        Settings; the defaults emulate LowCodeAPI with buffered streaming.
    """

    #: A recording (``lcoai_notebook._cassette.Cassette``) answered before the routes, or None;
    #: set by ``Emulator(cassette=...)``.
    cassette: Any = None

    def __init__(self, config: EmuConfig | None = None) -> None:
        config = config if config is not None else EmuConfig()
        check_flavor(config.flavor)
        if config.stream_mode not in ("incremental", "buffered"):
            raise ValueError("stream_mode must be 'incremental' or 'buffered', "
                             f"got {config.stream_mode!r}")
        formats = tuple(config.path_formats)
        if not formats or any(f not in ("new", "old") for f in formats):
            raise ValueError(f"path_formats must be a non-empty subset of ('new', 'old'), "
                             f"got {config.path_formats!r}")
        if config.latency < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {config.latency!r}")
        self.config = config
        self.lock = threading.RLock()
        #: id -> model row (catalog rows copied, plus fine-tuned ``ft:`` models); use ``.lock``.
        self.models: dict[str, dict[str, Any]] = {k: dict(v) for k, v in known_models().items()}
        self._stores: dict[str, Any] = {}
        self._id_counts: dict[str, int] = {}
        self._request_count = 0
        self._window: deque[tuple[float, int]] = deque()
        self._faults = FaultDrawer(config.fault_rate, tuple(config.fault_kinds), config.fault_seed)
        for name in ("max_json_body", "max_file_upload", "max_audio_upload"):
            value = getattr(config, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive number of bytes, got {value!r}")
        #: Host header names answered (see EmuConfig.allowed_hosts); the server adds its own.
        self.allowed_hosts: set[str] = set(_LOOPBACK_HOSTS) | {
            _host_name(h) for h in config.allowed_hosts}
        self._routes_by_shape: dict[tuple[str, int], list[Route]] = {}
        for r in ROUTES:
            self._routes_by_shape.setdefault((r.method, len(r.parts)), []).append(r)

    # -- services for handlers -------------------------------------------------------------

    def store(self, name: str, factory: Callable[[], Any]) -> Any:
        """The per-instance object called ``name``, created with ``factory()`` on first use."""
        with self.lock:
            if name not in self._stores:
                self._stores[name] = factory()
            return self._stores[name]

    def new_id(self, prefix: str) -> str:
        """``prefix`` + 24 alphanumeric characters, deterministic per instance and prefix."""
        with self.lock:
            n = self._id_counts.get(prefix, 0)
            self._id_counts[prefix] = n + 1
        value = int.from_bytes(
            hashlib.sha256(f"{self.config.seed}|{prefix}|{n}".encode()).digest(), "big")
        chars = []
        for _ in range(24):
            value, r = divmod(value, 62)
            chars.append(_ALPHABET[r])
        return prefix + "".join(chars)

    def now(self) -> int:
        """Unix time in whole seconds."""
        return int(time.time())

    def monotonic(self) -> float:
        """Monotonic seconds, for schedules (job states)."""
        return time.monotonic()

    def require_model(self, model_id: Any, kinds: Iterable[str] = ("chat",),
                      param: str = "model") -> dict[str, Any]:
        """The model row for ``model_id``; 404 ``model_not_found`` if unknown, 400 if of the
        wrong kind (``kinds``), 400 if missing or not a string."""
        if model_id is None:
            raise EmuError(400, f"Missing required parameter: '{param}'.", param=param,
                           code="missing_required_parameter")
        if not isinstance(model_id, str):
            raise EmuError(400, f"Invalid type for '{param}': expected a string, but got "
                           f"{type(model_id).__name__}.", param=param, code="invalid_type")
        with self.lock:
            row = self.models.get(model_id)
        if row is None:
            raise EmuError(404, f"The model `{model_id}` does not exist or you do not have "
                           "access to it.", param=param, code="model_not_found")
        kinds = tuple(kinds)
        if row.get("kind") not in kinds:
            raise EmuError(400, f"The model `{model_id}` is a {row.get('kind')} model and is not "
                           f"supported by this endpoint (expected a {' or '.join(kinds)} model).",
                           param=param, code="model_not_supported")
        return row

    def dispatch(self, method: str, path: str, json: Any = None) -> tuple[int, dict[str, Any]]:
        """Run one request through the routes as plain OpenAI (no auth, no faults, no envelope).

        ``path`` is ``/v1/...``, optionally with a query string. Returns ``(status, body)``;
        errors come back as their status and OpenAI error body, never raised.
        """
        method = method.upper()
        path, _, qs = path.partition("?")
        query = dict(parse_qsl(qs, keep_blank_values=True))
        body = dumps(json) if json is not None else b""
        headers = {"content-type": _JSON_CT} if json is not None else {}
        found = self._resolve(method, path.split("/"), query, ("new",))
        if found is None:
            return 404, self._invalid_url(method, path).body()
        route, params, _ = found
        try:
            result = self._call(route, method, path, params, query, headers, body, None)
        except EmuError as exc:
            return exc.status, exc.body()
        if isinstance(result, dict):
            return 200, result
        if isinstance(result, SSE):
            close = getattr(result.events, "close", None)
            if close is not None:
                close()
            return 400, EmuError(400, "Streaming is not supported here.", param="stream").body()
        return 500, EmuError(500, "The endpoint returned a non-JSON body.").body()

    # -- the HTTP entry point ----------------------------------------------------------------

    def preflight(self, method: str, path: str,
                  headers: Mapping[str, str] | Iterable[tuple[str, str]]
                  ) -> tuple[EmuResponse | None, int]:
        """What a shell checks before reading a body: ``(refusal, body limit)``.

        ``refusal`` is the response to send at once (a ``Host`` this emulator does not serve),
        else None; ``limit`` is the largest body the route accepts, in bytes.
        """
        hdrs = _lower(headers)
        denied = self._check_host(hdrs)
        return denied, self.body_limit(method, path)

    def body_limit(self, method: str, path: str) -> int:
        """The largest request body, in bytes, accepted for ``method path`` (see EmuConfig)."""
        return self._limit(method, path)[0]

    def _limit(self, method: str, path: str) -> tuple[int, str]:
        config = self.config
        if config.flavor == "lowcodeapi" and path.startswith(_LC_PREFIX + "/"):
            path = path[len(_LC_PREFIX):]
        key = (method.upper(), path)
        if key in _AUDIO_UPLOADS:
            return config.max_audio_upload + _FORM_ALLOWANCE, "an audio file"
        if key == ("POST", "/v1/files"):
            return config.max_file_upload + _FORM_ALLOWANCE, "a file"
        return config.max_json_body, "a request body"

    def too_large(self, method: str, path: str, size: int | None) -> EmuResponse:
        """The 413 for a body over the route's limit (``size`` None: more than the limit)."""
        limit, what = self._limit(method, path)
        if what == "a request body":
            allowed = f"{limit} bytes"
        else:  # the documented limit is the file's; the body may add the form around it
            allowed = f"{limit - _FORM_ALLOWANCE} bytes for {what}"
        got = f"{size} bytes" if size is not None else f"more than {limit} bytes read"
        exc = EmuError(413, f"Maximum content size limit ({limit}) exceeded ({got}): this "
                       f"endpoint accepts up to {allowed}.", code="request_too_large")
        return self._error(exc, self._meta_headers(0), 0.0)

    def handle(self, method: str, raw_path: str, query_list: Iterable[tuple[str, str]],
               headers: Mapping[str, str] | Iterable[tuple[str, str]],
               body: bytes | bytearray) -> EmuResponse:
        """Answer one HTTP request.

        Parameters
        ----------
        method : str
            HTTP method.
        raw_path : str
            The URL path as sent, still percent-encoded (``/openai/v1/models/gpt-5`` or
            ``/v1/...``): segments are split before they are decoded, so an encoded ``/`` stays
            inside its id.
        query_list : iterable of (str, str)
            Decoded query parameters in order.
        headers : mapping or iterable of (str, str)
            Request headers (names in any case); ``Host`` must name this emulator.
        body : bytes or bytearray
            The whole request body (the shells refuse bodies over :meth:`body_limit` before
            reading them; a larger one given here gets the same 413).

        Returns
        -------
        EmuResponse

        Notes
        -----
        The steps, in order: refusals that need no body (``Host``, size); answers from beside
        the route table (cassette, LowCodeAPI's own pages); routing under the flavor's rules
        (path format, auth, ids); an injected fault; the handler; the flavor's shape of its
        result or error.
        """
        method = method.upper()
        hdrs = _lower(headers)
        refused = self._refuse_unread(method, raw_path, hdrs, len(body))
        if refused is not None:
            return refused
        query_pairs = list(query_list)
        answered = self._answer_beside_routes(method, raw_path, query_pairs, hdrs, body)
        if answered is not None:
            return answered
        meta = self._meta_headers(len(body))
        try:
            target = self._route(method, raw_path, dict(query_pairs), hdrs, body)
            if isinstance(target, EmuResponse):
                return target
            fault = Fault() if _is_asset(target.route) else self._fault(hdrs)
            delay = self.config.latency + fault.latency
            injected = self._injected(fault, meta, delay)
            if injected is not None:
                return injected
            stream_mode = self._stream_mode(hdrs)
            result = self._call(target.route, method, target.path, target.params, target.query,
                                hdrs, body, target.form)
        except EmuError as exc:
            return self._error(exc, meta, self.config.latency)
        return self._success(result, meta, delay, stream_mode, fault)

    # -- the steps of handle ---------------------------------------------------------------

    def _refuse_unread(self, method: str, raw_path: str, hdrs: dict[str, str],
                       size: int) -> EmuResponse | None:
        """The refusals that need no body: a ``Host`` not served here (403), a body over the
        route's limit (413); else None."""
        denied = self._check_host(hdrs)
        if denied is not None:
            return denied
        if size > self._limit(method, raw_path)[0]:
            return self.too_large(method, raw_path, size)
        return None

    def _answer_beside_routes(self, method: str, raw_path: str,
                              query_pairs: list[tuple[str, str]], hdrs: dict[str, str],
                              body: bytes | bytearray) -> EmuResponse | None:
        """An answer from outside the route table: the cassette's recording, or one of
        LowCodeAPI's own pages; else None."""
        if self.cassette is not None:
            replayed = self._from_cassette(method, raw_path, query_pairs, hdrs, bytes(body))
            if replayed is not None:
                return replayed
        if self.config.flavor == "lowcodeapi":
            return self._lowcode_site(method, raw_path, hdrs)
        return None

    def _route(self, method: str, raw_path: str, query: dict[str, str], hdrs: dict[str, str],
               body: bytes | bytearray) -> _Target | EmuResponse:
        """The route for the request under the flavor's rules (paths, auth, ids), or the
        response that ends it there (LowCodeAPI's 404, 422 and auth answers); raises
        :class:`EmuError` for OpenAI's errors."""
        segments = _segments(raw_path)
        if self.config.flavor == "lowcodeapi":
            return self._lowcode_route(method, segments, query, hdrs, body)
        path = "/".join(segments)
        found = self._resolve(method, segments, query, ("new",))
        if found is None:
            raise self._invalid_url(method, path)
        route, params, _ = found
        if not _is_asset(route):
            self._openai_auth(hdrs)
        _check_ids(params)
        return _Target(route, path, params, query)

    def _lowcode_route(self, method: str, segments: list[str], query: dict[str, str],
                       hdrs: dict[str, str], body: bytes | bytearray) -> _Target | EmuResponse:
        """:meth:`_route` for the LowCodeAPI flavor: the ``/openai`` prefix, both path formats,
        OpenAI-only routes unknown, uploads as one ``file`` part, ``api_token`` auth."""
        if len(segments) < 3 or segments[0] or segments[1] != _LC_PREFIX[1:]:
            return self._not_found()
        segments = ["", *segments[2:]]
        path = "/".join(segments)
        found = self._resolve(method, segments, query, tuple(self.config.path_formats))
        if (found is None or found[0].template.startswith(OPENAI_ONLY_PREFIXES)
                or (method, found[0].template) in OPENAI_ONLY_ROUTES):
            return self._not_found()
        route, params, fmt = found
        form = None
        if (method, route.template) in UPLOAD_ROUTES:
            form = self._lowcode_upload(route, hdrs, body)
            if form is None:
                return self._json(422, {"message": "File missing", "provider": "",
                                        "error": {"code": 422}})
        denied = (None if _is_asset(route) else
                  self._lowcode_auth(method, _LC_PREFIX + path, query, hdrs))
        if denied is not None:
            return denied
        _check_ids(params)
        return _Target(route, path, params, _lowcode_handler_query(route, fmt, query), form)

    def _injected(self, fault: Fault, meta: dict[str, str], delay: float) -> EmuResponse | None:
        """The response a drawn fault puts in place of the route's: a dropped connection, an
        error status or a malformed body; None for no fault (or latency alone)."""
        if fault.drop:
            return EmuResponse(200, {"content-type": _JSON_CT}, _DROPPED, delay, drop=True)
        if fault.is_error:
            return self._error(fault_error(fault, self.config.fault_retry_after), meta, delay)
        if fault.malformed:
            return EmuResponse(200, {"content-type": _JSON_CT}, _MALFORMED, delay)
        return None

    def _stream_mode(self, hdrs: dict[str, str]) -> str:
        """``incremental`` or ``buffered``: the ``X-Emulator-Stream`` header, else the config."""
        value = hdrs.get("x-emulator-stream")
        mode = (self.config.stream_mode if value is None else value) or ""
        mode = mode.strip().lower()
        if mode not in ("incremental", "buffered"):
            raise EmuError(400, "X-Emulator-Stream must be 'incremental' or 'buffered', got "
                           f"{mode!r}.", param="X-Emulator-Stream")
        return mode

    def _from_cassette(self, method: str, raw_path: str, query_pairs: list[tuple[str, str]],
                       hdrs: dict[str, str], body: bytes) -> EmuResponse | None:
        """The recorded answer to a request the cassette holds (any credential accepted: the
        recording is what is served), else None and the routes answer."""
        prefix = _LC_PREFIX if self.config.flavor == "lowcodeapi" else "/v1"
        path = unquote(raw_path)
        path = path[len(prefix):] if path.startswith(prefix + "/") else path
        found = self.cassette.answer(method, path, query_pairs, hdrs.get("content-type", ""),
                                     body)
        if found is None:
            return None
        status, headers, content = found
        return EmuResponse(status, headers, content)

    # -- routing -----------------------------------------------------------------------------

    def _resolve(self, method: str, segments: list[str], query: Mapping[str, str],
                 formats: tuple[str, ...]) -> tuple[Route, dict[str, str], str] | None:
        """(route, path params, "new"|"old") for the decoded path ``segments``. Old: literal
        names in the path, values in the query; it wins over a New match of the same path
        (``/v1/models/model?model=X``)."""
        candidates = self._routes_by_shape.get((method, len(segments)), ())
        if "old" in formats:
            partial = None
            for r in candidates:
                if r.params and segments == r.old_path.split("/"):
                    if all(p in query for p in r.params):
                        return r, {p: query[p] for p in r.params}, "old"
                    partial = r
            if partial is not None:
                # An Old-format path whose values are not all in the query: say which are missing
                # rather than reading the literal names as ids.
                missing = [p for p in partial.params if p not in query]
                raise EmuError(400, "Old path format: the value of each path parameter goes in "
                               "the query; missing: " + ", ".join(missing) + ".",
                               param=missing[0])
        best: tuple[Route, dict[str, str]] | None = None
        for r in candidates:
            if r.params and "new" not in formats:
                continue
            if not all(p is None or p == seg for p, seg in zip(r.parts, segments, strict=True)):
                continue
            # The most literal template wins: POST /v1/threads/runs is not thread "runs".
            if best is None or len(r.params) < len(best[0].params):
                values = [seg for p, seg in zip(r.parts, segments, strict=True) if p is None]
                best = (r, dict(zip(r.params, values, strict=True)))
        return (best[0], best[1], "new") if best else None

    def _call(self, route: Route, method: str, path: str, params: dict[str, str],
              query: dict[str, str], headers: dict[str, str], body: bytes | bytearray,
              form: Any) -> Any:
        req = EmuRequest(method=method, path=path, path_params=params, query=query,
                         headers=headers, body=body, app=self)
        if form is not None:
            req._form = form
        try:
            result = route.handler(req)
            if isinstance(result, SSE):
                result = primed(result)
        except EmuError:
            raise
        except Exception as exc:  # a handler bug: never let it escape as a crash
            log.error("emulator handler %s %s failed", method, route.template, exc_info=True)
            raise server_error(exc) from None
        if not isinstance(result, (dict, Raw, SSE)):
            log.error("emulator handler %s %s returned %r", method, route.template, type(result))
            raise server_error(TypeError(f"handler returned {type(result).__name__}"))
        return result

    # -- flavor pieces -------------------------------------------------------------------------

    def _lowcode_site(self, method: str, raw_path: str,
                      hdrs: dict[str, str]) -> EmuResponse | None:
        """LowCodeAPI's own routes beside the provider's API (reference section 1.1, "Other
        OSS routes"), answered without a token: ``GET /``, ``GET /health-check``, and the bare
        provider path ``/openai`` (any method) redirecting to the UI; None for any other path."""
        # Express matches a route with or without one final slash.
        path = raw_path[:-1] if len(raw_path) > 1 and raw_path.endswith("/") else raw_path
        if path == _LC_PREFIX and method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            # No UI_DOMAIN here: the server redirects to its own Host, saying where from.
            host = hdrs.get("host", "")
            target = f"http://{host}?redirected_from={host}{_LC_PREFIX}"
            return EmuResponse(302, {"location": target, "content-type":
                                     "text/plain; charset=utf-8"},
                               f"Found. Redirecting to {target}".encode())
        if method == "GET" and path == "/":
            return self._json(200, {"res": {"message": "LowCodeAPI"}})
        if method == "GET" and path == "/health-check":
            return self._json(200, {"status": "ok"})
        return None

    def _lowcode_upload(self, route: Route, hdrs: dict[str, str],
                        body: bytes | bytearray) -> Any:
        """The parsed form when it has exactly one file part, named ``file``; else None."""
        from ._multipart import parse_multipart

        try:
            fields, files = parse_multipart(hdrs.get("content-type", ""), body)
        except EmuError:
            return None
        # multer's single("file"): any other file field is an "Unexpected field" -> 422 too.
        if set(files) != {"file"} or len(files["file"]) != 1:
            return None
        if route.template in _FILE_IS_IMAGE:
            files = {"image": files["file"]}
        return fields, files

    def _lowcode_auth(self, method: str, raw_path: str, query: dict[str, str],
                      hdrs: dict[str, str]) -> EmuResponse | None:
        token = query.get("api_token")
        if not token or not token.startswith("at_"):
            message = "A valid API token is required to access this API."
            # LowCodeAPI echoes the request (query included) in `logging`; clients must redact.
            logging_info = {"method": method, "status_code": 401, "message": message,
                            "path": raw_path, "headers": dict(hdrs), "query": dict(query)}
            return self._json(401, {"message": message, "provider": _PROVIDER,
                                    "error": {"code": 401, "logging": logging_info}})
        if token not in self.config.api_tokens:
            return self._json(403, {"message": "Invalid api_token", "provider": _PROVIDER,
                                    "error": {"code": 403}})
        return None

    def _check_host(self, hdrs: dict[str, str]) -> EmuResponse | None:
        """403 unless ``Host`` names this emulator: a page whose DNS name was rebound to
        127.0.0.1 sends its own name, and must not reach the emulator's public token."""
        host = hdrs.get("host")
        name = _host_name(host) if host is not None else None
        if name is not None and name in self.allowed_hosts:
            return None
        shown = "no Host header" if host is None else f"Host {ascii(host[:80])}"
        exc = EmuError(403, f"{shown} is not served here: the emulator answers requests "
                       "addressed to 127.0.0.1, localhost or [::1] (and names listed in its "
                       "allowed_hosts), which keeps web pages that rebind their DNS name to "
                       "this machine out.", code="host_not_allowed")
        return self._error(exc, self._meta_headers(0), 0.0)

    def _openai_auth(self, hdrs: dict[str, str]) -> None:
        scheme, _, key = hdrs.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise EmuError(401, "You didn't provide an API key. You need to provide your API key "
                           "in an Authorization header using Bearer auth (i.e. Authorization: "
                           "Bearer YOUR_KEY).", code="invalid_api_key")
        if key not in self.config.openai_keys:
            shown = key[:3] + "*" * max(4, min(len(key) - 3, 20))
            raise EmuError(401, f"Incorrect API key provided: {shown}. You can find your API key "
                           "at https://platform.openai.com/account/api-keys.",
                           code="invalid_api_key")

    def _fault(self, hdrs: dict[str, str]) -> Fault:
        drawn = self._faults.draw()  # drawn for every request so the sequence never shifts
        value = hdrs.get("x-emulator-fault")
        if value is not None:
            return parse_fault_header(value)
        limit = self.config.fault_max_consecutive
        if drawn is not None and limit is not None and _retry_count(hdrs) >= limit:
            return Fault()
        return drawn or Fault()

    # -- responses -------------------------------------------------------------------------------

    def _meta_headers(self, body_len: int) -> dict[str, str]:
        """x-request-id and x-ratelimit-* for one request (a rolling one-minute window)."""
        now = time.monotonic()
        tokens = max(1, body_len // 4)
        with self.lock:
            self._request_count += 1
            n = self._request_count
            self._window.append((now, tokens))
            while self._window and now - self._window[0][0] > 60.0:
                self._window.popleft()
            used_requests = len(self._window)
            used_tokens = sum(t for _, t in self._window)
        digest = hashlib.sha256(f"{self.config.seed}|req|{n}".encode()).hexdigest()
        request_id = "req_" + digest[:32]
        return {
            "x-request-id": request_id,
            "openai-organization": self.config.organization,
            "openai-version": "2020-10-01",
            "openai-processing-ms": "1",
            "x-ratelimit-limit-requests": str(_LIMIT_REQUESTS),
            "x-ratelimit-limit-tokens": str(_LIMIT_TOKENS),
            "x-ratelimit-remaining-requests": str(max(0, _LIMIT_REQUESTS - used_requests)),
            "x-ratelimit-remaining-tokens": str(max(0, _LIMIT_TOKENS - used_tokens)),
            "x-ratelimit-reset-requests": _duration(used_requests * 60.0 / _LIMIT_REQUESTS),
            "x-ratelimit-reset-tokens": _duration(used_tokens * 60.0 / _LIMIT_TOKENS),
        }

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None,
              delay: float = 0.0) -> EmuResponse:
        ct = _LC_JSON_CT if self.config.flavor == "lowcodeapi" else _JSON_CT
        return EmuResponse(status, {**(headers or {}), "content-type": ct}, dumps(obj), delay)

    def _not_found(self) -> EmuResponse:
        return self._json(404, {"message": "Not Found"})

    @staticmethod
    def _invalid_url(method: str, path: str) -> EmuError:
        return EmuError(404, f"Invalid URL ({method} {path})")

    def _error(self, exc: EmuError, meta: dict[str, str], delay: float) -> EmuResponse:
        headers = {**meta, **exc.headers}
        if exc.status == 429 and exc.type == "requests":
            headers["x-ratelimit-remaining-requests"] = "0"
        if self.config.flavor == "lowcodeapi":
            return self._json(exc.status, {"message": "Error received from the openai API",
                                           "provider": _PROVIDER, "error": exc.body(),
                                           "headers": headers}, delay=delay)
        return self._json(exc.status, exc.body(), headers, delay)

    def _success(self, result: Any, meta: dict[str, str], delay: float, stream_mode: str,
                 fault: Fault) -> EmuResponse:
        lowcode = self.config.flavor == "lowcodeapi"
        if isinstance(result, Raw):
            ctype = result.content_type.split(";")[0].strip().lower()
            if lowcode and ctype in ("application/json", "text/json"):
                # LowCodeAPI wraps every JSON upstream body, whatever the endpoint.
                try:
                    result = strict_loads(result.content)
                except ValueError:
                    return EmuResponse(200, {"content-type": result.content_type},
                                       result.content, delay)
            else:
                headers = {} if lowcode else dict(meta)
                headers["content-type"] = result.content_type
                return EmuResponse(200, headers, result.content, delay)
        if isinstance(result, dict):
            if lowcode:
                message = result.get("message")
                envelope = {"message": message if isinstance(message, str) else
                            "Request completed", "provider": _PROVIDER, "result": result,
                            "response_headers": {**meta, "content-type": _JSON_CT}}
                return self._json(200, envelope, delay=delay)
            return self._json(200, result, meta, delay)
        headers = {} if lowcode else {**meta, "cache-control": "no-cache"}
        headers["content-type"] = _SSE_CT
        chunks = sse_bytes(result, fault.cut_after)
        if stream_mode == "buffered":
            return EmuResponse(200, headers, b"".join(chunks), delay)
        return EmuResponse(200, headers, chunks, delay)
