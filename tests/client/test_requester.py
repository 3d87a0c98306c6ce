"""The requester over httpx.MockTransport, every test in both sync and async mode."""

from __future__ import annotations

import email.utils
import json
import math
import time

import httpx
import pytest
from _client_helpers import TOKEN, envelope, json_of, route_not_found, upstream_error

from lcoai_notebook._config import RetryPolicy
from lcoai_notebook._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InsufficientQuotaError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from lcoai_notebook._http import RequestSpec, SyncRequester, parse_retry_after
from lcoai_notebook._models import Result

MODEL = {"id": "gpt-5", "object": "model", "created": 1, "owned_by": "openai"}
GET_MODEL = RequestSpec("GET", "/models/{model}", path_params={"model": "gpt-5"})
LIST = RequestSpec("GET", "/models")


# -- success, auth, envelope ---------------------------------------------------------------------


def test_envelope_unwrapped_and_token_in_query(harness):
    h = harness(
        lambda r: httpx.Response(
            200, json=envelope({"object": "list", "data": [MODEL]}, **{"x-request-id": "req_9"})
        )
    )
    out = h.request(LIST)
    assert isinstance(out, Result)
    assert out.data[0].id == "gpt-5"
    req = h.requests[0]
    assert req.url.path == "/openai/v1/models"
    assert req.url.params["api_token"] == TOKEN
    assert "authorization" not in req.headers
    assert h.client.requester.last_response_headers["x-request-id"] == "req_9"


def test_openai_flavor_bearer_and_plain_body(harness):
    h = harness(
        lambda r: httpx.Response(200, json={"object": "list", "data": [MODEL]}),
        flavor="openai",
        api_token="sk-test-key-123",
    )
    out = h.request(LIST)
    assert out.data[0].id == "gpt-5"
    req = h.requests[0]
    assert str(req.url) == "http://oai.test/v1/models"
    assert req.headers["authorization"] == "Bearer sk-test-key-123"


def test_json_body_and_query_params(harness):
    h = harness(lambda r: httpx.Response(200, json=envelope({"ok": True})))
    spec = RequestSpec(
        "POST",
        "/chat/completions",
        json={"model": "m", "messages": []},
        query={"limit": 2, "flag": True, "skip": None, "metadata": {"k": "v"}},
    )
    h.request(spec)
    req = h.requests[0]
    assert json_of(req) == {"model": "m", "messages": []}
    assert req.url.params["limit"] == "2"
    assert req.url.params["flag"] == "true"
    assert "skip" not in req.url.params
    assert req.url.params["metadata[k]"] == "v"


def test_multipart_lists_become_repeated_bracket_fields(harness):
    h = harness(lambda r: httpx.Response(200, json=envelope({"text": "hi"})))
    spec = RequestSpec(
        "POST",
        "/audio/transcriptions",
        data={
            "model": "whisper-1",
            "timestamp_granularities": ["word", "segment"],
            "temperature": 0.5,
        },
        files=[("file", ("a.wav", b"RIFF....", "audio/wav"))],
    )
    assert h.request(spec).text == "hi"
    body = h.requests[0].content
    assert h.requests[0].headers["content-type"].startswith("multipart/form-data")
    assert body.count(b'name="timestamp_granularities[]"') == 2
    assert b'name="file"; filename="a.wav"' in body
    assert b'name="temperature"\r\n\r\n0.5' in body


def test_response_modes(harness):
    def handler(request):
        if request.url.path.endswith("/speech"):
            return httpx.Response(
                200, content=b"\xff\xfbMP3", headers={"content-type": "audio/mpeg"}
            )
        if request.url.path.endswith("/srt"):
            return httpx.Response(
                200,
                text="1\n00:00:00,000 --> 00:00:01,000\nhi\n",
                headers={"content-type": "text/plain"},
            )
        return httpx.Response(200, json=envelope({"text": "json"}))

    h = harness(handler)
    assert h.request(RequestSpec("POST", "/audio/speech", response="bytes")) == b"\xff\xfbMP3"
    cast = h.request(RequestSpec("POST", "/audio/speech", response="bytes", cast=lambda p: p))
    assert cast == (b"\xff\xfbMP3", "audio/mpeg")
    assert h.request(RequestSpec("POST", "/x/srt", response="text")).startswith("1\n00:00")
    assert h.request(RequestSpec("POST", "/x/srt", response="auto")).startswith("1\n00:00")
    assert h.request(RequestSpec("POST", "/x/json", response="auto")).text == "json"


