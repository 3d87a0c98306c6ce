"""Chat completions route of the emulator: shapes, determinism, behaviours and 4xx."""

from __future__ import annotations

import json

import pytest
from _emu_stub import StubApp, call, error_of
from _schema import validate_component, validate_response

PATH = "/v1/chat/completions"
USER = [{"role": "user", "content": "Tell me about cats and their whiskers."}]
WEATHER = [{"type": "function", "function": {
    "name": "get_weather", "description": "Get the weather for a city",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7}},
        "required": ["city", "unit"], "additionalProperties": False}}}]


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def chat(app: StubApp, **kw):
    body = {"model": "gpt-4o-mini", "messages": USER, **kw}
    return call(app, "POST", PATH, body)


def stream_events(app: StubApp, **kw) -> list[dict]:
    sse = chat(app, stream=True, **kw)
    events = list(sse.events)
    for e in events:
        validate_component("CreateChatCompletionStreamResponse", e)
    return events


def test_reply_validates_and_reflects_the_message(app):
    body = chat(app)
    validate_response("createChatCompletion", body)
    msg = body["choices"][0]["message"]
    assert msg["role"] == "assistant" and body["choices"][0]["finish_reason"] == "stop"
    assert "cats" in msg["content"] and "whiskers" in msg["content"]
    assert body["object"] == "chat.completion" and body["system_fingerprint"].startswith("fp_")


def test_same_seeded_request_same_content_other_request_differs(app):
    a, b = chat(app, seed=3), chat(app, seed=3)
    assert a["choices"][0]["message"]["content"] == b["choices"][0]["message"]["content"]
    assert chat(StubApp(), seed=3)["choices"][0]["message"]["content"] == \
        a["choices"][0]["message"]["content"]
    other = call(app, "POST", PATH, {"model": "gpt-4o-mini", "seed": 3, "messages": [
        {"role": "user", "content": "Explain bond yields and inflation."}]})
    assert other["choices"][0]["message"]["content"] != a["choices"][0]["message"]["content"]


def test_seed_and_temperature_change_wording_deterministically(app):
    def text(**kw) -> str:
        return chat(app, **kw)["choices"][0]["message"]["content"]

    assert text(seed=1) == text(seed=1)
    assert len({text(seed=s) for s in range(6)}) >= 3
    cold = text(seed=1, temperature=0)
    assert text(seed=1, temperature=0) == cold and text(temperature=0) == text(temperature=0)


def test_n_gives_distinct_choices(app):
    body = chat(app, n=3)
    validate_response("createChatCompletion", body)
    texts = [c["message"]["content"] for c in body["choices"]]
    assert [c["index"] for c in body["choices"]] == [0, 1, 2] and len(set(texts)) == 3
    assert body["usage"]["completion_tokens"] == sum((len(t) + 3) // 4 for t in texts)


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_max_tokens_truncates_with_length(app, field):
    body = chat(app, **{field: 5})
    choice = body["choices"][0]
    assert choice["finish_reason"] == "length"
    assert len(choice["message"]["content"]) <= 20 and body["usage"]["completion_tokens"] <= 5


def test_stop_cuts_before_the_stop_string(app):
    full = chat(app, seed=5)["choices"][0]["message"]["content"]
    body = chat(app, seed=5, stop=["."])
    assert body["choices"][0]["message"]["content"] == full[: full.index(".")]
    assert body["choices"][0]["finish_reason"] == "stop"


def test_requested_length_in_words(app):
    body = call(app, "POST", PATH, {"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": "Write 300 words about gardens."}]})
    assert len(body["choices"][0]["message"]["content"].split()) >= 300


def test_usage_counts_prompt(app):
    short = chat(app)["usage"]["prompt_tokens"]
    long = call(app, "POST", PATH, {"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": "word " * 400}]})["usage"]
    assert long["prompt_tokens"] > short + 400
    assert long["total_tokens"] == long["prompt_tokens"] + long["completion_tokens"]


def test_json_object_mode_returns_a_json_object(app):
    body = call(app, "POST", PATH, {"model": "gpt-4o-mini", "response_format": {
        "type": "json_object"}, "messages": [{"role": "user", "content": "List cats as JSON."}]})
    assert isinstance(json.loads(body["choices"][0]["message"]["content"]), dict)


