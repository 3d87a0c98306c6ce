"""Acceptance (issue 2): a sentinel token appears zero times across reprs, every error class, and
every log record at DEBUG.

Against the real emulator, in-process and over the real loopback server, sync and async, both
flavors. The search is for each sentinel's random part, so a partly redacted token (prefix kept,
or the token without its ``at_``) still counts as a leak.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import socket
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from lcoai_notebook import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    InsufficientQuotaError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StreamInterruptedError,
    UnprocessableEntityError,
)
from lcoai_notebook._config import RetryPolicy
from lcoai_notebook.emulator import Emulator

pytestmark = pytest.mark.timeout(120)


def _sentinel(prefix: str) -> tuple[str, str]:
    secret_part = "SENTINEL" + secrets.token_hex(10)  # 20 random hex characters
    return prefix + secret_part, secret_part


GOOD, GOOD_PART = _sentinel("at_")                 # accepted by the emulator
WRONG, WRONG_PART = _sentinel("at_WRONG_")         # a well-formed token the emulator refuses: 403
MALFORMED, MALFORMED_PART = _sentinel("xx_")       # no at_ prefix: 401, echoed back in `logging`
KEY, KEY_PART = _sentinel("sk-")                   # the openai flavor's bearer key
WRONG_KEY, WRONG_KEY_PART = _sentinel("sk-")       # a bearer key the emulator refuses: 401
PARTS = (GOOD_PART, WRONG_PART, MALFORMED_PART, KEY_PART, WRONG_KEY_PART)

FAST = RetryPolicy(initial=0.001, cap=0.002)
MSG = [{"role": "user", "content": "Say something about tokens."}]
NAMED_LOGGERS = ("httpx", "httpcore", "lcoai_notebook", "uvicorn", "uvicorn.error")


# ------------------------------------------------------------------------------ scanning
def leaks_in_text(text: str) -> list[str]:
    return [p for p in PARTS if p in text]


def deep_strings(obj: Any, depth: int = 0, seen: set[int] | None = None) -> list[str]:
    """Every string reachable from ``obj`` (containers, ``__dict__``, slots, exception chain),
    plus the ``repr``/``str`` of each object visited."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth > 10:
        return []
    seen.add(id(obj))
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, (bytes, bytearray)):
        return [bytes(obj).decode("latin-1")]
    if obj is None or isinstance(obj, (int, float, bool)):
        return []
    out: list[str] = []
    try:
        out.append(repr(obj))
        out.append(str(obj))
    except Exception as exc:  # a repr that fails is a bug of its own
        out.append(f"<repr failed: {exc!r}>")
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += deep_strings(k, depth + 1, seen) + deep_strings(v, depth + 1, seen)
        return out
    if isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            out += deep_strings(v, depth + 1, seen)
        return out
    if isinstance(obj, type) or callable(obj) and not isinstance(obj, BaseException):
        return out
    if isinstance(obj, BaseException):
        out += deep_strings(obj.args, depth + 1, seen)
        out += deep_strings(obj.__cause__, depth + 1, seen)
        out += deep_strings(obj.__context__, depth + 1, seen)
    if type(obj).__module__.split(".")[0] in ("httpx", "httpcore"):
        # httpx's own objects (a stream's `.response`, an exception's `.request`) hold the
        # request URL by design; what they show (repr/str above) is checked, their insides not.
        return out
    for name in getattr(type(obj), "__slots__", ()):
        out += deep_strings(getattr(obj, name, None), depth + 1, seen)
    attrs = getattr(obj, "__dict__", None)
    if isinstance(attrs, dict):
        out += deep_strings(attrs, depth + 1, seen)
    return out


def error_texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), repr(exc.args),
             "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))]
    for attr in ("message", "body", "headers", "request_id", "code", "text", "chunks"):
        texts += deep_strings(getattr(exc, attr, None))
    texts += deep_strings(exc)
    return texts


def assert_no_leak(what: str, texts: list[str]) -> None:
    # A text may start with "<scenario>\x00" to say where it came from.
    where = sorted({t.split("\x00", 1)[0] if "\x00" in t else "?" for t in texts
                    if leaks_in_text(t)})
    found = sorted({p for t in texts for p in leaks_in_text(t)})
    assert not found, f"{what}: {len(found)} sentinel(s) leaked, in: {where}"


