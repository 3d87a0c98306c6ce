"""The relay's ASGI application: learners' API calls (``/v1/...``) and the host's admin page.

A learner's call goes through, in order: the seat code (401), a pause (403), the allowlist (404),
the seat's rate limit (429 with ``retry-after``), the body size limit (413), the body read into a
request spec (400), the worst-case cost (400 when it cannot be bounded), the reservation against
the seat's and the workshop's budget (429 ``insufficient_quota``, never retried), and only then the
upstream call. After the response the reservation is replaced by the real cost from its usage.
Every refusal is an OpenAI-shaped error, so every client raises it as a typed error.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from .. import _catalog, _spend
from .._exceptions import APIConnectionError, APIError, APIStatusError, APITimeoutError
from .._requester import RequestSpec
from .._wire import _encodings_pattern, clean_text, redact
from ._routes import RouteError, match_route, read_request
from ._store import Refusal, SeatStore, micro, usd
from ._upstream import RawStream, Upstream

__all__ = ["RelayApp"]

logger = logging.getLogger("lcoai_notebook.relay")

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

#: Bodies larger than this are refused before they are read to the end (413): the largest upload
#: the service takes is 25 MB of audio or image, plus the form's own bytes.
DEFAULT_MAX_BODY = 26 * 1024 * 1024

_ADMIN_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; "
     b"connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
     b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
_STATIC = {"/admin": ("admin.html", b"text/html; charset=utf-8"),
           "/admin/": ("admin.html", b"text/html; charset=utf-8"),
           "/admin/admin.js": ("admin.js", b"text/javascript; charset=utf-8"),
           "/admin/admin.css": ("admin.css", b"text/css; charset=utf-8")}


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    """A request's headers by lower-case name."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def error_body(message: str, type: str, code: str | None, param: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": type, "param": param,
                                 "code": code}}).encode()


class _Reply(Exception):
    """A finished answer, raised from any step of a request."""

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None,
                 content_type: bytes = b"application/json") -> None:
        self.status = status
        self.body = body
        self.headers = [(b"content-type", content_type), *(headers or [])]


def _refuse(status: int, message: str, type: str, code: str, param: str | None = None,
            headers: list[tuple[bytes, bytes]] | None = None) -> _Reply:
    return _Reply(status, error_body(message, type, code, param), headers)