def test_malformed_success_body_is_not_retried(harness):
    h = harness(
        lambda r: httpx.Response(
            200, content=b"{oops", headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(APIResponseValidationError):
        h.request(LIST)
    assert len(h.requests) == 1


# -- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "cls", "message", "code"),
    [
        (
            upstream_error(
                404,
                "The model `nope` does not exist or you do not have access to it.",
                "model_not_found",
                **{"x-request-id": "req_up"},
            ),
            NotFoundError,
            "The model `nope` does not exist",
            "model_not_found",
        ),
        (
            upstream_error(400, "'messages' is too short", None, param="messages"),
            BadRequestError,
            "too short",
            None,
        ),
        (
            httpx.Response(
                403,
                json={"message": "Invalid api_token", "provider": "openai", "error": {"code": 403}},
            ),
            PermissionDeniedError,
            "Invalid api_token",
            None,
        ),
        (
            httpx.Response(
                401,
                json={
                    "message": "A valid API token is required to access this API.",
                    "provider": "openai",
                    "error": {"code": 401},
                },
            ),
            AuthenticationError,
            "A valid API token is required",
            None,
        ),
        (
            httpx.Response(
                401,
                json={
                    "error": {
                        "message": "Incorrect API key provided",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
                headers={"x-request-id": "req_plain"},
            ),
            AuthenticationError,
            "Incorrect API key",
            "invalid_api_key",
        ),
        (upstream_error(422, "unprocessable"), UnprocessableEntityError, "unprocessable", None),
        (
            upstream_error(
                429, "You exceeded your current quota", "insufficient_quota", "insufficient_quota"
            ),
            InsufficientQuotaError,
            "exceeded your current quota",
            "insufficient_quota",
        ),
    ],
)
def test_error_shapes_raise_the_right_class_at_once(harness, response, cls, message, code):
    h = harness(lambda r: fresh(response))
    with pytest.raises(cls) as info:
        h.request(GET_MODEL)
    err = info.value
    assert type(err) is cls
    assert message in err.message and message in str(err)
    assert err.code == code
    assert err.status_code == response.status_code
    assert err.body is not None
    assert len(h.requests) == 1  # never retried


def test_request_id_from_body_headers_and_http_headers(harness):
    h = harness(lambda r: upstream_error(400, "bad", **{"x-request-id": "req_body"}))
    with pytest.raises(BadRequestError) as info:
        h.request(LIST)
    assert info.value.request_id == "req_body"
    h2 = harness(
        lambda r: httpx.Response(
            400, json={"error": {"message": "bad"}}, headers={"x-request-id": "req_http"}
        ),
        flavor="openai",
    )
    with pytest.raises(BadRequestError) as info:
        h2.request(LIST)
    assert info.value.request_id == "req_http"


def test_user_sees_invalid_api_token(harness):
    h = harness(
        lambda r: httpx.Response(
            403, json={"message": "Invalid api_token", "provider": "openai", "error": {"code": 403}}
        )
    )
    with pytest.raises(PermissionDeniedError) as info:
        h.request(LIST)
    assert str(info.value) == "Error code: 403 - Invalid api_token"


# -- url_format ------------------------------------------------------------------------------------


def test_url_format_new_and_old(harness):
    h = harness(lambda r: httpx.Response(200, json=envelope(MODEL)), url_format="new")
    h.request(GET_MODEL)
    assert h.requests[-1].url.path == "/openai/v1/models/gpt-5"
    assert "model" not in h.requests[-1].url.params
    h2 = harness(lambda r: httpx.Response(200, json=envelope(MODEL)), url_format="old")
    h2.request(GET_MODEL)
    assert h2.requests[-1].url.path == "/openai/v1/models/model"
    assert h2.requests[-1].url.params["model"] == "gpt-5"


def old_only(request: httpx.Request) -> httpx.Response:
    """An OSS-like server: only Old-format paths exist."""
    if request.url.path == "/openai/v1/models/model" and request.url.params.get("model") == "gpt-5":
        return httpx.Response(200, json=envelope(MODEL))
    if request.url.path == "/openai/v1/models/model":
        return upstream_error(404, "The model does not exist", "model_not_found")
    return route_not_found()


def test_auto_falls_back_to_old_and_remembers(harness):
    h = harness(old_only)
    assert h.request(GET_MODEL).id == "gpt-5"
    assert [r.url.path for r in h.requests] == [
        "/openai/v1/models/gpt-5",
        "/openai/v1/models/model",
    ]
    h.request(GET_MODEL)
    assert len(h.requests) == 3 and h.requests[-1].url.path == "/openai/v1/models/model"
    # Memory is shared by with_options copies.
    h.request(GET_MODEL, client=h.client.with_options(max_retries=0))
    assert len(h.requests) == 4 and h.requests[-1].url.path == "/openai/v1/models/model"


def test_auto_does_not_fall_back_on_upstream_404(harness):
    h = harness(lambda r: upstream_error(404, "The model `nope` does not exist", "model_not_found"))
    with pytest.raises(NotFoundError) as info:
        h.request(RequestSpec("GET", "/models/{model}", path_params={"model": "nope"}))
    assert info.value.code == "model_not_found"
    assert len(h.requests) == 1


def test_auto_new_success_is_remembered(harness):
    h = harness(lambda r: httpx.Response(200, json=envelope(MODEL)))
    h.request(GET_MODEL)
    h.request(GET_MODEL)
    assert [r.url.path for r in h.requests] == ["/openai/v1/models/gpt-5"] * 2
    assert h.client.requester.route_memory.get("GET", "/models/{model}") == "new"


def test_auto_unknown_route_in_both_formats_raises_not_found(harness):
    h = harness(lambda r: route_not_found())
    with pytest.raises(NotFoundError, match="Not Found"):
        h.request(GET_MODEL)
    assert len(h.requests) == 2
    assert h.client.requester.route_memory.get("GET", "/models/{model}") is None


def test_no_fallback_for_paths_without_params(harness):
    h = harness(lambda r: route_not_found())
    with pytest.raises(NotFoundError):
        h.request(LIST)
    assert len(h.requests) == 1


# -- retries ---------------------------------------------------------------------------------------


def fresh(template: httpx.Response) -> httpx.Response:
    """A copy of a response template (a sent httpx.Response is bound to its client)."""
    return httpx.Response(template.status_code, headers=template.headers, content=template.read())


def flaky(failures: list, ok=None):
    """A handler that returns/raises each of ``failures`` once, then succeeds."""
    failures = list(failures)

    def handler(request):
        if failures:
            f = failures.pop(0)
            if isinstance(f, Exception):
                raise f
            return fresh(f)
        return fresh(ok) if ok is not None else httpx.Response(200, json=envelope({"ok": True}))

    return handler


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(harness, status):
    h = harness(flaky([upstream_error(status, "transient")]))
    assert h.request(LIST).ok is True
    assert len(h.requests) == 2
    assert len(h.waits) == 1


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("dropped"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow connect"),
    ],
)
def test_connection_errors_and_timeouts_are_retried(harness, exc):
    h = harness(flaky([exc, exc]))
    assert h.request(LIST).ok is True
    assert len(h.requests) == 3


def test_exhausted_retries_raise_the_last_error(harness):
    h = harness(flaky([upstream_error(503, "down")] * 10), max_retries=3)
    with pytest.raises(InternalServerError, match="down"):
        h.request(LIST)
    assert len(h.requests) == 4 and len(h.waits) == 3
    # Retries say so; the first attempt carries no retry header.
    assert [r.headers.get("x-lcoai-retry-count") for r in h.requests] == [None, "1", "2", "3"]


def test_timeouts_raise_api_timeout_error(harness):
    h = harness(flaky([httpx.ReadTimeout("slow")] * 5), max_retries=1)
    with pytest.raises(APITimeoutError):
        h.request(LIST)
    assert len(h.requests) == 2
    h2 = harness(flaky([httpx.ConnectError("refused")] * 5), max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        h2.request(LIST)
    assert not isinstance(info.value, APITimeoutError)


def test_per_call_max_retries_overrides_client(harness):
    h = harness(flaky([upstream_error(500, "x")] * 10), max_retries=5)
    with pytest.raises(InternalServerError):
        h.request(RequestSpec("GET", "/models", max_retries=1))
    assert len(h.requests) == 2
    h.requests.clear()
    with pytest.raises(InternalServerError):
        h.request(LIST, client=h.client.with_options(max_retries=0))
    assert len(h.requests) == 1


def test_non_retryable_statuses(harness):
    for status in (400, 401, 403, 404, 422):
        h = harness(flaky([upstream_error(status, "no")] * 3))
        with pytest.raises(APIStatusError):
            h.request(LIST)
        assert len(h.requests) == 1


def test_insufficient_quota_never_retried_even_with_should_retry(harness):
    resp = upstream_error(
        429, "quota", "insufficient_quota", "insufficient_quota", **{"x-should-retry": "true"}
    )
    h = harness(flaky([resp] * 3))
    with pytest.raises(InsufficientQuotaError):
        h.request(LIST)
    assert len(h.requests) == 1 and h.waits == []


def test_x_should_retry_overrides(harness):
    h = harness(flaky([upstream_error(400, "retry me", **{"x-should-retry": "true"})]))
    assert h.request(LIST).ok
    assert len(h.requests) == 2
    h2 = harness(flaky([upstream_error(500, "do not", **{"x-should-retry": "false"})]))
    with pytest.raises(InternalServerError):
        h2.request(LIST)
    assert len(h2.requests) == 1


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (upstream_error(429, "slow", **{"retry-after-ms": "250"}), 0.25),
        (upstream_error(429, "slow", **{"retry-after": "2"}), 2.0),
        (
            httpx.Response(
                429, json={"error": {"message": "slow"}}, headers={"retry-after-ms": "40"}
            ),
            0.04,
        ),
        (
            httpx.Response(
                503, json={"error": {"message": "down"}}, headers={"retry-after": "1.5"}
            ),
            1.5,
        ),
        (upstream_error(429, "slow", **{"retry-after": "3", "retry-after-ms": "120"}), 0.12),
    ],
)
def test_retry_after_is_honoured_from_headers_and_body(harness, response, expected):
    h = harness(flaky([response]))
    h.request(LIST)
    assert h.waits == [pytest.approx(expected)]


def test_retry_after_http_date(harness):
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    h = harness(flaky([upstream_error(429, "slow", **{"retry-after": date})]))
    h.request(LIST)
    assert 25 <= h.waits[0] <= 31


def test_retry_after_above_120_is_not_waited(harness):
    h = harness(flaky([upstream_error(429, "slow", **{"retry-after": "600"})]))
    with pytest.raises(RateLimitError):
        h.request(LIST)
    assert h.waits == [] and len(h.requests) == 1


def test_backoff_bounds():
    req = SyncRequester(httpx.Client(), base_url="http://h/openai")
    try:
        for attempt, base in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (9, 8.0)]:
            values = [req.backoff(attempt) for _ in range(200)]
            assert all(base * 0.75 - 1e-9 <= v <= base for v in values)
            assert max(values) - min(values) > 0  # there is jitter
        req.retry_policy = RetryPolicy(initial=1, cap=3, jitter=0)
        assert [req.backoff(a) for a in range(4)] == [1, 2, 3, 3]
    finally:
        req.close()
        req._http.close()


