"""The requester's decisions, with no I/O: building requests, reading responses, retry rules.

:class:`BaseRequester` decides everything (URL and path format, auth, body, timeouts, what a
response means, whether and how long to wait before a retry, which path format to remember);
the shells in :mod:`lcoai_notebook._http` only send, read and sleep, one sync and one async. The
contract API resources rely on is documented there.
"""

from __future__ import annotations

import email.utils
import json as _json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timezone
from typing import Any, Literal

import httpx

from . import _encode, _retiring, _spend, _wire
from ._config import (
    DEFAULT_MAX_RETRIES,
    URL_FORMATS,
    RetryPolicy,
    Timeout,
    check_flavor,
    check_max_retries,
)
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InsufficientQuotaError,
    NotFoundError,
    StreamInterruptedError,
    status_error_class,
)
from ._logging import logger
from ._models import Result

__all__ = [
    "BaseRequester",
    "RequestSpec",
    "RouteMemory",
    "parse_retry_after",
    "to_httpx_timeout",
]


@dataclass(frozen=True)
class RequestSpec:
    """One API call, described without any I/O."""

    method: str
    path: str
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    data: dict[str, Any] | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    response: Literal["json", "text", "bytes", "auto"] = "json"
    stream: bool = False
    cast: Callable[[Any], Any] = Result
    text_cast: Callable[[str], Any] = str
    timeout: float | Timeout | None = None
    max_retries: int | None = None

    def with_query(self, **query: Any) -> RequestSpec:
        """A copy with extra query parameters (used for paging)."""
        return replace(self, query={**self.query, **query})


_RETRY_STATUSES = frozenset({408, 409, 429})
RETRY_COUNT_HEADER = "X-Lcoai-Retry-Count"
# 2.0 ** attempt overflows a float past 1023; the cap is reached long before this.
_MAX_BACKOFF_EXPONENT = 64


def to_httpx_timeout(value: float | Timeout | None) -> httpx.Timeout:
    """An ``httpx.Timeout`` from a number of seconds, a :class:`Timeout` or ``None`` (defaults)."""
    t = Timeout.coerce(value)
    return httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)


class _Request(httpx.Request):
    """An ``httpx.Request`` whose repr shows the URL redacted.

    For LowCodeAPI the URL carries the token, and this object is a local of every frame from the
    requester down to the transport: verbose tracebacks (``%xmode Verbose``, ``pytest -l``, error
    reporters) print those locals with ``repr``.
    """

    def __repr__(self) -> str:
        return f"<Request({self.method!r}, {_wire.redact(str(self.url))!r})>"


_TIMEOUT_PHASES = {
    httpx.ConnectTimeout: ("connect", "no connection"),
    httpx.ReadTimeout: ("read", "no response data"),
    httpx.WriteTimeout: ("write", "the request body could not be sent"),
    httpx.PoolTimeout: ("pool", "no free connection in the pool"),
}


def host_of(url: httpx.URL) -> str:
    """``host[:port]`` of ``url``: what an error may name (never the path, query or userinfo)."""
    host = url.host
    if ":" in host:
        host = f"[{host}]"  # IPv6
    return f"{host}:{url.port}" if url.port is not None else host


class RouteMemory:
    """Which path format worked for each route template (``url_format="auto"``); thread-safe."""

    def __init__(self) -> None:
        self._formats: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get(self, method: str, template: str) -> str | None:
        return self._formats.get((method, template))

    def set(self, method: str, template: str, fmt: str) -> None:
        with self._lock:
            self._formats[(method, template)] = fmt

    def __repr__(self) -> str:
        return f"RouteMemory({dict(self._formats)!r})"


def _flatten_query(query: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in query.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, dict):
            # OpenAI's deepObject style: metadata[key]=value
            for sub, sub_value in value.items():
                if sub_value is not None:
                    out[f"{key}[{sub}]"] = sub_value
        else:
            out[key] = value
    return out


def form_value(value: Any) -> str:
    """One multipart text value, rendered the way OpenAI's form parser reads it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _json.dumps(value)
    return str(value)


def _form_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            name = key if key.endswith("[]") else key + "[]"
            out[name] = [form_value(v) for v in value]
        else:
            out[key] = form_value(value)
    return out


def is_json_type(content_type: str) -> bool:
    """True for ``application/json``, ``text/json`` and ``+json`` types (parameters ignored)."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    return ctype.endswith("/json") or ctype.endswith("+json")


