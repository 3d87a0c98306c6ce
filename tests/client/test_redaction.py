"""A sentinel token appears nowhere: reprs, every error class, and every log record at DEBUG."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from _client_helpers import envelope, past_prefix_check

from lcoai_notebook import AsyncClient, Client
from lcoai_notebook._config import RetryPolicy
from lcoai_notebook._exceptions import APIError
from lcoai_notebook._http import RequestSpec
from lcoai_notebook._logging import RedactingFilter, install_redaction
from lcoai_notebook._models import ChatCompletionChunk

SENTINEL = "at_SENTINEL_7f3a9c_do_not_leak"
KEY_SENTINEL = "sk-SENTINEL-bearer-key-4d2e"
FAST = RetryPolicy(initial=0.001, cap=0.002)


def echo_handler(request: httpx.Request) -> httpx.Response:
    """A hostile server that echoes the request (and so the token) into every error it sends."""
    url = str(request.url)
    path = request.url.path
    token = request.url.params.get("api_token", "")
    auth = request.headers.get("authorization", "")
    if path.endswith("/401"):
        return httpx.Response(
            401,
            json={
                "message": "A valid API token is required to access this API.",
                "provider": "openai",
                "error": {
                    "code": 401,
                    "logging": {
                        "method": "GET",
                        "path": url,
                        "query": {"api_token": token},
                        "headers": {"authorization": auth},
                    },
                },
            },
        )
    if path.endswith("/403"):
        return httpx.Response(
            403,
            json={
                "message": f"Invalid api_token {token}",
                "provider": "openai",
                "error": {"code": 403},
            },
        )
    if path.endswith("/quota"):
        return httpx.Response(
            429,
            json={
                "message": "Error received from the openai API",
                "provider": "openai",
                "error": {
                    "error": {"message": f"quota for {token}{auth}", "code": "insufficient_quota"}
                },
                "headers": {"x-request-id": token or auth},
            },
        )
    if path.endswith("/500"):
        return httpx.Response(500, text=f"<html>crash at {url} {auth}</html>")
    if path.endswith("/plain"):
        return httpx.Response(
            400,
            json={
                "error": {
                    "message": f"Incorrect API key provided: {auth} {token}",
                    "code": "invalid_api_key",
                }
            },
        )
    if path.endswith("/malformed"):
        return httpx.Response(
            200,
            content=f"not json {url} {auth}".encode(),
            headers={"content-type": "application/json"},
        )
    if path.endswith("/refused"):
        raise httpx.ConnectError(f"cannot connect to {url}", request=request)
    if path.endswith("/timeout"):
        raise httpx.ReadTimeout(f"timed out reading {url}", request=request)
    if path.endswith("/stream-cut"):
        body = "data: " + json.dumps(
            {"choices": [{"index": 0, "delta": {"content": f"tok {token}{auth}"}}]}
        )
        return httpx.Response(
            200, content=(body + "\n\n").encode(), headers={"content-type": "text/event-stream"}
        )
    if path.endswith("/stream-error"):
        body = "data: " + json.dumps({"error": {"message": f"bad {url} {auth}"}})
        return httpx.Response(
            200, content=(body + "\n\n").encode(), headers={"content-type": "text/event-stream"}
        )
    return httpx.Response(200, json=envelope({"ok": True}, **{"x-request-id": "req_1"}))


CASES = ["401", "403", "quota", "500", "plain", "malformed", "refused", "timeout"]


def texts_of_error(err: BaseException) -> str:
    parts = []
    seen = 0
    e: BaseException | None = err
    while e is not None and seen < 5:
        parts += [str(e), repr(e), repr(e.args)]
        for attr in ("message", "body", "headers", "code", "request_id", "text", "chunks"):
            if hasattr(e, attr):
                parts.append(json.dumps(getattr(e, attr), default=repr))
        e = e.__cause__ or e.__context__
        seen += 1
    return "\n".join(parts)


def assert_no_leak(text: str) -> None:
    assert SENTINEL not in text
    assert KEY_SENTINEL not in text


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "lcoai_notebook"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog
    texts = []
    for rec in caplog.records:
        texts.append(rec.getMessage())
        if rec.exc_text:
            texts.append(rec.exc_text)
    texts.append(caplog.text)
    assert_no_leak("\n".join(texts))


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_sync_errors_reprs_and_logs(flavor, debug_logs):
    token = SENTINEL if flavor == "lowcodeapi" else KEY_SENTINEL
    client = Client(
        api_token=token,
        base_url="http://lco.test/openai",
        flavor=flavor,
        max_retries=1,
        retry_policy=FAST,
        http_client=httpx.Client(transport=httpx.MockTransport(echo_handler)),
        owns_http_client=True,
    )
    with client:
        assert_no_leak(repr(client) + str(client) + repr(client.requester))
        for case in CASES:
            with pytest.raises(APIError) as info:
                client.requester.request(RequestSpec("GET", f"/x/{case}"))
            assert_no_leak(texts_of_error(info.value))
        for case in ("stream-cut", "stream-error"):
            stream = client.requester.request(
                RequestSpec("POST", f"/x/{case}", stream=True, cast=ChatCompletionChunk)
            )
            assert_no_leak(repr(stream))
            with pytest.raises(APIError) as info:
                list(stream)
            err_text = texts_of_error(info.value)
            assert_no_leak(err_text)
        out = client.requester.request(RequestSpec("GET", "/models"))
        # The openai flavor does not unwrap LowCodeAPI's envelope.
        assert (out.ok if flavor == "lowcodeapi" else out.result.ok) is True
    messages = [r.getMessage() for r in debug_logs.records]
    # The records were there (and redacted), not merely absent.
    if flavor == "lowcodeapi":
        assert any("api_token=***" in m for m in messages)
    assert any(m.startswith("HTTP Request:") for m in messages)
    assert any("retrying" in m for m in messages)


def test_async_errors_and_logs(debug_logs):
    async def main():
        client = AsyncClient(
            api_token=SENTINEL,
            base_url="http://lco.test/openai",
            max_retries=1,
            retry_policy=FAST,
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(echo_handler)),
            owns_http_client=True,
        )
        async with client:
            for case in CASES:
                with pytest.raises(APIError) as info:
                    await client.requester.request(RequestSpec("GET", f"/x/{case}"))
                assert_no_leak(texts_of_error(info.value))
            stream = await client.requester.request(
                RequestSpec("POST", "/x/stream-cut", stream=True)
            )
            with pytest.raises(APIError) as info:
                async for _ in stream:
                    pass
            assert_no_leak(texts_of_error(info.value))

    asyncio.run(main())
    assert any("api_token=***" in r.getMessage() for r in debug_logs.records)


class _EchoHTTP(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        if "/v1/models" in self.path:
            body = json.dumps(envelope({"object": "list", "data": []})).encode()
            status = 200
        else:
            body = json.dumps(
                {
                    "message": "A valid API token is required to access this API.",
                    "provider": "openai",
                    "error": {"code": 401, "logging": {"path": self.path}},
                }
            ).encode()
            status = 401
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHTTP)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/openai"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_real_loopback_httpcore_debug_logs(loopback, debug_logs):
    with Client(api_token=SENTINEL, base_url=loopback, max_retries=0) as client:
        assert client.requester.request(RequestSpec("GET", "/models")).object == "list"
        with pytest.raises(APIError) as info:
            client.requester.request(RequestSpec("GET", "/other"))
        assert_no_leak(texts_of_error(info.value))
    names = {r.name for r in debug_logs.records}
    assert any(n.startswith("httpcore") for n in names)
    assert "httpx" in names


def test_filter_is_idempotent_and_redacts_args():
    install_redaction()
    install_redaction()
    log = logging.getLogger("httpx")
    assert sum(isinstance(f, RedactingFilter) for f in log.filters) == 1
    assert any(isinstance(f, RedactingFilter) for f in logging.getLogger("httpcore.http11").filters)
    rec = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "GET %s", ("http://h/x?api_token=at_abcdef",), None
    )
    RedactingFilter().filter(rec)
    assert rec.getMessage() == "GET http://h/x?api_token=***"


def test_real_emulator_over_loopback_debug_logs(debug_logs):
    """Against the emulator served on 127.0.0.1: successes, a stream, upstream errors, retried
    faults, a 401 that echoes the query and a 403 — with httpx/httpcore logging at DEBUG."""
    from lcoai_notebook.emulator import Emulator

    malformed = "bad_" + SENTINEL  # not at_...: LowCodeAPI answers 401 and echoes the query
    with Emulator(api_tokens=(SENTINEL,)) as emu:
        with emu.client(api_token=SENTINEL, max_retries=2, retry_policy=FAST) as client:
            assert_no_leak(repr(client) + repr(client.requester))
            assert client.models.list().object == "list"
            stream = client.chat.completions.create(
                model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "hi"}]
            )
            assert_no_leak(repr(stream))
            assert stream.get_final_text()
            with pytest.raises(APIError) as info:
                client.models.retrieve("no-such-model")
            assert_no_leak(texts_of_error(info.value))
            for fault in (
                "status=503;retry_after=0.001",
                "drop=1",
                "status=429;code=insufficient_quota",
            ):
                with pytest.raises(APIError) as info:
                    client.models.list(extra_headers={"X-Emulator-Fault": fault})
                assert_no_leak(texts_of_error(info.value))
        for token in (malformed, "at_" + SENTINEL):
            # A token without at_ is refused at construction (no echo: checked in
            # test_non_at_token_is_refused_without_echo); reach the server's 401 past that check.
            bad_client = past_prefix_check(emu.client(api_token="at_" + SENTINEL, max_retries=0),
                                           token)
            with bad_client as bad:
                with pytest.raises(APIError) as info:
                    bad.models.list()
                assert_no_leak(texts_of_error(info.value))
    names = {r.name for r in debug_logs.records}
    assert "httpx" in names and any(n.startswith("httpcore") for n in names)


def _chain(err: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    e: BaseException | None = err
    while e is not None and len(out) < 10:
        out.append(e)
        e = e.__cause__ or e.__context__
    return out


def deep_texts_of_error(err: BaseException) -> str:
    """Everything reachable from an error's chain: each link's attributes (an httpx error's
    ``.request`` carries the full URL, a ``JSONDecodeError``'s ``.doc`` the whole body)."""
    parts = [texts_of_error(err)]
    for e in _chain(err):
        parts.append(type(e).__name__)
        for value in vars(e).values():
            parts.append(repr(value))
            url = getattr(value, "url", None)
            if url is not None:
                parts.append(str(url))
    return "\n".join(parts)


def _cut_stream_with(exc: Exception) -> httpx.SyncByteStream:
    class Cut(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __iter__(self):
            yield b'data: {"choices": [{"index": 0, "delta": {"content": "ab"}}]}\n\n'
            raise exc

        async def __aiter__(self):
            yield b'data: {"choices": [{"index": 0, "delta": {"content": "ab"}}]}\n\n'
            raise exc

    return Cut()


def chain_handler(request: httpx.Request) -> httpx.Response:
    """Failures whose underlying exception holds the token (in a URL or a body)."""
    url = str(request.url)
    path = request.url.path
    if path.endswith("/cut"):
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=_cut_stream_with(httpx.RemoteProtocolError(f"dropped {url}", request=request)),
        )
    if path.endswith("/bad-event"):
        return httpx.Response(
            200,
            content=f"data: {{not json {url}\n\n".encode(),
            headers={"content-type": "text/event-stream"},
        )
    if path.endswith("/decoding"):
        raise httpx.DecodingError(f"bad gzip from {url}", request=request)
    return echo_handler(request)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_no_token_anywhere_in_the_exception_chain(mode):
    """Not in ``__cause__``/``__context__`` either: a chained httpx error keeps the request (full
    URL), a chained JSONDecodeError the raw body."""
    plain = ["malformed", "refused", "timeout", "500", "decoding"]
    streams = ["cut", "bad-event"]

    def make(cls, http_cls):
        return cls(
            api_token=SENTINEL,
            base_url="http://lco.test/openai",
            max_retries=0,
            http_client=http_cls(transport=httpx.MockTransport(chain_handler)),
            owns_http_client=True,
        )

    errors: list[BaseException] = []
    if mode == "sync":
        with make(Client, httpx.Client) as client:
            for case in plain:
                with pytest.raises(APIError) as info:
                    client.requester.request(RequestSpec("GET", f"/x/{case}"))
                errors.append(info.value)
            for case in streams:
                stream = client.requester.request(RequestSpec("POST", f"/x/{case}", stream=True))
                with pytest.raises(APIError) as info:
                    list(stream)
                errors.append(info.value)
    else:

        async def main():
            async with make(AsyncClient, httpx.AsyncClient) as client:
                for case in plain:
                    with pytest.raises(APIError) as info:
                        await client.requester.request(RequestSpec("GET", f"/x/{case}"))
                    errors.append(info.value)
                for case in streams:
                    stream = await client.requester.request(
                        RequestSpec("POST", f"/x/{case}", stream=True)
                    )
                    with pytest.raises(APIError) as info:
                        async for _ in stream:
                            pass
                    errors.append(info.value)

        asyncio.run(main())
    assert len(errors) == len(plain) + len(streams)
    for err in errors:
        assert_no_leak(deep_texts_of_error(err))


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_no_token_in_tracebacks_that_show_frame_locals(mode):
    """``%xmode Verbose``, debuggers and error trackers print each frame's locals; the
    requester's frames must not hold the request (whose URL carries the token) when it raises."""
    import traceback

    # Not "malformed": there the hostile server echoes the token into the 200 body itself, which
    # the frame reading that body holds.
    cases = ["500", "refused", "timeout", "401", "403", "quota"]

    def make(cls, http_cls):
        return cls(
            api_token=SENTINEL,
            base_url="http://lco.test/openai",
            max_retries=1,
            retry_policy=FAST,
            http_client=http_cls(transport=httpx.MockTransport(chain_handler)),
            owns_http_client=True,
        )

    errors: list[BaseException] = []
    if mode == "sync":
        with make(Client, httpx.Client) as client:
            for case in cases:
                with pytest.raises(APIError) as info:
                    client.requester.request(RequestSpec("GET", f"/x/{case}"))
                errors.append(info.value)
    else:

        async def main():
            async with make(AsyncClient, httpx.AsyncClient) as client:
                for case in cases:
                    with pytest.raises(APIError) as info:
                        await client.requester.request(RequestSpec("GET", f"/x/{case}"))
                    errors.append(info.value)

        asyncio.run(main())
    for err in errors:
        frames = traceback.TracebackException.from_exception(err, capture_locals=True)
        # Only the package's frames: this test's own locals are not the package's business.
        text = "".join(
            line
            for frame in frames.stack
            if "lcoai_notebook" in frame.filename
            for line in frames.stack.format_frame_summary(frame)
        )
        assert "request" in text or "route" in text  # the frames are there...
        assert_no_leak(text)  # ...without the token


# -- issue 8: every frame, every encoding, no terminal escapes ---------------------------------
# A token with the characters URL encoders rewrite: its on-wire form is at_SENT%2BIN%2FEL...
ODD_TOKEN = "at_SENT+IN/EL=tok&x 9c41"
ODD_KEY = "sk-SENT+IN/EL=key&x 7d22"


def _forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` a traceback, URL or server echo could hold."""
    from urllib.parse import quote, quote_plus

    forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret),
             quote_plus(secret, safe="/"), str(httpx.QueryParams({"k": secret}))[2:]}
    return forms | {_lower_hex(f) for f in forms}


def _lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), text)


def count_forms(text: str, secret: str) -> int:
    return sum(text.count(form) for form in _forms(secret))


def verbose_traceback(err: BaseException) -> str:
    """What ``%xmode Verbose`` / ``pytest -l`` print: every frame, with every local's repr."""
    import traceback

    te = traceback.TracebackException(type(err), err, err.__traceback__, capture_locals=True)
    return "".join(te.format())


def _raise_from(call, mode: str) -> BaseException:
    """Run ``call()`` (awaiting it in async mode) and return what it raised. Kept free of any
    local holding the token: the first frame of the traceback is this one."""
    try:
        result = call()
        if mode == "async":
            asyncio.run(result)
    except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt is one of the cases
        return exc
    raise AssertionError("nothing was raised")


def _interrupting(request: httpx.Request) -> httpx.Response:
    # The token did reach the transport (so a leak would have something to show) ...
    assert request.url.params.get("api_token") == ODD_TOKEN or \
        request.headers.get("authorization") == f"Bearer {ODD_KEY}"
    raise KeyboardInterrupt  # ... and the user pressed Ctrl-C while waiting for the answer


def _failing(request: httpx.Request) -> httpx.Response:
    raise RuntimeError("a transport bug")


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=envelope({"id": "x", "object": "model"}))


MSG = [{"role": "user", "content": "hi"}]
FRAME_CASES = {
    "metadata nan": (_ok, lambda c: c.chat.completions.create(
        model="gpt-4o-mini", messages=MSG, metadata={"a": float("nan")}), ValueError, "metadata"),
    "logit_bias inf": (_ok, lambda c: c.chat.completions.create(
        model="gpt-4o-mini", messages=MSG, logit_bias={"1": float("inf")}), ValueError,
        "logit_bias"),
    "object in body": (_ok, lambda c: c.chat.completions.create(
        model="gpt-4o-mini", messages=MSG, metadata={"a": object()}), TypeError, "metadata"),
    "surrogate": (_ok, lambda c: c.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "x\ud800"}]), ValueError,
        r"messages\[0\]\['content'\]"),
    "timeout inf": (_ok, lambda c: c.models.list(timeout=float("inf")), ValueError, "timeout"),
    "timeout nan": (_ok, lambda c: c.models.list(timeout=float("nan")), ValueError, "timeout"),
    "timeout 1e12": (_ok, lambda c: c.models.list(timeout=1e12), ValueError, "timeout"),
    "header": (_ok, lambda c: c.models.list(extra_headers={"X-Who": "Zoë"}), ValueError,
               "extra_headers"),
    "KeyboardInterrupt": (_interrupting, lambda c: c.models.list(), KeyboardInterrupt, None),
    "transport bug": (_failing, lambda c: c.models.list(), RuntimeError, None),
}


@pytest.mark.parametrize("case", list(FRAME_CASES))
@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_no_token_in_any_frame_local(mode, flavor, case):
    """Issue 8, item 3: serialisation errors, absurd timeouts and a Ctrl-C during a request
    used to leave the token (raw or percent-encoded) in frame locals: 44 appearances over these
    cases' first version, now 0, counting every frame (httpx's and the handler's too)."""
    handler, call, exc_type, param = FRAME_CASES[case]
    token = ODD_TOKEN if flavor == "lowcodeapi" else ODD_KEY
    cls, http_cls = (Client, httpx.Client) if mode == "sync" else (AsyncClient, httpx.AsyncClient)
    client = cls(api_token=token, flavor=flavor, base_url="http://lco.test/openai",
                 max_retries=0, http_client=http_cls(transport=httpx.MockTransport(handler)))
    del token
    err = _raise_from(lambda: call(client), mode)
    assert type(err) is exc_type
    if param is not None:
        assert re.search(param, str(err)), str(err)
    text = verbose_traceback(err)
    assert "_send" in text or param is not None  # the requester's frames are in it
    assert count_forms(text, ODD_TOKEN) + count_forms(text, ODD_KEY) == 0


def test_the_frame_scan_finds_a_planted_token():
    """Not vacuous: a local holding the on-wire URL is found, and so is the raw token."""
    def leaky(url: str) -> None:
        raise KeyboardInterrupt

    err = _raise_from(lambda: leaky(str(httpx.URL("http://h/x", params={"api_token": ODD_TOKEN}))),
                      "sync")
    assert count_forms(verbose_traceback(err), ODD_TOKEN) >= 1
    assert "%2B" in str(httpx.URL("http://h/x", params={"api_token": ODD_TOKEN}))


def _echo_encoded(request: httpx.Request) -> httpx.Response:
    """A server that echoes the token as it arrived on the wire, in three spellings."""
    from urllib.parse import quote, quote_plus

    wire = str(request.url).split("api_token=", 1)[1]
    raw = request.url.params["api_token"]
    spellings = f"wire={wire} lower={_lower_hex(quote(raw, safe=''))} form={quote_plus(raw)}"
    return httpx.Response(
        400,
        json={"message": "Error received from the openai API", "provider": "openai",
              "error": {"error": {"message": f"bad request {spellings}", "code": "x",
                                  "param": spellings}},
              "headers": {"x-request-id": spellings}},
        headers={"x-echo": wire},
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_percent_encoded_token_echoes_are_redacted(mode, debug_logs):
    """Issue 8, item 4: ``at_SENT%2BIN%2FEL...`` reached str(exc) and the logs."""
    cls, http_cls = (Client, httpx.Client) if mode == "sync" else (AsyncClient, httpx.AsyncClient)
    client = cls(api_token=ODD_TOKEN, base_url="http://lco.test/openai", max_retries=0,
                 http_client=http_cls(transport=httpx.MockTransport(_echo_encoded)))
    err = _raise_from(lambda: client.models.list(), mode)
    assert isinstance(err, APIError)
    texts = texts_of_error(err) + json.dumps(err.headers) + verbose_traceback(err)
    assert "wire=" in texts and "***" in texts  # the echo is there, redacted
    assert count_forms(texts, ODD_TOKEN) == 0
    from lcoai_notebook._logging import logger

    logger.debug("echo: %s", str(err.body))  # a caller logging the body it got
    logs = "\n".join(r.getMessage() for r in debug_logs.records)
    assert "echo:" in logs
    assert count_forms(logs, ODD_TOKEN) == 0


HOSTILE = "\x1b[31mred\x1b[0m \x1b]0;pwned title\x07 \x9b2J\x1b[2K bell\x07 nul\x00 ok\x9c\x7f end"


@pytest.mark.parametrize("shape", ["upstream", "lowcodeapi", "openai", "text", "stream"])
def test_terminal_escapes_are_stripped_from_error_text(shape):
    """Issue 8, item 5: a server's message cannot recolour, retitle or clear the terminal."""
    def handler(request: httpx.Request) -> httpx.Response:
        if shape == "upstream":
            return httpx.Response(400, json={"provider": "openai", "error": {"error": {
                "message": HOSTILE, "code": "c\x1b[1m"}}})
        if shape == "lowcodeapi":
            return httpx.Response(403, json={"message": HOSTILE, "provider": "openai",
                                             "error": {"code": 403}})
        if shape == "openai":
            return httpx.Response(400, json={"error": {"message": HOSTILE}})
        if shape == "text":
            return httpx.Response(502, text=HOSTILE)
        body = "data: " + json.dumps({"error": {"message": HOSTILE, "code": "c\x1b[1m"}})
        return httpx.Response(200, content=(body + "\n\n").encode(),
                              headers={"content-type": "text/event-stream"})

    with Client(api_token=SENTINEL, base_url="http://lco.test/openai", max_retries=0,
                http_client=httpx.Client(transport=httpx.MockTransport(handler))) as client:
        spec = RequestSpec("POST", "/chat/completions", json={}, stream=shape == "stream")
        with pytest.raises(APIError) as info:
            result = client.requester.request(spec)
            list(result)
    text = str(info.value) + info.value.message + str(info.value.code or "")
    assert "red" in text and "bell" in text and "end" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), repr(text)
    assert "pwned" not in text  # an OSC string is the escape's payload, not the message