def tagged(name: str, texts: list[str]) -> list[str]:
    return [f"{name}\x00{t}" for t in texts]


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = [f"formatted log\x00{caplog.text}"]
    for rec in caplog.records:
        parts = [rec.getMessage(), str(rec.msg), repr(rec.args), rec.exc_text or ""]
        if rec.exc_info:
            parts.append("".join(traceback.format_exception(*rec.exc_info)))
        texts += tagged(f"logger {rec.name}", parts)
    return texts


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    for name in NAMED_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


# ------------------------------------------------------------------------------ scenarios
# Each scenario: (name, token kind, call, expected exception class or None). The call gets a
# client and returns what it produced (results and streams are scanned too).
def fault(spec: str) -> dict[str, Any]:
    return {"extra_headers": {"X-Emulator-Fault": spec}}


def _stream_all(c: Client) -> list[Any]:
    stream = c.chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True,
                                       stream_options={"include_usage": True})
    with stream:
        chunks = list(stream)
    return [stream, chunks, stream.text]


def _stream_cut(c: Client) -> Any:
    with c.chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True,
                                   **fault("cut_after=3")) as stream:
        return list(stream)


SYNC: list[tuple[str, str, Callable[[Client], Any], type[BaseException] | None]] = [
    ("chat", "good", lambda c: c.chat.completions.create(model="gpt-4o-mini", messages=MSG),
     None),
    ("stream", "good", _stream_all, None),
    ("embeddings", "good", lambda c: c.embeddings.create(model="text-embedding-3-small",
                                                         input=["a", "b"]), None),
    ("models.retrieve", "good", lambda c: c.models.retrieve("gpt-4o-mini"), None),
    ("400", "good", lambda c: c.chat.completions.create(
        model="gpt-4o-mini", messages=MSG, extra_body={"n": "many"}), BadRequestError),
    ("401", "malformed", lambda c: c.models.list(), AuthenticationError),
    ("403", "wrong", lambda c: c.models.retrieve("gpt-4o-mini"), PermissionDeniedError),
    ("404", "good", lambda c: c.models.retrieve("no-such-model"), NotFoundError),
    ("429", "good", lambda c: c.models.list(**fault("status=429;retry_after=0.01"),
                                            max_retries=1), RateLimitError),
    ("quota", "good", lambda c: c.models.list(**fault("status=429;code=insufficient_quota")),
     InsufficientQuotaError),
    ("409", "good", lambda c: c.models.list(**fault("status=409"), max_retries=1),
     ConflictError),
    ("422", "good", lambda c: c.models.list(**fault("status=422")), UnprocessableEntityError),
    ("500", "good", lambda c: c.models.list(**fault("status=500"), max_retries=1),
     InternalServerError),
    ("drop", "good", lambda c: c.models.list(**fault("drop=1"), max_retries=1),
     APIConnectionError),
    ("malformed", "good", lambda c: c.models.list(**fault("malformed=1")),
     APIResponseValidationError),
    ("stream_cut", "good", _stream_cut, StreamInterruptedError),
    ("bad_argument", "good", lambda c: c.chat.completions.create(
        model="gpt-4o-mini", messages=MSG, temperature=7), ValueError),
]


async def _astream_all(c: AsyncClient) -> list[Any]:
    stream = await c.chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True,
                                             stream_options={"include_usage": True})
    async with stream:
        chunks = [x async for x in stream]
    return [stream, chunks, stream.text]


async def _astream_cut(c: AsyncClient) -> Any:
    stream = await c.chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True,
                                             **fault("cut_after=3"))
    async with stream:
        return [x async for x in stream]


async def _acall(coro_fn: Callable[[AsyncClient], Any], c: AsyncClient) -> Any:
    return await coro_fn(c)


ASYNC: list[tuple[str, str, Callable[[AsyncClient], Any], type[BaseException] | None]] = [
    (name, kind, fn, cls) for name, kind, fn, cls in SYNC
    if name not in ("stream", "stream_cut")
] + [("stream", "good", _astream_all, None), ("stream_cut", "good", _astream_cut,
                                               StreamInterruptedError)]


def _past_prefix_check(client: Any, token: str) -> Any:
    """``client`` sending ``token``, which its constructor refuses (no ``at_``; issue 8, item
    10): LowCodeAPI's 401 for such a token echoes it, and that echo must still be redacted."""
    from lcoai_notebook._wire import register_secret

    client.requester._token = token
    register_secret(token)
    return client