def test_backoff_waits_without_retry_after(harness):
    h = harness(
        flaky([upstream_error(500, "x")] * 3),
        retry_policy=RetryPolicy(initial=0.1, cap=0.3, jitter=0.25),
        max_retries=3,
    )
    h.request(LIST)
    assert len(h.waits) == 3
    for w, base in zip(h.waits, [0.1, 0.2, 0.3], strict=True):
        assert base * 0.75 - 1e-9 <= w <= base


def test_parse_retry_after_edge_cases():
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "garbage"}) is None
    assert parse_retry_after({"retry-after-ms": "x", "retry-after": "1"}) == 1.0
    # Numbers come back as sent; retry_wait replaces the ones no server can mean.
    assert parse_retry_after({"retry-after": "-5"}) == -5.0
    assert math.isnan(parse_retry_after({"retry-after": "nan"}))


@pytest.mark.parametrize("where", ["http", "body"])
@pytest.mark.parametrize(
    ("name", "value"),
    [("retry-after", "-5"), ("retry-after", "nan"), ("retry-after", "-inf"),
     ("retry-after-ms", "-5000"), ("retry-after-ms", "NaN")],
)
def test_nonsense_retry_after_waits_the_minimum_backoff(harness, where, name, value):
    """A negative or NaN retry-after used to mean an immediate retry (issue 8, item 12)."""
    if where == "body":  # LowCodeAPI carries OpenAI's headers inside the JSON body
        response = upstream_error(429, "slow", **{name: value})
    else:
        response = httpx.Response(429, json={"error": {"message": "slow"}},
                                  headers={name: value})
    policy = RetryPolicy(initial=0.2, cap=1.0, jitter=0.25)
    h = harness(flaky([response]), retry_policy=policy)
    h.request(LIST)
    assert h.waits == [pytest.approx(policy.min_backoff)]
    assert policy.min_backoff == pytest.approx(0.15)


