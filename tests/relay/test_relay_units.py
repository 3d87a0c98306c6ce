"""The relay's pure pieces: the stream pass-through (chunk by chunk), the allowlist, the body
reader, the money arithmetic."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from lcoai_notebook.relay._app import _Events, _RateLimit
from lcoai_notebook.relay._routes import ROUTES, RouteError, match_route, read_request
from lcoai_notebook.relay._store import SeatStore, micro

SECRET = re.compile(rb"tok-SECRET")


def _chunk(content: str | None, usage: dict | None = None) -> bytes:
    obj = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "gpt-4o-mini",
           "choices": [] if usage else [{"index": 0, "delta": {"content": content},
                                         "finish_reason": None}]}
    if usage:
        obj["usage"] = usage
    return f"data: {json.dumps(obj)}".encode()


USAGE = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


def _stream(newline: bytes) -> bytes:
    sep = newline * 2
    return (_chunk("Hel") + sep + b": keep-alive" + sep + _chunk("lo tok-SECRET") + sep
            + _chunk(None, USAGE) + sep + b"data: [DONE]" + sep)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
@pytest.mark.parametrize("size", [1, 2, 7, 64, 10_000])
def test_events_pass_through_at_any_split(newline, size):
    raw = _stream(newline)
    events = _Events(lambda b: SECRET.sub(b"***", b), drop_usage_chunk=True)
    out = b"".join(events.feed(raw[i:i + size]) for i in range(0, len(raw), size))
    out += events.flush()
    assert events.usage == USAGE and events.model == "gpt-4o-mini"
    assert b"tok-SECRET" not in out and b"lo ***" in out
    assert b'"usage"' not in out  # the chunk the learner did not ask for
    assert out.endswith(b"data: [DONE]" + newline * 2) and b": keep-alive" in out
    kept = _Events(lambda b: b, drop_usage_chunk=False)
    again = b"".join(kept.feed(raw[i:i + size]) for i in range(0, len(raw), size))
    assert again + kept.flush() == raw  # untouched when nothing is dropped or scrubbed


def test_events_read_responses_usage_and_keep_an_unterminated_tail():
    done = {"type": "response.completed", "response": {"model": "gpt-4o-mini", "usage": {
        "input_tokens": 4, "output_tokens": 6, "total_tokens": 10}}}
    raw = (b"event: response.completed\ndata: " + json.dumps(done).encode())  # no blank line
    events = _Events(lambda b: b, drop_usage_chunk=True)
    assert events.feed(raw) == b""
    assert events.flush() == raw
    assert events.usage["output_tokens"] == 6 and events.model == "gpt-4o-mini"


def test_rate_limit_slides():
    limit = _RateLimit(2)
    assert limit.wait("a", 0.0) == 0 and limit.wait("a", 1.0) == 0
    assert limit.wait("a", 2.0) == pytest.approx(58.0)
    assert limit.wait("b", 2.0) == 0
    assert limit.wait("a", 60.5) == 0  # the first one left the window


def test_allowlist_matches_only_the_package_routes():
    assert match_route("POST", "/chat/completions", "lowcodeapi")[0].path == "/chat/completions"
    route, values = match_route("GET", "/models/ft:gpt-4o-mini:org::abc", "openai")
    assert route.path == "/models/{model}" and values == {"model": "ft:gpt-4o-mini:org::abc"}
    for method, path in [("GET", "/chat/completions"), ("POST", "/files"),
                         ("GET", "/models/a/b"), ("POST", "/v1/chat/completions"),
                         ("DELETE", "/models/x"), ("GET", "/chat/completions/abc"),
                         ("POST", "/responses")]:
        with pytest.raises(RouteError) as info:
            match_route(method, path, "lowcodeapi")
        assert info.value.status == 404, path
    with pytest.raises(RouteError, match="non-empty id") as info:
        match_route("GET", "/models/..", "openai")
    assert info.value.status == 400
    assert match_route("POST", "/responses", "openai")[0].openai_only
    assert {r.path for r in ROUTES}.isdisjoint({"/files", "/batches", "/assistants"})


def test_multipart_bodies_are_read_into_fields_and_files():
    request = httpx.Request("POST", "http://x/v1/audio/transcriptions", data={
        "model": "whisper-1", "timestamp_granularities[]": ["word", "segment"],
        "stream": "true"}, files={"file": ("talk.wav", b"RIFF0000WAVE", "audio/wav")})
    body = request.read()
    route, values = match_route("POST", "/audio/transcriptions", "openai")
    spec = read_request(route, values, body, request.headers["content-type"])
    assert spec.data == {"model": "whisper-1", "timestamp_granularities": ["word", "segment"],
                         "stream": "true"}
    assert spec.files == [("file", ("talk.wav", b"RIFF0000WAVE", "audio/wav"))]
    assert spec.stream is True and spec.response == "auto"
    with pytest.raises(RouteError, match="multipart"):
        read_request(route, values, b"{}", "application/json")


def test_responses_bodies_store_nothing_and_refuse_stored_references():
    route, values = match_route("POST", "/responses", "openai")
    spec = read_request(route, values, b'{"model": "m", "input": "hi", "store": true}',
                        "application/json")
    assert spec.json["store"] is False
    with pytest.raises(RouteError) as info:
        read_request(route, values, b'{"model": "m", "previous_response_id": "resp_1"}',
                     "application/json")
    assert info.value.param == "previous_response_id"


def test_micro_dollars_round_up_and_reservations_add_exactly(tmp_path):
    assert micro(0.000001) == 1 and micro(0.0000011) == 2 and micro(0.1 + 0.2) == 300_000
    store = SeatStore(tmp_path / "s.sqlite", seats=1, per_seat_usd=0.000010, budget_usd=1)
    rows = [store.reserve("seat-01", 3, method="POST", route="/x", model="m") for _ in range(3)]
    with pytest.raises(Exception, match="seat_budget_exceeded"):
        store.reserve("seat-01", 2, method="POST", route="/x", model="m")
    store.settle(rows[0], status=200, cost_micro=1)
    store.settle(rows[1], status=500, cost_micro=None)  # failed upstream: refunded
    store.settle(rows[2], status=200, cost_micro=None)  # unreadable: charged at the reservation
    store.settle(rows[2], status=200, cost_micro=0)  # a second report changes nothing
    seat = store.seats()[0]
    assert seat["spent_usd"] == pytest.approx(0.000004) and seat["reserved_usd"] == 0
    assert [r["state"] for r in store.ledger()] == ["charged", "refunded", "charged_worst_case"]
    store.close()


def test_ledger_csv_cells_cannot_run_as_formulas(tmp_path):
    store = SeatStore(tmp_path / "s.sqlite", seats=1, per_seat_usd=1, budget_usd=1)
    store.reserve("seat-01", 1, method="POST", route="/chat/completions",
                  model="=HYPERLINK(\"http://evil\")")
    text = store.ledger_csv()
    assert "\"'=HYPERLINK" in text and ",=HYPERLINK" not in text
    store.close()