def test_json_object_mode_needs_the_word_json(app):
    err = error_of(app, "POST", PATH, {"model": "gpt-4o-mini", "messages": USER,
                                      "response_format": {"type": "json_object"}})
    assert err.status == 400 and err.param == "messages" and "json" in err.message


def test_json_schema_mode_satisfies_the_schema(app):
    import jsonschema

    schema = {"type": "object", "properties": {
        "title": {"type": "string", "minLength": 3},
        "year": {"type": "integer", "minimum": 1900, "maximum": 2030},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "mood": {"type": "string", "enum": ["happy", "sad"]},
        "meta": {"$ref": "#/$defs/meta"}},
        "required": ["title", "year", "tags", "mood", "meta"], "additionalProperties": False,
        "$defs": {"meta": {"type": "object", "properties": {"ok": {"type": "boolean"}},
                           "required": ["ok"], "additionalProperties": False}}}
    for n in range(3):
        body = chat(app, seed=n, response_format={"type": "json_schema", "json_schema": {
            "name": "movie", "strict": True, "schema": schema}})
        jsonschema.validate(json.loads(body["choices"][0]["message"]["content"]), schema)


def test_tool_call_arguments_satisfy_the_schema_and_use_the_message(app):
    import jsonschema

    body = call(app, "POST", PATH, {"model": "gpt-4o-mini", "tools": WEATHER, "messages": [
        {"role": "user", "content": "What is the weather in Berlin for 3 days in fahrenheit?"}]})
    validate_response("createChatCompletion", body)
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    call0 = choice["message"]["tool_calls"][0]
    assert call0["type"] == "function" and call0["function"]["name"] == "get_weather"
    args = json.loads(call0["function"]["arguments"])
    jsonschema.validate(args, WEATHER[0]["function"]["parameters"])
    assert args["city"] == "Berlin" and args["unit"] == "fahrenheit" and args.get("days", 3) == 3