class _RateLimit:
    """Requests per minute per seat, over a sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque)

    def wait(self, seat: str, now: float) -> float:
        """0 when the seat may send now (and counts it); otherwise the seconds to wait."""
        seen = self._seen[seat]
        while seen and seen[0] <= now - 60.0:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return seen[0] + 60.0 - now
        seen.append(now)
        return 0.0


class _Events:
    """Passes an upstream SSE stream on block by block: notes the usage and model it reports,
    drops the usage-only chunk the relay asked for when the learner did not, and scrubs the
    upstream token out of every block."""

    _END = re.compile(rb"\r?\n\r?\n")

    def __init__(self, scrub: Callable[[bytes], bytes], drop_usage_chunk: bool) -> None:
        self._scrub = scrub
        self._drop = drop_usage_chunk
        self._buf = b""
        self.usage: Any = None
        self.model: str | None = None

    def feed(self, chunk: bytes) -> bytes:
        self._buf += chunk
        out = []
        while True:
            end = self._END.search(self._buf)
            if end is None:
                break
            block, self._buf = self._buf[:end.end()], self._buf[end.end():]
            out.append(self._block(block))
        return self._scrub(b"".join(out))

    def flush(self) -> bytes:
        rest, self._buf = self._buf, b""
        return self._scrub(self._block(rest)) if rest else b""

    def _block(self, block: bytes) -> bytes:
        if self.model is not None and b'"usage"' not in block:
            return block  # the common case: a delta, passed on untouched
        data = b"".join(line[5:].strip() for line in block.splitlines()
                        if line.startswith(b"data:"))
        if not data.startswith(b"{"):
            return block
        try:
            obj = json.loads(data)
        except ValueError:
            return block
        if not isinstance(obj, dict):
            return block
        response = obj.get("response")
        inner: dict[str, Any] = response if isinstance(response, dict) else obj
        if self.model is None and isinstance(inner.get("model"), str):
            self.model = inner["model"]
        usage = inner.get("usage") or obj.get("usage")
        if usage:
            self.usage = usage
            if self._drop and obj.get("choices") == []:
                return b""
        return block


class RelayApp:
    """The ASGI app. ``upstream`` makes the :class:`Upstream` client (called once, inside the
    server's event loop); ``api_token`` is only used to scrub responses."""

    def __init__(self, store: SeatStore, upstream: Callable[[], Upstream], *, api_token: str,
                 flavor: str, per_minute: int = 60, max_body: int = DEFAULT_MAX_BODY,
                 assumed: dict[str, dict[str, Any]] | None = None) -> None:
        self.store = store
        self.assumed = assumed or {}
        self.flavor = flavor
        self.max_body = max_body
        self._make_upstream = upstream
        self._upstream: Upstream | None = None
        self._limit = _RateLimit(per_minute)
        self._secret = re.compile(_encodings_pattern(api_token).encode("utf-8")) \
            if api_token else None

    def scrub(self, data: bytes) -> bytes:
        """``data`` with every encoding of the upstream token replaced."""
        return self._secret.sub(b"***", data) if self._secret is not None else data

    async def aclose(self) -> None:
        if self._upstream is not None:
            await self._upstream.aclose()
            self._upstream = None

    # -- ASGI -------------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        try:
            if path.startswith("/v1/"):
                await self._api(scope, receive, send, path[3:])
                return
            if path == "/admin" or path.startswith("/admin/"):
                reply = await self._admin(scope, receive, path)
            elif path in ("/", "/health"):
                reply = _Reply(200, json.dumps({"service": "lcoai-notebook relay",
                                                "learner_base_url": "/v1"}).encode())
            else:
                raise _refuse(404, f"Nothing is served at {path[:100]}; learners use /v1/... "
                              "and the host /admin.", "invalid_request_error", "not_found")
        except _Reply as done:
            reply = done
        await self._send(send, reply)

    @staticmethod
    async def _send(send: Send, reply: _Reply) -> None:
        await send({"type": "http.response.start", "status": reply.status,
                    "headers": reply.headers})
        await send({"type": "http.response.body", "body": reply.body})

    # -- learners ---------------------------------------------------------------------------------
    async def _api(self, scope: dict[str, Any], receive: Receive, send: Send, path: str) -> None:
        method = scope["method"]
        headers = _headers(scope)
        try:
            seat = self._seat(headers)
            route, values = match_route(method, path, self.flavor)
            wait = self._limit.wait(seat, time.monotonic())
            if wait > 0:
                self.store.count_refusal(seat)
                seconds = max(1, math.ceil(wait))
                raise _refuse(429, f"This seat sends at most {self._limit.per_minute} requests "
                              f"a minute; try again in {seconds} s.", "requests",
                              "rate_limit_exceeded",
                              headers=[(b"retry-after", str(seconds).encode())])
            body = await self._body(receive, headers)
            spec = read_request(route, values, body, headers.get("content-type", ""))
            asked_usage = self._ask_for_usage(spec)
            row = self._reserve(seat, spec)
        except RouteError as exc:
            await self._send(send, _refuse(exc.status, exc.message, "invalid_request_error",
                                           exc.code, exc.param))
            return
        except _Reply as reply:
            await self._send(send, reply)
            return
        await self._forward(seat, row, spec, send, receive, drop_usage=not asked_usage)

    def _seat(self, headers: dict[str, str]) -> str:
        auth = headers.get("authorization", "")
        code = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        seat = self.store.seat_for(code)
        if seat is None:
            raise _refuse(401, "Unknown seat code. Use the code your workshop host gave you as "
                          "the API key (lco.connect(relay=..., seat='seat_...')).",
                          "invalid_request_error", "invalid_api_key")
        if seat.paused or self.store.paused_all():
            who = "This seat is" if seat.paused else "The workshop relay is"
            raise _refuse(403, f"{who} paused by the workshop host; ask them to resume it.",
                          "permission_denied", "seat_paused" if seat.paused else "relay_paused")
        return seat.name

    async def _body(self, receive: Receive, headers: dict[str, str]) -> bytes:
        declared = headers.get("content-length", "")
        too_big = _refuse(413, f"The request body is larger than the relay's limit of "
                          f"{self.max_body // (1024 * 1024)} MiB.", "invalid_request_error",
                          "request_too_large")
        if declared.isdigit() and int(declared) > self.max_body:
            raise too_big
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Reply(499, b"")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise too_big
            parts.append(chunk)
            if not message.get("more_body"):
                return b"".join(parts)

    @staticmethod
    def _ask_for_usage(spec: RequestSpec) -> bool:
        """For a streamed chat completion, ask the upstream to report usage (the cost is read
        from it); True when the learner asked for it themselves."""
        if not (spec.stream and spec.path in ("/chat/completions", "/completions")
                and isinstance(spec.json, dict)):
            return True
        options = spec.json.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage") is True:
            return True
        spec.json["stream_options"] = {**(options if isinstance(options, dict) else {}),
                                       "include_usage": True}
        return False

    def _reserve(self, seat: str, spec: RequestSpec) -> int:
        with _catalog.assumed_prices(self.assumed):
            worst = _spend.estimate(spec, strict=True)
        fields = spec.json if isinstance(spec.json, dict) else (spec.data or {})
        model = str(fields.get("model") or spec.path_params.get("model") or "")
        if worst is not None and worst.usd is None:
            self.store.count_refusal(seat)
            raise _refuse(400, f"The relay cannot bound the cost of this request, so it does not "
                          f"send it: {worst.why_unknown}. The workshop host can give the model a "
                          f"price (lcoai-notebook relay --price {model[:60]}=INPUT,OUTPUT,"
                          "MAX_OUTPUT_TOKENS, in USD per million tokens).",
                          "invalid_request_error", "cost_unknown", "model")
        amount = 0 if worst is None else micro(worst.usd or 0.0)
        try:
            return self.store.reserve(seat, amount, method=spec.method, route=spec.path,
                                      model=model)
        except Refusal as no:
            whose = "this seat's" if no.kind == "seat_budget_exceeded" else "the workshop's"
            raise _refuse(
                429, f"Budget exceeded: this request could cost up to ${no.estimate_usd:.4f} and "
                f"${no.remaining_usd:.4f} of {whose} ${no.budget_usd:.2f} budget remains. Ask the "
                "workshop host to add budget, or ask for less (a smaller max_completion_tokens).",
                "insufficient_quota", no.kind, headers=[(b"x-should-retry", b"false")]) from None

    async def _client(self) -> Upstream:
        if self._upstream is None:
            self._upstream = self._make_upstream()
        return self._upstream

    async def _forward(self, seat: str, row: int, spec: RequestSpec, send: Send,
                       receive: Receive, *, drop_usage: bool) -> None:
        try:
            result = await (await self._client()).send(spec)
        except APIStatusError as exc:
            status = exc.status_code or 502
            self.store.settle(row, status=status, cost_micro=0, note="upstream error")
            self._log(seat, spec, status, None)
            await self._send(send, _Reply(status, self.scrub(error_body(
                clean_text(redact(exc.message)), exc.type or "api_error", exc.code, exc.param))))
            return
        except APIError as exc:  # no answer from the upstream (connection, timeout, bad body)
            status = 504 if isinstance(exc, APITimeoutError) else 502
            self.store.settle(row, status=status, cost_micro=0, note=type(exc).__name__)
            self._log(seat, spec, status, None)
            kind = "could not be reached" if isinstance(exc, APIConnectionError) else \
                "sent an answer the relay could not read"
            await self._send(send, _refuse(status, f"The service behind the relay {kind}; try "
                                           "again in a moment.", "api_error", "upstream_error"))
            return
        except BaseException:
            # Cancelled (the relay is stopping) or a fault of its own: whether the upstream billed
            # cannot be known, so the reservation is charged, never refunded.
            self.store.settle(row, status=200, cost_micro=None,
                              note="interrupted: charged at the reservation")
            raise
        if isinstance(result, RawStream):
            await self._stream(seat, row, spec, result, send, receive, drop_usage)
            return
        cost, tokens = self._cost(spec, result)
        self.store.settle(row, status=200, cost_micro=cost, input_tokens=tokens[0],
                          output_tokens=tokens[1])
        self._log(seat, spec, 200, cost)
        if isinstance(result, tuple):  # bytes (speech) with their content type
            content, ctype = result
            reply = _Reply(200, self.scrub(content), content_type=ctype.encode("latin-1"))
        elif isinstance(result, str):
            reply = _Reply(200, self.scrub(result.encode()), content_type=b"text/plain; "
                           b"charset=utf-8")
        else:
            reply = _Reply(200, self.scrub(json.dumps(result).encode()))
        await self._send(send, reply)

    async def _stream(self, seat: str, row: int, spec: RequestSpec, stream: RawStream,
                      send: Send, receive: Receive, drop_usage: bool) -> None:
        events = _Events(self.scrub, drop_usage)
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        completed = settled = False
        try:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", stream.content_type.encode("latin-1")),
                                    (b"cache-control", b"no-cache")]})
            async for chunk in stream:
                if gone.is_set():
                    break
                out = events.feed(chunk)
                if events.usage is not None and not settled:
                    # The usage comes with the last events: the ledger is right before the
                    # learner sees the end of the stream.
                    settled = self._settle_stream(seat, row, spec, events, "")
                if out:
                    await send({"type": "http.response.body", "body": out, "more_body": True})
            else:
                completed = True
            await send({"type": "http.response.body", "body": events.flush(), "more_body": False})
        except (OSError, APIError):
            pass  # the learner or the upstream went away: the ledger below still settles
        finally:
            watcher.cancel()
            await stream.aclose()
            if not settled:
                self._settle_stream(seat, row, spec, events,
                                    "" if completed else "stream cut short")

    def _settle_stream(self, seat: str, row: int, spec: RequestSpec, events: _Events,
                       note: str) -> bool:
        """Charge a stream from the usage it reported (without one: its reservation)."""
        seen = {"model": events.model, "usage": events.usage}
        cost, tokens = self._cost(spec, seen, usage=events.usage) if events.usage else \
            (None, (None, None))
        self.store.settle(row, status=200, cost_micro=cost, input_tokens=tokens[0],
                          output_tokens=tokens[1], note=note)
        self._log(seat, spec, 200, cost)
        return True

    def _cost(self, spec: RequestSpec, result: Any, usage: Any = None
              ) -> tuple[int | None, tuple[int | None, int | None]]:
        """The real cost in micro-dollars (None when it cannot be read) and the tokens."""
        try:
            with _catalog.assumed_prices(self.assumed):
                entry = _spend.measure(spec, result, usage=usage)
        except (ValueError, TypeError):
            return None, (None, None)
        if entry is None:
            return 0, (None, None)
        cost = None if entry.usd is None else micro(entry.usd)
        return cost, (entry.input_tokens, entry.output_tokens)

    @staticmethod
    def _log(seat: str, spec: RequestSpec, status: int, cost: int | None) -> None:
        logger.info("%s %s %s -> %s (%s)", seat, spec.method, spec.path, status,
                    "cost unknown" if cost is None else f"${usd(cost):.6f}")

    # -- the host ---------------------------------------------------------------------------------
    async def _admin(self, scope: dict[str, Any], receive: Receive, path: str) -> _Reply:
        if path in _STATIC and scope["method"] == "GET":
            name, ctype = _STATIC[path]
            content = resources.files("lcoai_notebook.relay").joinpath("static").joinpath(
                name).read_bytes()
            return _Reply(200, content, list(_ADMIN_HEADERS), content_type=ctype)
        headers = _headers(scope)
        if not self.store.check_admin(headers.get("x-admin-key")):
            raise _refuse(401, "The admin API needs the admin key (X-Admin-Key); seat codes do "
                          "not open it.", "invalid_request_error", "invalid_admin_key")
        method = scope["method"]
        body = await self._body(receive, headers)
        try:
            return self._admin_call(method, path[len("/admin/api"):], body)
        except KeyError as exc:
            raise _refuse(404, f"No seat named {str(exc.args[0])[:60]!r}.",
                          "invalid_request_error", "seat_not_found") from None

    def _admin_call(self, method: str, action: str, body: bytes) -> _Reply:
        store = self.store
        if method == "GET" and action == "/state":
            state = {"totals": store.totals(), "seats": store.seats()}
            return _Reply(200, json.dumps(state).encode(), [(b"cache-control", b"no-store")])
        if method == "GET" and action == "/ledger.csv":
            return _Reply(200, store.ledger_csv().encode(),
                          [(b"content-disposition", b'attachment; filename="relay-ledger.csv"')],
                          content_type=b"text/csv; charset=utf-8")
        if method == "POST" and action in ("/pause-all", "/resume-all"):
            store.set_paused_all(action == "/pause-all")
            return _Reply(200, b'{"ok": true}')
        parts = action.strip("/").split("/")
        if method == "POST" and len(parts) == 3 and parts[0] == "seats":
            name, verb = parts[1], parts[2]
            if verb in ("pause", "resume"):
                store.set_paused(name, verb == "pause")
                return _Reply(200, b'{"ok": true}')
            if verb == "add-budget":
                try:
                    amount = json.loads(body or b"{}").get("usd")
                except (ValueError, AttributeError):
                    amount = None
                if isinstance(amount, bool) or not isinstance(amount, (int, float)) or \
                        not 0 < amount <= 1000:
                    raise _refuse(400, "add-budget takes {\"usd\": <a number above 0, at most "
                                  "1000>}.", "invalid_request_error", "invalid_amount", "usd")
                store.add_budget(name, float(amount))
                return _Reply(200, b'{"ok": true}')
        raise _refuse(404, "Unknown admin action.", "invalid_request_error", "not_found")