def _client_for(make: Callable[..., Any], kind: str, flavor: str) -> Any:
    token = _token(kind, flavor)
    if flavor == "lowcodeapi" and not token.startswith("at_"):
        with pytest.raises(ValueError, match="start with 'at_'") as info:
            make(token)
        assert not leaks_in_text("".join(error_texts(info.value)))
        return _past_prefix_check(make(GOOD), token)
    return make(token)


def _token(kind: str, flavor: str) -> str:
    if flavor == "openai":
        return {"good": KEY, "wrong": WRONG_KEY, "malformed": WRONG_KEY}[kind]
    return {"good": GOOD, "wrong": WRONG, "malformed": MALFORMED}[kind]


def _expected(cls: type[BaseException] | None, kind: str, flavor: str) -> Any:
    # The openai flavor answers every bad key with 401.
    if flavor == "openai" and kind != "good":
        return AuthenticationError
    return cls


def run_sync(make: Callable[..., Client], flavor: str) -> list[str]:
    texts: list[str] = []
    for name, kind, fn, cls in SYNC:
        with _client_for(make, kind, flavor) as client:
            texts += tagged(name, [repr(client), str(client), repr(client.chat.completions)])
            expected = _expected(cls, kind, flavor)
            if expected is None:
                texts += tagged(name, deep_strings(fn(client)))
                continue
            with pytest.raises(expected) as info:
                fn(client)
            texts += tagged(name, error_texts(info.value))
    return texts


def run_async(make: Callable[..., AsyncClient], flavor: str) -> list[str]:
    async def main() -> list[str]:
        texts: list[str] = []
        for name, kind, fn, cls in ASYNC:
            client = _client_for(make, kind, flavor)
            async with client:
                texts += tagged(name, [repr(client), str(client)])
                expected = _expected(cls, kind, flavor)
                if expected is None:
                    texts += tagged(name, deep_strings(await _acall(fn, client)))
                    continue
                with pytest.raises(expected) as info:
                    await _acall(fn, client)
                texts += tagged(name, error_texts(info.value))
        return texts

    return asyncio.run(main())


def _emulator(flavor: str) -> Emulator:
    return Emulator(flavor=flavor, api_tokens=(GOOD,), openai_keys=(KEY,), fault_retry_after=0.01)


def _inprocess_sync(emu: Emulator, flavor: str) -> Callable[..., Client]:
    def make(token: str) -> Client:
        http = httpx.Client(transport=emu.transport())
        return Client(api_token=token, base_url=emu.inprocess_url, flavor=flavor,
                      http_client=http, owns_http_client=True, retry_policy=FAST)
    return make


def _inprocess_async(emu: Emulator, flavor: str) -> Callable[..., AsyncClient]:
    def make(token: str) -> AsyncClient:
        http = httpx.AsyncClient(transport=emu.async_transport())
        return AsyncClient(api_token=token, base_url=emu.inprocess_url, flavor=flavor,
                           http_client=http, owns_http_client=True, retry_policy=FAST)
    return make


# ------------------------------------------------------------------------------ tests
def test_the_scan_finds_a_planted_token() -> None:
    # The checks below are not vacuous: a token hidden in an error's attributes is found.
    err = NotFoundError("nope", status_code=404, body={"deep": [{"x": f"?api_token={GOOD}"}]})
    assert leaks_in_text("".join(error_texts(err)))
    err2 = APIConnectionError("boom")
    err2.__context__ = httpx.ConnectError(f"cannot reach http://h/?t={KEY}")
    assert leaks_in_text("".join(deep_strings(err2)))
    err3 = APIConnectionError("boom")
    err3.extra = {"nested": (1, [httpx.URL(f"http://h/?api_token={GOOD}")])}  # type: ignore[attr-defined]
    assert leaks_in_text("".join(deep_strings(err3)))