# -- timeouts --------------------------------------------------------------------------------------


def test_timeouts_default_client_and_per_call(harness):
    h = harness(lambda r: httpx.Response(200, json=envelope({})), timeout=30)
    h.request(LIST)
    t = h.requests[-1].extensions["timeout"]
    assert t["read"] == 30 and t["connect"] == 5
    h.request(RequestSpec("GET", "/models", timeout=2.5))
    t = h.requests[-1].extensions["timeout"]
    assert t["read"] == 2.5 and t["connect"] == 2.5
    h2 = harness(lambda r: httpx.Response(200, json=envelope({})))
    h2.request(LIST)
    t = h2.requests[-1].extensions["timeout"]
    assert t["connect"] == 5 and t["read"] >= 300


# -- sync and async behave the same ----------------------------------------------------------------


def test_sync_and_async_see_the_same_sequence():
    from _client_helpers import Harness

    script = [
        upstream_error(503, "a", **{"retry-after-ms": "5"}),
        httpx.ConnectError("x"),
        upstream_error(429, "b", **{"retry-after": "0"}),
    ]
    results = {}
    for m in ("sync", "async"):
        h = Harness(
            m,
            flaky(script, ok=httpx.Response(200, json=envelope(MODEL))),
            max_retries=3,
            retry_policy=RetryPolicy(initial=0.01, cap=0.01, jitter=0),
        )
        try:
            out = h.request(GET_MODEL)
            results[m] = (out.to_dict(), [str(r.url) for r in h.requests], h.waits)
        finally:
            h.close()
    assert results["sync"] == results["async"]
    # retry-after-ms 5, back-off 0.01 after the connection error, retry-after 0 means no sleep.
    assert results["sync"][2] == [pytest.approx(0.005), pytest.approx(0.01)]
    assert len(results["sync"][1]) == 4


