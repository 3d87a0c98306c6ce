"""Emulator legacy completions (``POST /v1/completions``)."""

from __future__ import annotations

import pytest
from _emu_stub import EmuHTTP, StubApp
from _schema import validate_response


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def _complete(app: StubApp, **body: object) -> dict:
    resp = app.ok("POST", "/v1/completions", json={"model": "gpt-3.5-turbo-instruct", **body})
    validate_response("createCompletion", resp)
    return resp


def test_basic_deterministic_and_limited_by_max_tokens(app: StubApp) -> None:
    a = _complete(app, prompt="Llamas are")
    b = _complete(app, prompt="Llamas are")
    assert a["object"] == "text_completion" and a["model"] == "gpt-3.5-turbo-instruct"
    assert a["choices"][0]["text"] == b["choices"][0]["text"]  # same request, same text
    (choice,) = a["choices"]
    assert choice["finish_reason"] == "length" and len(choice["text"]) <= 16 * 4  # default 16
    assert a["usage"]["completion_tokens"] <= 16
    assert a["usage"]["total_tokens"] == a["usage"]["prompt_tokens"] + \
        a["usage"]["completion_tokens"]
    long = _complete(app, prompt="Llamas are", max_tokens=500)
    assert long["choices"][0]["finish_reason"] == "stop"
    assert long["choices"][0]["text"].startswith(choice["text"])
    other = _complete(app, prompt="Volcanoes erupt", max_tokens=500)
    assert other["choices"][0]["text"] != long["choices"][0]["text"]


def test_n_prompts_echo_stop_logprobs(app: StubApp) -> None:
    r = _complete(app, prompt=["one", "two"], n=2, max_tokens=100)
    assert [c["index"] for c in r["choices"]] == [0, 1, 2, 3]
    echoed = _complete(app, prompt="Say this", echo=True, max_tokens=100)
    assert echoed["choices"][0]["text"].startswith("Say this ")
    full = _complete(app, prompt="Tell me", max_tokens=200)["choices"][0]["text"]
    word = full.split()[3]
    cut = _complete(app, prompt="Tell me", max_tokens=200, stop=[word])["choices"][0]
    assert cut["finish_reason"] == "stop" and word not in cut["text"]
    assert full.startswith(cut["text"])
    lp = _complete(app, prompt="x", logprobs=2, max_tokens=20)["choices"][0]["logprobs"]
    assert "".join(lp["tokens"]) == _complete(app, prompt="x", max_tokens=20)["choices"][0]["text"]
    assert len(lp["top_logprobs"][0]) == 2 and all(v <= 0 for v in lp["token_logprobs"])
    assert _complete(app, prompt=[1, 2, 3], suffix="end")["choices"]


def test_stream_chunks_rebuild_the_text(app: StubApp) -> None:
    full = _complete(app, prompt="Streams", max_tokens=60)
    status, events = app.call("POST", "/v1/completions", json={
        "model": "gpt-3.5-turbo-instruct", "prompt": "Streams", "max_tokens": 60, "stream": True,
        "stream_options": {"include_usage": True}})
    assert status == 200 and all(e["object"] == "text_completion" for e in events)
    text = "".join(c["text"] for e in events for c in e["choices"])
    assert text == full["choices"][0]["text"]
    finals = [c["finish_reason"] for e in events for c in e["choices"] if c["finish_reason"]]
    assert finals == [full["choices"][0]["finish_reason"]]
    assert events[-1]["choices"] == [] and events[-1]["usage"] == full["usage"]


def test_model_rules_and_bad_params(app: StubApp) -> None:
    status, err = app.call("POST", "/v1/completions", json={"model": "gpt-4o-mini",
                                                             "prompt": "x"})
    assert status == 404 and "v1/chat/completions" in err["error"]["message"]
    app.models["ft:gpt-4o-mini-2024-07-18:org-emulator::abcdefgh"] = {
        "id": "ft:gpt-4o-mini-2024-07-18:org-emulator::abcdefgh", "kind": "chat",
        "created": 1, "owned_by": "org-emulator", "fine_tuned": True}
    assert _complete(app, model="ft:gpt-4o-mini-2024-07-18:org-emulator::abcdefgh",
                     prompt="hi")["choices"]
    for body, param in [({"prompt": "x", "n": 0}, "n"), ({"prompt": "x", "max_tokens": -1},
                        "max_tokens"), ({"prompt": {"a": 1}}, "prompt"),
                        ({"prompt": "x", "stop": ["a"] * 5}, "stop"),
                        ({"prompt": "x", "n": 3, "best_of": 2}, "best_of"),
                        ({"prompt": "x", "temperature": 5}, "temperature")]:
        status, err = app.call("POST", "/v1/completions",
                               json={"model": "gpt-3.5-turbo-instruct", **body})
        assert status == 400 and err["error"]["param"] == param, (body, err)
    assert app.call("POST", "/v1/completions", json={"model": "nope", "prompt": "x"})[0] == 404


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_completions_over_the_emulator(flavor: str) -> None:
    h = EmuHTTP(flavor)
    try:
        resp = h.ok("POST", "/completions", json={"model": "gpt-3.5-turbo-instruct",
                                                  "prompt": "Once upon a time", "max_tokens": 30})
        validate_response("createCompletion", resp)
        r = h.raw("POST", "/completions", json={"model": "gpt-3.5-turbo-instruct",
                                                "prompt": "Once upon a time", "max_tokens": 30,
                                                "stream": True})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        assert r.text.rstrip().endswith("data: [DONE]")
    finally:
        h.close()