def test_tool_choice_none_answers_in_text_and_named_choice_is_used(app):
    body = chat(app, tools=WEATHER, tool_choice="none")
    assert body["choices"][0]["finish_reason"] == "stop"
    tools = WEATHER + [{"type": "function", "function": {"name": "get_time", "parameters": {
        "type": "object", "properties": {}}}}]
    body = chat(app, tools=tools, tool_choice={"type": "function",
                                                "function": {"name": "get_time"}})
    assert body["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_time"


def test_tool_result_is_answered_in_text(app):
    msgs = [{"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "content": None, "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 7, "sky": "rain"}'}]
    body = call(app, "POST", PATH, {"model": "gpt-4o-mini", "messages": msgs, "tools": WEATHER})
    validate_response("createChatCompletion", body)
    assert body["choices"][0]["finish_reason"] == "stop"
    assert "temp_c" in body["choices"][0]["message"]["content"]


def test_stream_chunks_match_the_non_streamed_reply(app):
    full = chat(app, seed=5)["choices"][0]["message"]["content"]
    events = stream_events(app, seed=5)
    assert events[0]["choices"][0]["delta"]["role"] == "assistant"
    pieces = [e["choices"][0]["delta"].get("content") or "" for e in events]
    assert "".join(pieces) == full
    assert all(len(p) <= 4 for p in pieces) and len(events) > 10
    assert events[-1]["choices"][0]["finish_reason"] == "stop"
    assert len({e["id"] for e in events}) == 1 and "usage" not in events[0]


def test_stream_include_usage_adds_a_final_usage_chunk(app):
    events = stream_events(app, stream_options={"include_usage": True}, max_tokens=3)
    assert events[-1]["choices"] == [] and events[-1]["usage"]["completion_tokens"] <= 3
    assert all(e["usage"] is None for e in events[:-1])
    assert events[-2]["choices"][0]["finish_reason"] == "length"


def test_stream_tool_call_deltas_rebuild_the_arguments(app):
    events = call(app, "POST", PATH, {"model": "gpt-4o-mini", "tools": WEATHER, "stream": True,
                                      "messages": [{"role": "user", "content": "Weather in Rome"}]}
                  ).events
    events = list(events)
    for e in events:
        validate_component("CreateChatCompletionStreamResponse", e)
    first = events[0]["choices"][0]["delta"]["tool_calls"][0]
    assert first["id"].startswith("call_") and first["function"]["name"] == "get_weather"
    args = "".join(tc["function"].get("arguments", "") for e in events[:-1]
                   for tc in e["choices"][0]["delta"].get("tool_calls", []))
    assert json.loads(args)["city"] == "Rome"
    assert events[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_fine_tuned_models_are_served(app):
    app.models["ft:gpt-4o-mini-2024-07-18:org-emulator::abc123"] = {
        "id": "ft:gpt-4o-mini-2024-07-18:org-emulator::abc123", "kind": "chat"}
    body = call(app, "POST", PATH, {"model": "ft:gpt-4o-mini-2024-07-18:org-emulator::abc123",
                                    "messages": USER})
    validate_response("createChatCompletion", body)


@pytest.mark.parametrize(("body", "param", "status"), [
    ({"messages": USER}, None, 400),  # "you must provide a model parameter"
    ({"model": "gpt-4o-mini"}, "messages", 400),
    ({"model": "gpt-4o-mini", "messages": []}, "messages", 400),
    ({"model": "gpt-4o-mini", "messages": "hi"}, "messages", 400),
    ({"model": "gpt-4o-mini", "messages": [{"role": "robot", "content": "x"}]},
     "messages[0].role", 400),
    ({"model": "gpt-4o-mini", "messages": [{"content": "x"}]}, "messages[0].role", 400),
    ({"model": "gpt-4o-mini", "messages": [{"role": "user"}]}, "messages[0].content", 400),
    ({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": [{"type": "x"}]}]},
     "messages[0].content[0].type", 400),  # was accepted and answered
    ({"model": "gpt-4o-mini", "messages": USER, "temperature": 3}, "temperature", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "temperature": "hot"}, "temperature", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "top_p": 1.5}, "top_p", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "n": 0}, "n", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "n": "2"}, "n", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "max_tokens": 0}, "max_tokens", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "presence_penalty": -3}, "presence_penalty", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "stop": ["a", "b", "c", "d", "e"]}, "stop", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "stream_options": {"include_usage": True}},
     "stream_options", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "tool_choice": "auto"}, "tool_choice", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "tools": WEATHER, "tool_choice": {
        "type": "function", "function": {"name": "nope"}}}, "tool_choice", 400),
    ({"model": "gpt-4o-mini", "messages": USER, "response_format": {"type": "xml"}},
     "response_format.type", 400),
    ({"model": "gpt-5-mini", "messages": USER, "max_tokens": 10}, "max_tokens", 400),
    ({"model": "gpt-5-mini", "messages": USER, "temperature": 0.2}, "temperature", 400),
    ({"model": "text-embedding-3-small", "messages": USER}, "model", 400),
    ({"model": "no-such-model", "messages": USER}, "model", 404),
])
def test_bad_requests_are_openai_shaped(app, body, param, status):
    err = error_of(app, "POST", PATH, body)
    assert err.status == status and err.param == param
    assert err.body()["error"]["type"] == "invalid_request_error" and err.message


@pytest.mark.parametrize(("path", "body"), [
    (PATH, {"messages": USER}), (PATH, {"model": None, "messages": "junk"}),
    ("/v1/embeddings", {"input": "x"}), ("/v1/completions", {"prompt": "x"}),
    ("/v1/audio/speech", {"input": "x", "voice": "alloy"}),
])
def test_missing_model_is_the_service_wording(path, body):
    # The service's own reply, checked before the other fields (param and code null); it was
    # "Missing required parameter: 'model'." with code missing_required_parameter.
    import lcoai_notebook.emulator._completions  # noqa: F401  (registers /v1/completions)

    app = StubApp()
    err = error_of(app, "POST", path, body)
    assert err.body() == {"error": {"message": "you must provide a model parameter",
                                    "type": "invalid_request_error", "param": None,
                                    "code": None}}


def test_unrecognized_argument_is_refused_like_the_service(app):
    # Was silently ignored, so a misspelt field (max_output_tokens) looked like it worked.
    err = error_of(app, "POST", PATH, {"model": "gpt-4o-mini", "messages": USER,
                                       "max_output_tokens": 5, "echo": True})
    assert err.status == 400 and err.body() == {"error": {
        "message": "Unrecognized request argument supplied: echo, max_output_tokens",
        "type": "invalid_request_error", "param": None, "code": None}}
    chat(app, store=False, metadata={"k": "v"}, user="u", service_tier="auto",
         safety_identifier="s", prompt_cache_key="p", verbosity="low", parallel_tool_calls=True)