def test_sentinels_are_what_the_emulator_accepts_and_refuses() -> None:
    emu = _emulator("lowcodeapi")
    with emu.client(api_token=GOOD) as ok:
        assert ok.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
    with emu.client(api_token=WRONG) as wrong, pytest.raises(PermissionDeniedError) as info:
        wrong.models.list()
    assert info.value.status_code == 403 and "Invalid api_token" in str(info.value)
    with pytest.raises(ValueError, match="start with 'at_'") as refused:
        emu.client(api_token=MALFORMED)
    assert not leaks_in_text("".join(error_texts(refused.value)))
    bad_client = _past_prefix_check(emu.client(api_token=GOOD), MALFORMED)
    with bad_client as bad, pytest.raises(AuthenticationError) as info2:
        bad.models.list()
    assert info2.value.status_code == 401
    # LowCodeAPI echoes the request's query (token included) in a 401 body: the scan below has
    # a real copy to catch if the client kept it.
    assert "api_token" in json.dumps(info2.value.body)


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_inprocess_sync(flavor: str, debug_logs: pytest.LogCaptureFixture) -> None:
    emu = _emulator(flavor)
    texts = run_sync(_inprocess_sync(emu, flavor), flavor)
    assert_no_leak("objects", texts)
    assert any("HTTP Request" in r.getMessage() for r in debug_logs.records), \
        "httpx's request log was not captured: the log check would be vacuous"
    assert_no_leak("logs", log_texts(debug_logs))


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_inprocess_async(flavor: str, debug_logs: pytest.LogCaptureFixture) -> None:
    emu = _emulator(flavor)
    texts = run_async(_inprocess_async(emu, flavor), flavor)
    assert_no_leak("objects", texts)
    assert any("HTTP Request" in r.getMessage() for r in debug_logs.records)
    assert_no_leak("logs", log_texts(debug_logs))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _loopback_extras_sync(emu: Emulator, flavor: str, token: str) -> list[str]:
    texts: list[str] = []
    # A refused connection (nothing listens there) and a read timeout (slow answer).
    suffix = "/openai" if flavor == "lowcodeapi" else "/v1"
    with Client(api_token=token, base_url=f"http://127.0.0.1:{_free_port()}{suffix}",
                flavor=flavor, max_retries=1, retry_policy=FAST) as c:
        with pytest.raises(APIConnectionError) as info:
            c.models.list()
        texts += error_texts(info.value)
    with emu.client(max_retries=0, timeout=0.1) as c, pytest.raises(APITimeoutError) as info2:
        c.models.list(**fault("latency=0.4"))
    texts += error_texts(info2.value)
    return texts


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_loopback_sync(flavor: str, debug_logs: pytest.LogCaptureFixture) -> None:
    with _emulator(flavor) as emu:
        def make(token: str) -> Client:
            return emu.client(api_token=token, retry_policy=FAST)

        texts = run_sync(make, flavor)
        texts += _loopback_extras_sync(emu, flavor, _token("good", flavor))
    assert_no_leak("objects", texts)
    names = {r.name for r in debug_logs.records}
    assert any(n.startswith("httpcore") for n in names), \
        "httpcore's DEBUG records were not captured: the log check would be vacuous"
    assert_no_leak("logs", log_texts(debug_logs))


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_loopback_async(flavor: str, debug_logs: pytest.LogCaptureFixture) -> None:
    with _emulator(flavor) as emu:
        def make(token: str) -> AsyncClient:
            return emu.async_client(api_token=token, retry_policy=FAST)

        texts = run_async(make, flavor)

        async def timeout_case() -> list[str]:
            async with emu.async_client(max_retries=0, timeout=0.1) as c:
                with pytest.raises(APITimeoutError) as info:
                    await c.models.list(**fault("latency=0.4"))
                return error_texts(info.value)

        texts += asyncio.run(timeout_case())
    assert_no_leak("objects", texts)
    assert any(r.name.startswith("httpcore") for r in debug_logs.records)
    assert_no_leak("logs", log_texts(debug_logs))


def test_repr_of_clients_and_options_copies() -> None:
    emu = _emulator("lowcodeapi")
    with emu.client(api_token=GOOD) as c:
        texts = [repr(c), str(c), repr(c.requester), repr(c.with_options(max_retries=0)),
                 str(c.base_url), repr(vars(c))]
        assert "<set>" in repr(c) or "set" in repr(c)
    ac = AsyncClient(api_token=KEY, flavor="openai", base_url="http://127.0.0.1:9/v1")
    texts += [repr(ac), str(ac), repr(ac.requester)]
    asyncio.run(ac.aclose())
    assert_no_leak("client reprs", texts)