def test_text_mode_reads_an_enveloped_json_result(harness):
    """LowCodeAPI wraps any JSON upstream body, even for a call that wants text (file content)."""
    h = harness(lambda r: httpx.Response(200, json=envelope({"a": 1})))
    assert json.loads(
        h.request(
            RequestSpec(
                "GET",
                "/files/{file_id}/content",
                path_params={"file_id": "file-1"},
                response="text",
            )
        )
    ) == {"a": 1}
    h2 = harness(lambda r: httpx.Response(200, json=envelope("line one\nline two")))
    assert h2.request(RequestSpec("GET", "/x", response="text")) == "line one\nline two"


def test_stream_error_chunk_with_null_error_is_not_an_error(harness):
    body = b'data: {"choices": [], "error": null}\n\ndata: [DONE]\n\n'
    h = harness(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})
    )
    stream = h.request(RequestSpec("POST", "/chat/completions", stream=True))
    if h.mode == "sync":
        assert len(list(stream)) == 1
    else:

        async def consume():
            return [c async for c in stream]

        import asyncio

        assert len(asyncio.run(consume())) == 1


def test_route_memory_under_threads():
    """Many threads share one client on an Old-format-only server: all succeed, Old remembered."""
    from concurrent.futures import ThreadPoolExecutor

    from _client_helpers import Harness

    h = Harness("sync", old_only)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(lambda _: h.request(GET_MODEL).id, range(64)))
        assert ids == ["gpt-5"] * 64
        assert h.client.requester.route_memory.get("GET", "/models/{model}") == "old"
        # Only the calls that started before the first success tried the New format.
        new_tries = [r for r in h.requests if r.url.path.endswith("/gpt-5")]
        assert len(h.requests) == 64 + len(new_tries) and len(new_tries) <= 8
    finally:
        h.close()


def test_debug_log_names_method_redacted_url_status_and_elapsed(harness, caplog):
    import logging
    import re

    caplog.set_level(logging.DEBUG, logger="lcoai_notebook")
    h = harness(flaky([upstream_error(503, "down", **{"retry-after-ms": "7"})]))
    h.request(LIST)
    ours = [r.getMessage() for r in caplog.records if r.name == "lcoai_notebook"]
    assert any(re.fullmatch(r"GET http://lco\.test/openai/v1/models\?api_token=\*\*\* -> 503 in "
                            r"\d+\.\d{3} s", m) for m in ours), ours
    assert any("retrying GET" in m and "in 0.007 s" in m for m in ours), ours
    assert any(m.endswith("-> 200 in " + m.rsplit(" in ", 1)[1]) for m in ours)