def test_accepted_fields_are_exactly_the_spec_request_fields():
    from _schema import _resolve_ref, request_schema

    from lcoai_notebook.emulator._chat import _FIELDS

    def fields(node: dict, acc: set) -> set:
        node = _resolve_ref(node)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                fields(sub, acc)
        acc.update(node.get("properties", {}))
        return acc

    assert _FIELDS == fields(request_schema("createChatCompletion"), set())


def test_unknown_model_is_model_not_found(app):
    err = error_of(app, "POST", PATH, {"model": "gpt-9", "messages": USER})
    assert err.code == "model_not_found" and "gpt-9" in err.message


# --------------------------------------------------------------------------- through the emulator
@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_through_the_in_process_transport(flavor):
    from _emu_stub import emulator_http, result_of

    client, base, auth = emulator_http(flavor)
    with client:
        req = {"model": "gpt-4o-mini", "messages": USER, "n": 2, "seed": 11}
        body = result_of(flavor, client.post(f"{base}/v1/chat/completions", json=req, **auth))
        validate_response("createChatCompletion", body)
        r = client.post(f"{base}/v1/chat/completions", json={**req, "stream": True}, **auth)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        data = [line[6:] for line in r.text.splitlines() if line.startswith("data: ")]
        assert data[-1] == "[DONE]"
        chunks = [json.loads(d) for d in data[:-1]]
        for c in chunks:
            validate_component("CreateChatCompletionStreamResponse", c)
        text0 = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks
                        if c["choices"][0]["index"] == 0)
        assert text0 == body["choices"][0]["message"]["content"]
        bad = client.post(f"{base}/v1/chat/completions", json={**req, "n": 0}, **auth)
        assert bad.status_code == 400
        err = bad.json()["error"]
        err = err["error"] if flavor == "lowcodeapi" else err
        assert err["param"] == "n" and err["type"] == "invalid_request_error"


def test_stream_over_real_http():
    import httpx

    from lcoai_notebook.emulator import Emulator

    with Emulator(flavor="openai") as emu, httpx.Client(timeout=10) as client:
        req = {"model": "gpt-4o-mini", "messages": USER, "stream": True,
               "stream_options": {"include_usage": True}}
        with client.stream("POST", f"{emu.url}/chat/completions", json=req,
                           headers={"Authorization": f"Bearer {emu.api_token}"}) as r:
            lines = [ln for ln in r.iter_lines() if ln.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    assert json.loads(lines[-2][6:])["usage"]["total_tokens"] > 0


def test_logprobs_cover_the_tokens_and_stream_alike(app):
    body = chat(app, logprobs=True, top_logprobs=3, seed=2)
    validate_response("createChatCompletion", body)
    choice = body["choices"][0]
    entries = choice["logprobs"]["content"]
    assert "".join(e["token"] for e in entries) == choice["message"]["content"]
    assert len(entries) == body["usage"]["completion_tokens"]
    assert all(len(e["top_logprobs"]) == 3 and e["logprob"] <= 0 and
               e["top_logprobs"][0]["token"] == e["token"] for e in entries)
    streamed = [x for e in stream_events(app, logprobs=True, top_logprobs=3, seed=2)
                for x in ((e["choices"][0]["logprobs"] or {}).get("content") or [])]
    assert streamed == entries
    assert chat(app)["choices"][0]["logprobs"] is None
    err = error_of(app, "POST", PATH, {"model": "gpt-4o-mini", "messages": USER,
                                       "top_logprobs": 2})
    assert err.status == 400 and err.param == "top_logprobs"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("filler", ["is it better ", "the differences between ", "a vs b ",
                                    "lorem ipsum dolor sit amet "])
def test_a_huge_message_is_read_in_bounded_time(filler: str) -> None:
    # The cues read the last 64 KB of a message with patterns that stay linear; a quadratic
    # pattern over 2 MB of text would not finish within the timeout.
    from lcoai_notebook.emulator import Emulator

    text = filler * (2_000_000 // len(filler)) + " What is this about?"
    reply = Emulator().client().chat.completions.create(
        model="gpt-4.1-mini", seed=1, messages=[{"role": "user", "content": text}])
    assert reply.choices[0].message.content