def parse_retry_after(headers: dict[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked to wait (``retry-after-ms``, else ``retry-after`` as seconds or an
    HTTP date), or ``None``.

    Numbers come back as sent, so a negative or NaN value (which no server can mean) stays
    visible; :meth:`BaseRequester.retry_wait` replaces it with the policy's minimum back-off. An
    HTTP date already past is 0.
    """
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        # "-0000" parses as a naive datetime; HTTP dates are always UTC.
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BaseRequester:
    """Everything a requester decides, with no I/O.

    Parameters
    ----------
    http_client : httpx.Client or httpx.AsyncClient
        Sends the requests (used here only to build them).
    flavor : {"lowcodeapi", "openai"}
    base_url : str
    api_token : str or None
    url_format : {"auto", "new", "old"}
    timeout : float, Timeout or None
    max_retries : int
    retry_policy : RetryPolicy
    default_headers : dict
    """

    is_async = False

    def __init__(
        self,
        http_client: Any,
        *,
        flavor: str = "lowcodeapi",
        base_url: str,
        api_token: str | None = None,
        url_format: str = "auto",
        timeout: float | Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        default_headers: dict[str, str] | None = None,
        route_memory: RouteMemory | None = None,
        owns_client: bool = False,
        spend: _spend.Spend | None = None,
    ) -> None:
        check_flavor(flavor)
        if url_format not in URL_FORMATS:
            raise ValueError(
                f"url_format must be one of {', '.join(map(repr, URL_FORMATS))}; got {url_format!r}"
            )
        self._http = http_client
        self.flavor = flavor
        self.base_url = base_url.rstrip("/")
        self._token = api_token
        _wire.register_secret(api_token)
        self.url_format = url_format
        self.timeout = Timeout.coerce(timeout)
        self.max_retries = check_max_retries(max_retries)
        self.retry_policy = retry_policy or RetryPolicy()
        _encode.check_headers(default_headers, "default_headers")
        self.default_headers = dict(default_headers or {})
        self.route_memory = route_memory or RouteMemory()
        self._owns_client = owns_client
        #: The cost ledger and budget guard (``client.spend``), shared with :meth:`copy`.
        self.spend = spend if spend is not None else _spend.Spend()
        #: Response headers of the last successful JSON call (HTTP headers merged with
        #: LowCodeAPI's ``response_headers``): ``x-request-id``, ``x-ratelimit-*``.
        self.last_response_headers: dict[str, str] = {}

    # -- configuration ---------------------------------------------------------------------------
    def copy(self, *, timeout: Any = None, max_retries: int | None = None) -> BaseRequester:
        """A requester over the same connection pool and route memory with other defaults."""
        return type(self)(
            self._http,
            flavor=self.flavor,
            base_url=self.base_url,
            api_token=self._token,
            url_format=self.url_format,
            timeout=self.timeout if timeout is None else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            retry_policy=self.retry_policy,
            default_headers=self.default_headers,
            route_memory=self.route_memory,
            owns_client=False,
            spend=self.spend,
        )

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} flavor={self.flavor!r} "
            f"base_url={_wire.redact(self.base_url)!r} "
            f"url_format={self.url_format!r} token={'set' if self._token else 'missing'}>"
        )

    # -- building ---------------------------------------------------------------------------------
    def formats_for(self, spec: RequestSpec) -> list[str]:
        """The path formats to try, in order."""
        if self.flavor != "lowcodeapi" or "{" not in spec.path:
            return ["new"]
        if self.url_format != "auto":
            return [self.url_format]
        known = self.route_memory.get(spec.method.upper(), spec.path)
        return [known] if known else ["new", "old"]

    def effective_max_retries(self, spec: RequestSpec) -> int:
        """The call's ``max_retries`` (checked: it comes straight from the caller), else the
        client's."""
        if spec.max_retries is None:
            return self.max_retries
        return check_max_retries(spec.max_retries)

    def prepare(self, spec: RequestSpec) -> bytes | None:
        """Check everything the caller gave before anything is sent; return the JSON body's
        bytes (encoded once, reused by retries), or ``None`` when there is no JSON body.

        Raises ``ValueError`` / ``TypeError`` naming the argument: a path id that would change
        the route, a timeout that is not a finite number of seconds, a body value JSON cannot
        carry (NaN, a lone surrogate, an object), a header HTTP cannot carry.
        """
        for name in _wire.path_names(spec.path):
            if name in spec.path_params:
                _wire.check_path_value(spec.path_params[name], name)
        if spec.timeout is not None:
            Timeout.coerce(spec.timeout)
        self.effective_max_retries(spec)
        _encode.check_headers(spec.headers, "extra_headers")
        _encode.check_text_values(spec.query, "")
        _encode.check_text_values(spec.data, "")
        if spec.json is None or spec.files is not None or spec.data is not None:
            return None
        return _encode.encode_json(spec.json)

    def build_request(
        self,
        spec: RequestSpec,
        url_format: str = "new",
        retry_count: int = 0,
        content: bytes | None = None,
    ) -> httpx.Request:
        """The ``httpx.Request`` for ``spec`` in the given path format (token included).

        ``content`` is the JSON body from :meth:`prepare` (encoded here when not given).
        Retries carry ``X-Lcoai-Retry-Count: n`` so a server (or the emulator) can tell a retry
        from a new request. The token is added last, by :meth:`_sign`, so no other frame holds it.
        """
        url, path_query = _wire.build_url(
            self.flavor, self.base_url, spec.path, spec.path_params, url_format
        )
        params = {**path_query, **_flatten_query(spec.query)}
        headers = {**self.default_headers, **spec.headers}
        kwargs: dict[str, Any] = {}
        if spec.files is not None:
            kwargs["files"] = spec.files
            if spec.data:
                kwargs["data"] = _form_fields(spec.data)
        elif spec.data is not None:
            kwargs["data"] = _form_fields(spec.data)
        elif spec.json is not None:
            kwargs["content"] = _encode.encode_json(spec.json) if content is None else content
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
        if spec.stream:
            headers.setdefault("Accept", "text/event-stream")
        if retry_count:
            headers[RETRY_COUNT_HEADER] = str(retry_count)
        timeout = to_httpx_timeout(self.timeout if spec.timeout is None else spec.timeout)
        request = self._http.build_request(
            spec.method.upper(), url, params=params, headers=headers, timeout=timeout, **kwargs
        )
        if type(request) is httpx.Request:  # a custom client's own subclass is left as it is
            request.__class__ = _Request
        self._sign(request, spec)
        return request

    def _sign(self, request: httpx.Request, spec: RequestSpec) -> None:
        """Add the credential to ``request``: the one frame that holds the token, briefly."""
        query, headers = _wire.auth_params(self.flavor, self._token)
        if query:
            request.url = request.url.copy_merge_params(query)
        for name, value in headers.items():
            # A caller's own header (extra_headers) wins, as it always has.
            if not any(k.lower() == name.lower() for k in spec.headers):
                request.headers[name] = value

    # -- reading ----------------------------------------------------------------------------------
    def status_error(self, response: httpx.Response, content: bytes) -> APIStatusError:
        """The error for a non-2xx response (redacted)."""
        status = response.status_code
        info = _wire.parse_error(status, content, response.headers)
        cls = status_error_class(status, info.code)
        if status == 429 and info.type == "insufficient_quota" and \
                not issubclass(cls, InsufficientQuotaError):
            cls = InsufficientQuotaError
        err = cls(
            info.message,
            status_code=status,
            body=info.body,
            request_id=info.request_id,
            code=info.code,
            type=info.type,
            param=info.param,
            headers=info.headers,
        )
        err.unknown_route = info.unknown_route
        err.source = info.source
        return err

    def parse_success(self, spec: RequestSpec, response: httpx.Response, content: bytes) -> Any:
        """The result of a 2xx non-streaming response, per ``spec.response``."""
        ctype = response.headers.get("content-type", "")
        mode = spec.response
        default_cast = spec.cast is Result
        if mode == "auto":
            if is_json_type(ctype):
                mode = "json"
            else:
                return spec.text_cast(content.decode("utf-8", "replace"))
        if mode == "json":
            body = _loads(content)
            if body is _NOT_JSON:
                # Raised here, not in an ``except``: a chained JSONDecodeError keeps the raw body.
                raise APIResponseValidationError(
                    "The response body is not valid JSON: "
                    + repr(_wire.redact(content[:200].decode("utf-8", "replace"))),
                    status_code=response.status_code,
                    request_id=response.headers.get("x-request-id"),
                )
            headers = {k.lower(): v for k, v in response.headers.items()}
            if self.flavor == "lowcodeapi":
                body, inner = _wire.unwrap_envelope(body)
                headers.update(inner)
            self.last_response_headers = headers
            return spec.cast(body)
        if mode == "text":
            if self.flavor == "lowcodeapi" and is_json_type(ctype):
                body = _loads(content)
                if _wire.is_envelope(body):
                    result = body["result"]
                    text = result if isinstance(result, str) else _json.dumps(result)
                    return text if default_cast else spec.cast(text)
            text = content.decode("utf-8", "replace")
            return text if default_cast else spec.cast(text)
        if mode == "bytes":
            return content if default_cast else spec.cast((content, ctype))
        raise ValueError(f"spec.response must be 'json', 'text', 'bytes' or 'auto'; got {mode!r}")

    @staticmethod
    def not_a_stream(response: httpx.Response, content: bytes) -> APIResponseValidationError:
        """The error for a ``stream=True`` call answered with JSON instead of an event stream."""
        return APIResponseValidationError(
            "Expected an event stream but got JSON: "
            + repr(_wire.redact(content[:300].decode("utf-8", "replace"))),
            status_code=response.status_code,
            request_id=response.headers.get("x-request-id"),
        )

    @staticmethod
    def empty_stream(response: httpx.Response) -> StreamInterruptedError:
        """The error for a ``stream=True`` call answered 200 with no body at all: a fault of the
        server or a proxy (retried like a dropped connection), not an empty result."""
        err = StreamInterruptedError(
            "The server answered with an empty event stream (no events and no [DONE]).",
            request_id=response.headers.get("x-request-id"),
        )
        err.status_code = response.status_code
        return err

    def transport_error(
        self, exc: httpx.RequestError, host: str, timeout: Timeout | None = None
    ) -> APIConnectionError:
        """Our error for an httpx failure, naming the host tried (never the URL: its query holds
        the token) and, for a timeout, which limit ran out. Built from redacted text only and
        never chained to ``exc`` (its ``.request`` holds the URL, token included)."""
        name = type(exc).__name__
        text = _wire.redact(_wire.clean_text(str(exc))).strip()
        detail = f"{name}: {text}" if text else name
        if isinstance(exc, httpx.TimeoutException):
            phase = next((v for k, v in _TIMEOUT_PHASES.items() if isinstance(exc, k)), None)
            if phase is not None and timeout is not None:
                field_name, what = phase
                detail += (f"; {what} within the {field_name} timeout of "
                           f"{getattr(timeout, field_name):g} s")
            return APITimeoutError(f"Request to {host} timed out ({detail}).")
        return APIConnectionError(f"Connection error talking to {host} ({detail}).")

    def call_timeout(self, spec: RequestSpec) -> Timeout:
        """The timeouts ``spec`` is sent with."""
        return self.timeout if spec.timeout is None else Timeout.coerce(spec.timeout)

    # -- retrying ---------------------------------------------------------------------------------
    def backoff(self, attempt: int) -> float:
        """Exponential back-off for retry number ``attempt`` (0-based), minus random jitter."""
        policy = self.retry_policy
        base = min(policy.cap, policy.initial * (2.0 ** min(attempt, _MAX_BACKOFF_EXPONENT)))
        return base * (1.0 - policy.jitter * random.random())

    def retry_wait(self, error: APIError, attempt: int, max_retries: int) -> float | None:
        """Seconds to wait before retrying after ``error``, or ``None`` to raise it now."""
        if attempt >= max_retries:
            return None
        if isinstance(error, APIConnectionError):
            return self.backoff(attempt)
        if isinstance(error, StreamInterruptedError) and not error.chunks:
            return self.backoff(attempt)  # nothing arrived: as safe to retry as a lost connection
        if not isinstance(error, APIStatusError):
            return None
        if isinstance(error, InsufficientQuotaError):
            return None
        headers = error.headers
        should = headers.get("x-should-retry", "").strip().lower()
        if should == "false":
            return None
        status = error.status_code or 0
        if should != "true" and not (status in _RETRY_STATUSES or status >= 500):
            return None
        after = parse_retry_after(headers)
        if after is not None and not after >= 0:
            # Negative or NaN: not a wait any server means; an immediate retry would hammer it.
            after = self.retry_policy.min_backoff
        if after is not None:
            if after > self.retry_policy.max_retry_after:
                logger.debug(
                    "not retrying: the server asked to wait %.1f s (more than %.0f s)",
                    after,
                    self.retry_policy.max_retry_after,
                )
                return None
            return after
        return self.backoff(attempt)

    def sent(self, request: httpx.Request, outcome: httpx.Response | str, started: float) -> str:
        """Log one attempt (redacted URL, the status or the failure's name, elapsed time); return
        the request's ``"METHOD url"`` without the query, for later messages. The shells drop
        the request after this: frame locals show in verbose tracebacks, and its URL holds the
        token."""
        if logger.isEnabledFor(10):
            status = outcome.status_code if isinstance(outcome, httpx.Response) else outcome
            logger.debug(
                "%s %s -> %s in %.3f s",
                request.method,
                _wire.redact(str(request.url)),
                status,
                time.monotonic() - started,
            )
        return f"{request.method} {_wire.redact(str(request.url.copy_with(query=None)))}"

    def wait_or_raise(self, route: str, error: APIError, attempt: int, max_retries: int) -> float:
        """Seconds to wait before retrying after ``error`` (logged), or raise ``error``.

        Call it outside any ``except`` block, so the error has no ``__context__``.
        """
        wait = self.retry_wait(error, attempt, max_retries)
        if wait is None:
            raise error
        logger.debug(
            "retrying %s in %.3f s (retry %d of %d) after %s: %s",
            route,
            wait,
            attempt + 1,
            max_retries,
            type(error).__name__,
            error.message,
        )
        return wait

    # -- the workshop kit: retiring models, the budget guard, the ledger ---------------------------
    def admit(self, spec: RequestSpec) -> Any:
        """Before ``spec`` is sent: warn once if its model is about to retire, and reserve its
        worst-case cost against the budget; raises
        :class:`~lcoai_notebook._exceptions.BudgetExceededError` (nothing sent) when it could
        pass it. Returns the reservation to hand to :meth:`settle` / :meth:`release`."""
        _retiring.check_model(_request_model(spec))
        return self.spend.admit(_spend.estimate(spec))

    def settle(self, spec: RequestSpec, result: Any, ticket: Any) -> Any:
        """After a successful parse: record what ``spec`` cost from ``result``'s usage and
        return ``result``. A stream is recorded when it ends (its usage comes last, if at all)."""
        if _spend.kind_of(spec) is None:
            self.spend.release(ticket)
            return result
        if spec.stream and hasattr(result, "_on_end"):
            spend = self.spend

            def ended(chunks: list[Any]) -> None:
                usage = _spend.stream_usage(chunks)
                seen = {"model": _spend.stream_model(chunks), "usage": usage}
                try:
                    entry = _spend.measure(spec, seen, usage=usage)
                except ValueError:  # a malformed count: the cost stays unknown
                    entry = None
                spend.settle(ticket, entry)

            result._on_end = ended
            return result
        try:
            entry = _spend.measure(spec, result)
        except ValueError:  # usage the table cannot price (a malformed count): not guessed
            entry = None
        self.spend.settle(ticket, entry)
        return result

    def release(self, ticket: Any) -> None:
        """Drop the reservation of a request that failed."""
        self.spend.release(ticket)

    def explain(self, spec: RequestSpec, exc: APIStatusError) -> APIStatusError:
        """``exc`` with a 404 for a retired model explained (date and replacement)."""
        if isinstance(exc, NotFoundError):
            return _retiring.explain_not_found(exc, _request_model(spec))
        return exc

    # -- path formats -----------------------------------------------------------------------------
    def try_next_format(
        self, spec: RequestSpec, exc: APIStatusError, i: int, formats: list[str]
    ) -> bool:
        """After ``formats[i]`` failed with ``exc``: True to try the next path format (the
        route was unknown in this one); else False, remembering the format when the upstream
        answered (so the route itself exists in it)."""
        fmt = formats[i]
        if exc.unknown_route and isinstance(exc, NotFoundError) and i + 1 < len(formats):
            logger.debug("%s %s: unknown route in %s format; trying %s format",
                         spec.method, spec.path, fmt, formats[i + 1])
            return True
        if exc.source == "upstream" and len(formats) > 1:
            self.remember(spec, fmt)
        return False

    def remember(self, spec: RequestSpec, fmt: str) -> None:
        """Record that ``fmt`` reaches ``spec``'s route (``url_format="auto"`` only)."""
        if self.flavor == "lowcodeapi" and self.url_format == "auto" and "{" in spec.path:
            method = spec.method.upper()
            if self.route_memory.get(method, spec.path) != fmt:
                self.route_memory.set(method, spec.path, fmt)


_NOT_JSON = object()


def _request_model(spec: RequestSpec) -> Any:
    """The ``model`` a request names (JSON body or multipart field), or None."""
    if isinstance(spec.json, dict):
        return spec.json.get("model")
    return (spec.data or {}).get("model")


def _loads(content: bytes) -> Any:
    """The parsed JSON of ``content``, or ``_NOT_JSON``."""
    try:
        return _json.loads(content)
    except ValueError:
        return _NOT_JSON