# -- review hardening ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [httpx.DecodingError("bad gzip"), httpx.TooManyRedirects("loop")],
)
def test_other_httpx_request_errors_become_connection_errors(harness, exc):
    """Every httpx failure surfaces as this package's error (never a bare httpx one, whose
    ``.request`` holds the URL with the token), and is retried like a dropped connection."""
    h = harness(flaky([exc]))
    assert h.request(LIST).ok is True
    assert len(h.requests) == 2
    h2 = harness(flaky([exc] * 5), max_retries=1)
    with pytest.raises(APIConnectionError) as info:
        h2.request(LIST)
    assert type(exc).__name__ in str(info.value)
    assert len(h2.requests) == 2


@pytest.mark.parametrize(
    ("value", "exc"), [("3", TypeError), (2.5, TypeError), (True, TypeError), (-1, ValueError)]
)
def test_per_call_max_retries_is_checked_before_sending(harness, value, exc):
    h = harness(flaky([upstream_error(500, "x")] * 10))
    with pytest.raises(exc, match="max_retries"):
        h.request(RequestSpec("GET", "/models", max_retries=value))
    assert h.requests == []


def test_backoff_does_not_overflow_after_many_retries():
    req = SyncRequester(httpx.Client(), base_url="http://h/openai")
    try:
        assert 6.0 <= req.backoff(5000) <= 8.0
    finally:
        req._http.close()


def test_retry_after_date_without_a_zone_is_utc(monkeypatch):
    """``-0000`` dates parse as naive datetimes; they are UTC, not the machine's local time."""
    now = 1_800_000_000.0
    value = email.utils.formatdate(now + 30, usegmt=False).replace("+0000", "-0000")
    assert value.endswith("-0000")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert parse_retry_after({"retry-after": value}, now=now) == pytest.approx(30, abs=1)
    finally:
        monkeypatch.undo()
        time.tzset()


# -- issue 8: checked before the wire, faults that looked like successes ---------------------------


def test_numpy_values_are_sent_as_plain_json(harness):
    """``logit_bias={"1": np.int64(1)}`` used to fail inside httpx (token in its frames)."""
    np = pytest.importorskip("numpy")
    h = harness(lambda r: httpx.Response(200, json=envelope({})))
    body = {"logit_bias": {"1": np.int64(1)}, "temperature": np.float32(0.5),
            "ids": np.arange(3), "flag": np.bool_(True)}
    h.request(RequestSpec("POST", "/chat/completions", json=body))
    assert json_of(h.requests[0]) == {"logit_bias": {"1": 1}, "temperature": 0.5,
                                      "ids": [0, 1, 2], "flag": True}
    assert h.requests[0].headers["content-type"] == "application/json"


def _circular() -> dict:
    d: dict = {}
    d["self"] = d
    return d


@pytest.mark.parametrize(
    ("body", "exc", "pattern"),
    [
        ({"metadata": {"a": float("nan")}}, ValueError, r"^metadata\['a'\] must be a finite"),
        ({"logit_bias": {"1": float("-inf")}}, ValueError, r"^logit_bias\['1'\] must be a finite"),
        ({"messages": [{"content": "ok"}, {"content": "a\udce9"}]}, ValueError,
         r"^messages\[1\]\['content'\] is not valid Unicode: a lone surrogate"),
        ({"metadata": {"k\ud800": "v"}}, ValueError, r"^a key of metadata is not valid Unicode"),
        ({"metadata": {"when": object()}}, TypeError, r"^metadata\['when'\] must be a JSON value"),
        ({"metadata": {(1, 2): "v"}}, TypeError, r"^metadata has a key of type tuple"),
        ({"tools": _circular()}, ValueError, r"^tools\['self'\] contains itself"),
        ({"stop": {1, 2}}, TypeError, r"^stop must be a JSON value"),
    ],
)
def test_bodies_json_cannot_carry_are_refused_naming_the_parameter(harness, body, exc, pattern):
    h = harness(lambda r: httpx.Response(200, json=envelope({})))
    with pytest.raises(exc, match=pattern) as info:
        h.request(RequestSpec("POST", "/chat/completions", json=body))
    assert h.requests == []
    assert info.value.__context__ is None  # no chained json/httpx error to read the body from


def test_numpy_nan_is_refused_too(harness):
    np = pytest.importorskip("numpy")
    h = harness(lambda r: httpx.Response(200, json=envelope({})))
    with pytest.raises(ValueError, match=r"^input\[1\] must be a finite"):
        h.request(RequestSpec("POST", "/x", json={"input": np.array([1.0, np.nan])}))
    assert h.requests == []


@pytest.mark.parametrize(
    ("spec", "pattern"),
    [
        (RequestSpec("GET", "/models", headers={"X-Who": "Zoë"}),
         r"extra_headers\['X-Who'\] must be ASCII"),
        (RequestSpec("GET", "/models", headers={"X-A": "a\r\nInjected: 1"}),
         r"extra_headers\['X-A'\] must not contain control characters"),
        (RequestSpec("GET", "/models", headers={"X-Ü": "1"}), r"extra_headers has a header name"),
        (RequestSpec("GET", "/models", headers={"X-N": 5}),
         r"extra_headers\['X-N'\] must be a str"),
        (RequestSpec("GET", "/models", query={"after": "x\ud800"}), r"after is not valid Unicode"),
        (RequestSpec("POST", "/f", data={"purpose": "\udcff"},
                     files=[("file", ("a", b"x", "t"))]), r"purpose is not valid Unicode"),
    ],
)
def test_headers_and_text_http_cannot_carry_are_refused(harness, spec, pattern):
    """Issue 8, item 11: these raised a bare UnicodeEncodeError (or reached h11) before."""
    h = harness(lambda r: httpx.Response(200, json=envelope({})))
    with pytest.raises((ValueError, TypeError), match=pattern) as info:
        h.request(spec)
    assert h.requests == []
    assert "Zoë" not in str(info.value)  # header values are never echoed: they may be secrets


def test_default_headers_are_checked_at_construction():
    from lcoai_notebook import Client

    with pytest.raises(ValueError, match=r"default_headers\['X-Key'\] must be ASCII"):
        Client(api_token=TOKEN, default_headers={"X-Key": "clé"})


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e12, 0, -1, 86_401])
def test_absurd_timeouts_are_refused_everywhere(harness, value):
    from lcoai_notebook import Client
    from lcoai_notebook._config import Timeout

    h = harness(lambda r: httpx.Response(200, json=envelope({})))
    with pytest.raises(ValueError, match=r"^timeout must be a finite number of seconds"):
        h.request(RequestSpec("GET", "/models", timeout=value))
    assert h.requests == []
    with pytest.raises(ValueError, match=r"^timeout must be a finite"):
        Client(api_token=TOKEN, timeout=value)
    with pytest.raises(ValueError, match=r"^timeout must be a finite"):
        h.client.with_options(timeout=value)
    with pytest.raises(ValueError, match=r"^timeout\.read must be a finite"):
        Timeout(read=value)
    with pytest.raises(TypeError, match=r"^timeout\.connect must be a number"):
        Timeout(connect="5")  # type: ignore[arg-type]
    assert Timeout.coerce(86_400).read == 86_400


def _sse(*events: str) -> httpx.Response:
    body = "".join(f"data: {e}\n\n" for e in events).encode()
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


CHUNK = json.dumps({"choices": [{"index": 0, "delta": {"content": "hi"}}]})


def _collect(h, spec):
    stream = h.request(spec)
    if h.mode == "sync":
        return [c for c in stream]

    async def drain():
        return [c async for c in stream]

    import asyncio

    return asyncio.run(drain())


def test_an_empty_200_stream_is_retried(harness):
    """Issue 8, item 12: a 200 with no body at all is a fault (retried), not an empty result."""
    empty = httpx.Response(200, content=b"", headers={"content-type": "text/event-stream"})
    h = harness(flaky([empty], ok=_sse(CHUNK, "[DONE]")))
    spec = RequestSpec("POST", "/chat/completions", json={}, stream=True)
    if h.mode == "sync":
        chunks = list(h.request(spec))
    else:
        import asyncio

        async def go():
            stream = await h.client.requester.request(spec)
            return [c async for c in stream]

        chunks = asyncio.run(go())
    assert [c["choices"][0]["delta"]["content"] for c in chunks] == ["hi"]
    assert len(h.requests) == 2 and len(h.waits) == 1


def test_an_always_empty_stream_raises_a_typed_error(harness):
    from lcoai_notebook import StreamInterruptedError

    h = harness(lambda r: httpx.Response(200, content=b"",
                                         headers={"content-type": "text/event-stream",
                                                  "x-request-id": "req_e"}), max_retries=2)
    with pytest.raises(StreamInterruptedError, match="empty event stream") as info:
        h.request(RequestSpec("POST", "/chat/completions", json={}, stream=True))
    assert len(h.requests) == 3
    assert info.value.status_code == 200 and info.value.request_id == "req_e"
    assert info.value.chunks == [] and info.value.text == ""


@pytest.mark.parametrize(
    ("exc", "phrase"),
    [
        (httpx.ReadTimeout(""), "no response data within the read timeout of 2.5 s"),
        (httpx.ConnectTimeout(""), "no connection within the connect timeout of 2.5 s"),
        (httpx.WriteTimeout(""), "within the write timeout of 2.5 s"),
        (httpx.PoolTimeout(""), "no free connection in the pool within the pool timeout of 2.5 s"),
    ],
)
def test_timeouts_say_which_limit_ran_out_even_without_a_message(harness, exc, phrase):
    """anyio (async) raises timeouts with an empty message; the detail comes from the request."""
    h = harness(flaky([exc] * 3), max_retries=0)
    with pytest.raises(APITimeoutError) as info:
        h.request(RequestSpec("GET", "/models", timeout=2.5))
    message = str(info.value)
    assert phrase in message and "lco.test" in message
    assert type(exc).__name__ in message


def test_connection_errors_name_the_host_only(harness):
    h = harness(flaky([httpx.ConnectError("[Errno 111] Connection refused")] * 3),
                max_retries=0, base_url="http://api.example.test:8443/openai")
    with pytest.raises(APIConnectionError) as info:
        h.request(RequestSpec("GET", "/models", query={"q": "secret-ish"}))
    message = str(info.value)
    assert "api.example.test:8443" in message and "Connection refused" in message
    assert "/openai" not in message and "api_token" not in message and "q=" not in message


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_real_socket_timeouts_and_refusals_read_the_same_in_sync_and_async(mode):
    """Over real sockets: httpcore (sync) says "timed out", anyio (async) says nothing; both
    messages now name the host and the limit that ran out."""
    import asyncio
    import socket

    from lcoai_notebook import AsyncClient, Client
    from lcoai_notebook.emulator import Emulator

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    fault = {"X-Emulator-Fault": "latency=0.5"}
    with Emulator() as emu:
        host = emu.url.split("//", 1)[1].split("/", 1)[0]
        dead = f"http://127.0.0.1:{free}/openai"
        if mode == "sync":
            with emu.client(max_retries=0, timeout=0.1) as c:
                with pytest.raises(APITimeoutError) as slow:
                    c.models.list(extra_headers=fault)
            with Client(api_token=TOKEN, base_url=dead, max_retries=0) as c:
                with pytest.raises(APIConnectionError) as refused:
                    c.models.list()
        else:
            async def main():
                async with emu.async_client(max_retries=0, timeout=0.1) as c:
                    with pytest.raises(APITimeoutError) as slow:
                        await c.models.list(extra_headers=fault)
                async with AsyncClient(api_token=TOKEN, base_url=dead, max_retries=0) as c:
                    with pytest.raises(APIConnectionError) as refused:
                        await c.models.list()
                return slow, refused

            slow, refused = asyncio.run(main())
    assert f"Request to {host} timed out (ReadTimeout" in str(slow.value)
    assert "within the read timeout of 0.1 s" in str(slow.value)
    assert f"talking to 127.0.0.1:{free} (ConnectError" in str(refused.value)


# -- fuzz: bodies JSON can carry are sent unchanged; one bad value anywhere is refused -----------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",)), max_size=5), inner,
                      max_size=4),
    max_leaves=12,
)
_POISON = st.sampled_from([float("nan"), float("inf"), "bad\ud800", object()])


def _plant(value, poison, path):
    """``value`` with ``poison`` put at the first container reachable along ``path``."""
    if isinstance(value, list):
        if path and value:
            i = path[0] % len(value)
            return value[:i] + [_plant(value[i], poison, path[1:])] + value[i + 1:]
        return [*value, poison]
    if isinstance(value, dict):
        if path and value:
            key = sorted(value)[path[0] % len(value)]
            return {**value, key: _plant(value[key], poison, path[1:])}
        return {**value, "planted": poison}
    return poison


@settings(max_examples=80, derandomize=True, database=None, deadline=None)
@given(param=st.sampled_from(["metadata", "messages", "tools"]), value=_JSON, poison=_POISON,
       path=st.lists(st.integers(0, 5), max_size=4))
def test_fuzz_bodies(param, value, poison, path):
    sent: list[httpx.Request] = []

    def handler(request):
        sent.append(request)
        return httpx.Response(200, json=envelope({}))

    from _client_helpers import Harness

    h = Harness("sync", handler)
    try:
        h.request(RequestSpec("POST", "/x", json={param: value}))
        assert json.loads(sent[0].content) == {param: value}
        with pytest.raises((ValueError, TypeError)) as info:
            h.request(RequestSpec("POST", "/x", json={param: _plant(value, poison, path)}))
        assert str(info.value).startswith((param, f"a key of {param}")), str(info.value)
        assert len(sent) == 1
    finally:
        h.close()
