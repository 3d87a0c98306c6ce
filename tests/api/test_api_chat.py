"""chat.completions.create over a fake requester: request bodies against the OpenAPI request
schema, response casting, streaming specs and pre-send validation."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _fake_requester import FakeRequester  # noqa: E402
from _schema import validate_request  # noqa: E402

from lcoai_notebook._models import ChatCompletion, ChatCompletionChunk  # noqa: E402
from lcoai_notebook.api.chat import Chat  # noqa: E402

COMPLETION = {
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                 "message": {"role": "assistant", "content": "Hello **there**", "refusal": None}}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}
CHUNKS = [
    {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
     "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                  "finish_reason": None}]},
    {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
     "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": "stop"}]},
    {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
     "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}},
]
USER = [{"role": "user", "content": "Say hi"}]


@pytest.fixture
def fake() -> FakeRequester:
    return FakeRequester(reply=COMPLETION)


def create(fake: FakeRequester, **kw):
    kw.setdefault("model", "gpt-4o-mini")
    kw.setdefault("messages", USER)
    return Chat(fake).completions.create(**kw)


def test_basic_request_and_cast(fake):
    resp = create(fake, temperature=0.5)
    spec = fake.spec
    assert (spec.method, spec.path, spec.stream, spec.response) == ("POST", "/chat/completions",
                                                                      False, "json")
    assert spec.json == {"model": "gpt-4o-mini", "messages": USER, "temperature": 0.5}
    validate_request("createChatCompletion", spec.json)
    assert isinstance(resp, ChatCompletion)
    assert resp.choices[0].message.content == "Hello **there**"
    assert resp.text == "Hello **there**"
    assert resp.usage.total_tokens == 5


def test_full_feature_body_validates(fake):
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "w",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    messages = [
        {"role": "developer", "content": "Answer in json."},
        {"role": "system", "content": [{"type": "text", "text": "Be brief"}]},
        {"role": "user", "content": "Weather in Paris?", "name": "ann"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    ]
    create(fake, messages=messages, tools=tools, tool_choice="auto", n=2, top_p=0.9,
           max_completion_tokens=50, stop=["\n\n", "END"], presence_penalty=-1.5,
           frequency_penalty=2, seed=7, logprobs=True, top_logprobs=3, user="u1",
           response_format={"type": "json_object"})
    body = fake.spec.json
    validate_request("createChatCompletion", body)
    assert body["tools"] == tools and body["tool_choice"] == "auto" and body["seed"] == 7


def test_json_schema_response_format(fake):
    fmt = {"type": "json_schema", "json_schema": {"name": "pt", "schema": {
        "type": "object", "properties": {"x": {"type": "number"}}}}}
    create(fake, response_format=fmt)
    validate_request("createChatCompletion", fake.spec.json)
    assert fake.spec.json["response_format"] == fmt


def test_none_means_unset(fake):
    create(fake, temperature=None, stop=None, max_tokens=None)
    assert fake.spec.json == {"model": "gpt-4o-mini", "messages": USER}


def test_stream_spec_and_chunks():
    fake = FakeRequester(reply=CHUNKS)
    chunks = create(fake, stream=True, stream_options={"include_usage": True})
    spec = fake.spec
    assert spec.stream is True and spec.cast is ChatCompletionChunk
    assert spec.json["stream"] is True
    assert spec.json["stream_options"] == {"include_usage": True}
    validate_request("createChatCompletion", spec.json)
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hi"
    assert chunks[-1].usage.total_tokens == 2


def test_result_message_can_be_fed_back(fake):
    resp = create(fake)
    history = [*USER, resp.choices[0].message, {"role": "user", "content": "again"}]
    create(fake, messages=history)
    sent = fake.spec.json["messages"]
    assert type(sent[1]) is dict and sent[1]["content"] == "Hello **there**"
    validate_request("createChatCompletion", fake.spec.json)


def test_call_options_and_extra_body(fake):
    create(fake, timeout=3.0, max_retries=0, extra_headers={"X-Emulator-Fault": "status=500"},
           extra_query={"q": "1"}, extra_body={"temperature": 9, "new_field": True})
    spec = fake.spec
    assert spec.timeout == 3.0 and spec.max_retries == 0
    assert spec.headers == {"X-Emulator-Fault": "status=500"}
    assert spec.query == {"q": "1"}
    # extra_body is the documented escape hatch: merged as given, not validated.
    assert spec.json["temperature"] == 9 and spec.json["new_field"] is True
    for key in ("timeout", "max_retries", "extra_headers", "extra_query", "extra_body"):
        assert key not in spec.json


def test_unknown_model_passes_through(fake):
    # Model-specific limits apply to catalog models only; an unknown id keeps API-wide checks.
    create(fake, model="gpt-9-turbo-2030", max_tokens=10**6)
    assert fake.spec.json["model"] == "gpt-9-turbo-2030"
    with pytest.raises(ValueError, match="max_tokens must be at most 16384 for gpt-4o"):
        create(fake, model="gpt-4o", max_tokens=20000)


@pytest.mark.parametrize(
    ("kw", "exc", "pattern"),
    [
        ({"temperature": 3}, ValueError, r"temperature must be between 0 and 2 \(got 3\)"),
        ({"temperature": -0.1}, ValueError, r"temperature must be between 0 and 2 \(got -0.1\)"),
        ({"temperature": "hot"}, TypeError, r"temperature must be a number"),
        ({"top_p": 1.5}, ValueError, r"top_p must be between 0 and 1 \(got 1.5\)"),
        ({"presence_penalty": 2.5}, ValueError, r"presence_penalty must be between -2 and 2"),
        ({"frequency_penalty": -3}, ValueError, r"frequency_penalty must be between -2 and 2"),
        ({"n": 0}, ValueError, r"n must be between 1 and 128 \(got 0\)"),
        ({"n": 1.5}, TypeError, r"n must be an integer"),
        ({"n": True}, TypeError, r"n must be an integer"),
        ({"max_tokens": 0}, ValueError, r"max_tokens must be at least 1 \(got 0\)"),
        ({"max_completion_tokens": -5}, ValueError, r"max_completion_tokens must be at least 1"),
        ({"logprobs": True, "top_logprobs": 21}, ValueError,
         r"top_logprobs must be between 0 and 20"),
        ({"top_logprobs": 2}, ValueError, r"top_logprobs requires logprobs=True"),
        ({"stop": ["a", "b", "c", "d", "e"]}, ValueError,
         r"stop must be a string or a list of 1 to 4"),
        ({"stop": [1]}, ValueError, r"stop must be"),
        ({"response_format": {"type": "xml"}}, ValueError,
         r"response_format\['type'\] must be one of: text, json_object, json_schema"),
        ({"response_format": "json"}, TypeError, r"response_format must be a dict"),
        ({"response_format": {"type": "json_object"}}, ValueError, r"requires the word 'json'"),
        ({"response_format": {"type": "json_schema"}}, ValueError, r"requires json_schema="),
        ({"stream_options": {"include_usage": True}}, ValueError,
         r"stream_options is only allowed with stream=True"),
        ({"tool_choice": "auto"}, ValueError, r"tool_choice is only allowed when tools"),
        ({"tools": [{"type": "function", "function": {}}], "tool_choice": "auto"}, ValueError,
         r"tools\[0\] requires function="),
        ({"tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "always"},
         ValueError, r"tool_choice must be one of: none, auto, required"),
        ({"stream": "yes"}, TypeError, r"stream must be True or False"),
        ({"messages": []}, ValueError, r"messages must be a non-empty list"),
        ({"messages": "hi"}, TypeError, r"messages must be a list of dicts"),
        ({"messages": ["hi"]}, TypeError, r"messages\[0\] must be a dict"),
        ({"messages": [{"role": "bot", "content": "x"}]}, ValueError,
         r"messages\[0\].role must be one of: system, developer, user, assistant, tool, function"),
        ({"messages": [{"role": "user"}]}, ValueError,
         r"messages\[0\] \(role 'user'\) requires 'content'"),
        ({"messages": [{"role": "assistant", "content": None}]}, ValueError, r"requires 'content'"),
        ({"messages": [{"role": "tool", "content": "x"}]}, ValueError, r"requires 'tool_call_id'"),
        ({"messages": [{"role": "function", "content": "x"}]}, ValueError, r"requires 'name'"),
        ({"messages": [{"role": "user", "content": 5}]}, TypeError,
         r"messages\[0\].content must be"),
        ({"messages": [{"role": "user", "content": []}]}, ValueError, r"must not be an empty list"),
        ({"model": ""}, ValueError, r"model must be a non-empty model id"),
        ({"model": None}, TypeError, r"model must be a model id string"),
        ({"model": "text-embedding-3-small"}, ValueError,
         r"'text-embedding-3-small' is an embedding model, not a chat model"),
    ],
)
def test_validation_errors_send_nothing(fake, kw, exc, pattern):
    with pytest.raises(exc, match=pattern):
        create(fake, **kw)
    assert fake.specs == []


def test_reasoning_model_rules_from_catalog(fake):
    with pytest.raises(ValueError, match=r"max_tokens is not supported by gpt-5-mini \(a reasoning "
                                         r"model\); use max_completion_tokens instead"):
        create(fake, model="gpt-5-mini", max_tokens=10)
    with pytest.raises(ValueError, match=r"temperature is not supported by o3 \(a reasoning model\)"
                                         r": only the default 1 is accepted \(got 0.2\)"):
        create(fake, model="o3", temperature=0.2)
    # The API-wide range is still checked first, so the message names the range.
    with pytest.raises(ValueError, match=r"temperature must be between 0 and 2 \(got 3\)"):
        create(fake, model="gpt-5-mini", temperature=3)
    assert fake.specs == []
    create(fake, model="gpt-5-mini", temperature=1, max_completion_tokens=10)
    create(fake, model="gpt-4o-mini", temperature=0.2, max_tokens=10)
    assert len(fake.specs) == 2


def test_assistant_tool_call_without_content_is_valid(fake):
    msgs = [*USER, {"role": "assistant", "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"}]
    tools = [{"type": "function", "function": {"name": "f"}}]
    create(fake, messages=msgs, tools=tools)
    validate_request("createChatCompletion", fake.spec.json)


def test_namespace_shape():
    fake = FakeRequester()
    chat = Chat(fake)
    assert chat.completions._requester is fake


# -- end to end, against the emulator in process, both flavors -----------------------------------
import asyncio  # noqa: E402
import json  # noqa: E402

from _api_fakes import EmulatedClient  # noqa: E402
from _schema import validate_component, validate_response  # noqa: E402

FLAVORS = ["lowcodeapi", "openai"]
WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_create_and_stream_agree(flavor):
    msgs = [{"role": "user", "content": "Tell me about cats"}]
    with EmulatedClient(flavor) as (client, wire):
        # A seed: without one the emulator samples, as OpenAI does, and the two would differ.
        resp = client.chat.completions.create(model="gpt-4o-mini", messages=msgs, seed=7)
        assert isinstance(resp, ChatCompletion) and resp.text
        validate_response("createChatCompletion", resp.to_dict())
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=msgs, stream=True,
                                                stream_options={"include_usage": True}, seed=7)
        with stream:
            chunks = list(stream)
        assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
        for c in chunks:
            validate_component("CreateChatCompletionStreamResponse", c.to_dict())
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert text == resp.text
        assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0
        assert len(wire.requests) == 2
        sent = json.loads(wire.requests[1].content)
        assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_json_mode_tools_and_limits(flavor):
    with EmulatedClient(flavor) as (client, _):
        resp = client.chat.completions.create(
            model="gpt-4o-mini", response_format={"type": "json_object"},
            messages=[{"role": "user", "content": "List three fruits as JSON"}])
        assert isinstance(json.loads(resp.text), dict)

        ask = [{"role": "user", "content": "What is the weather in Paris?"}]
        resp = client.chat.completions.create(model="gpt-4o-mini", messages=ask,
                                              tools=[WEATHER_TOOL], tool_choice="required")
        choice = resp.choices[0]
        assert choice.finish_reason == "tool_calls"
        call = choice.message.tool_calls[0]
        assert call.function.name == "get_weather"
        json.loads(call.function.arguments)
        # The assistant message (a Result) goes back into the conversation with the tool answer.
        follow = [*ask, choice.message,
                  {"role": "tool", "tool_call_id": call.id, "content": "sunny, 21 C"}]
        final = client.chat.completions.create(model="gpt-4o-mini", messages=follow,
                                               tools=[WEATHER_TOOL])
        assert final.choices[0].message.content

        short = client.chat.completions.create(model="gpt-4o-mini", messages=ask, n=2,
                                               max_tokens=1)
        assert [c.finish_reason for c in short.choices] == ["length", "length"]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_validation_sends_nothing(flavor):
    with EmulatedClient(flavor) as (client, wire):
        with pytest.raises(ValueError, match="temperature must be between 0 and 2"):
            client.chat.completions.create(model="gpt-4o-mini", messages=USER, temperature=2.5)
        with pytest.raises(ValueError, match="messages must be a non-empty list"):
            client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
        assert wire.requests == []


def test_e2e_async_matches_sync():
    from lcoai_notebook.emulator import Emulator

    emu = Emulator(flavor="lowcodeapi")
    msgs = [{"role": "user", "content": "Describe the sea"}]

    async def run():
        client = emu.async_client()
        try:
            # A seed: without one the emulator samples, as OpenAI does.
            whole = await client.chat.completions.create(model="gpt-4o-mini", messages=msgs,
                                                         seed=4)
            stream = await client.chat.completions.create(model="gpt-4o-mini", messages=msgs,
                                                          stream=True, seed=4)
            text = ""
            async for chunk in stream:
                text += chunk.choices[0].delta.content or "" if chunk.choices else ""
            return whole, text
        finally:
            await client.close()

    whole, text = asyncio.run(run())
    with EmulatedClient("lowcodeapi") as (client, _):
        sync = client.chat.completions.create(model="gpt-4o-mini", messages=msgs, seed=4)
    assert whole.text == sync.text == text


# -- issue 12: stored chat completions (OpenAI flavor only) ---------------------------------------
from lcoai_notebook import NotFoundError  # noqa: E402
from lcoai_notebook.emulator import Emulator  # noqa: E402

LIST = {"object": "list", "data": [COMPLETION], "first_id": "chatcmpl-1",
        "last_id": "chatcmpl-1", "has_more": False}


def stored(reply=None) -> tuple[Chat, FakeRequester]:
    fake = FakeRequester(flavor="openai", reply=reply if reply is not None else COMPLETION)
    return Chat(fake), fake


def test_stored_methods_build_the_spec_requests():
    chat, fake = stored()
    got = chat.completions.retrieve("chatcmpl-1", timeout=5)
    spec = fake.spec
    assert (spec.method, spec.path, spec.path_params) == (
        "GET", "/chat/completions/{completion_id}", {"completion_id": "chatcmpl-1"})
    assert spec.json is None and spec.timeout == 5
    assert isinstance(got, ChatCompletion) and got.text == "Hello **there**"

    got = chat.completions.update("chatcmpl-1", metadata={"lesson": "2"})
    assert (fake.spec.method, fake.spec.path) == ("POST", "/chat/completions/{completion_id}")
    assert fake.spec.json == {"metadata": {"lesson": "2"}} and isinstance(got, ChatCompletion)
    validate_request("updateChatCompletion", fake.spec.json)
    chat.completions.update("chatcmpl-1", metadata=None)  # clears: null is sent, as allowed
    assert fake.spec.json == {"metadata": None}
    validate_request("updateChatCompletion", fake.spec.json)

    chat.completions.delete("chatcmpl-1")
    assert (fake.spec.method, fake.spec.path, fake.spec.path_params) == (
        "DELETE", "/chat/completions/{completion_id}", {"completion_id": "chatcmpl-1"})

    chat, fake = stored(LIST)
    page = chat.completions.list(model="gpt-4o-mini", metadata={"lesson": "1", "k": "v"},
                                 after="chatcmpl-0", limit=2, order="desc")
    assert (fake.spec.method, fake.spec.path) == ("GET", "/chat/completions")
    # The filter goes as one query parameter per pair, as the API reads it.
    assert fake.spec.query == {"model": "gpt-4o-mini", "metadata[lesson]": "1",
                               "metadata[k]": "v", "after": "chatcmpl-0", "limit": 2,
                               "order": "desc"}
    assert [type(c) for c in page] == [ChatCompletion] and page.data[0].text

    message = {"id": "chatcmpl-1-0", "role": "user", "content": "Hi", "name": None,
               "content_parts": None}
    chat, fake = stored({**LIST, "data": [message]})
    msgs = chat.completions.messages.list("chatcmpl-1", limit=5, order="asc")
    assert (fake.spec.method, fake.spec.path, fake.spec.path_params, fake.spec.query) == (
        "GET", "/chat/completions/{completion_id}/messages", {"completion_id": "chatcmpl-1"},
        {"limit": 5, "order": "asc"})
    assert [m.content for m in msgs] == ["Hi"]


def test_create_with_store_and_metadata_validates():
    fake = FakeRequester(flavor="lowcodeapi", reply=COMPLETION)  # LowCodeAPI forwards them
    Chat(fake).completions.create(model="gpt-4o-mini", messages=USER, store=True,
                                  metadata={"lesson": "1"})
    assert fake.spec.json["store"] is True and fake.spec.json["metadata"] == {"lesson": "1"}
    validate_request("createChatCompletion", fake.spec.json)


STORED_CALLS = {
    "retrieve": lambda c: c.retrieve("chatcmpl-1"),
    "list": lambda c: c.list(),
    "update": lambda c: c.update("chatcmpl-1", metadata={}),
    "delete": lambda c: c.delete("chatcmpl-1"),
    "messages.list": lambda c: c.messages.list("chatcmpl-1"),
}


@pytest.mark.parametrize("name", list(STORED_CALLS))
def test_stored_methods_are_refused_under_lowcodeapi_before_sending(name):
    fake = FakeRequester(flavor="lowcodeapi", reply=LIST)
    with pytest.raises(ValueError, match=rf"chat\.completions\.{name} is not available through "
                                         r"LowCodeAPI.*flavor='openai'"):
        STORED_CALLS[name](Chat(fake).completions)
    assert fake.specs == []


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda c: c.retrieve(""), ValueError, "completion_id"),
    (lambda c: c.retrieve("a/b"), ValueError, "completion_id"),
    (lambda c: c.delete(None), TypeError, "completion_id"),
    (lambda c: c.update("x", metadata=["a"]), TypeError, "metadata must be a dict"),
    (lambda c: c.update("x", metadata={"k": 1}), TypeError, "metadata keys and values"),
    (lambda c: c.update("x", metadata={str(i): "v" for i in range(17)}), ValueError,
     "at most 16 pairs"),
    (lambda c: c.update("x", metadata={"k" * 65: "v"}), ValueError, "at most 64"),
    (lambda c: c.list(limit=0), ValueError, "limit must be between 1 and 100"),
    (lambda c: c.list(limit=101), ValueError, "limit must be between 1 and 100"),
    (lambda c: c.list(order="newest"), ValueError, "order must be one of"),
    (lambda c: c.list(model=""), TypeError, "model must be"),
    (lambda c: c.list(metadata="lesson=1"), TypeError, "metadata must be a dict"),
    (lambda c: c.list(after=3), TypeError, "after must be"),
    (lambda c: c.messages.list("x", limit=True), TypeError, "limit must be an integer"),
    (lambda c: c.create(model="gpt-4o-mini", messages=USER, store="yes"), TypeError,
     "store must be True or False"),
])
def test_stored_argument_errors_send_nothing(call, exc, pattern):
    chat, fake = stored(LIST)
    with pytest.raises(exc, match=pattern):
        call(chat.completions)
    assert fake.specs == []


def test_e2e_stored_completions_round_trip():
    with EmulatedClient("openai") as (client, wire):
        made = [client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": f"Question {i}"}],
            store=True, metadata={"lesson": str(i % 2)}, seed=i) for i in range(3)]
        client.chat.completions.create(model="gpt-4o-mini", messages=USER)  # not stored
        sent = len(wire.requests)
        page = client.chat.completions.list(limit=1)
        # Iterating walks every page (one request per page of one).
        assert [c.id for c in page] == [m.id for m in made]
        assert len(wire.requests) - sent == 3
        assert all(isinstance(c, ChatCompletion) for c in page.data)
        validate_response("listChatCompletions", page.to_dict())
        assert [c.id for c in client.chat.completions.list(metadata={"lesson": "0"})] == [
            made[0].id, made[2].id]

        got = client.chat.completions.retrieve(made[1].id)
        assert got.text == made[1].text and got.metadata.to_dict() == {"lesson": "1"}
        validate_response("getChatCompletion", got.to_dict())
        changed = client.chat.completions.update(made[1].id, metadata={"lesson": "0"})
        assert changed.metadata.to_dict() == {"lesson": "0"}
        assert len(list(client.chat.completions.list(metadata={"lesson": "0"}))) == 3

        msgs = list(client.chat.completions.messages.list(made[1].id))
        assert [(m.id, m.role, m.content) for m in msgs] == [
            (f"{made[1].id}-0", "user", "Question 1")]

        gone = client.chat.completions.delete(made[1].id)
        validate_response("deleteChatCompletion", gone.to_dict())
        assert gone.deleted is True and gone.id == made[1].id
        with pytest.raises(NotFoundError):
            client.chat.completions.retrieve(made[1].id)


def test_e2e_stored_completions_async():
    emu = Emulator(flavor="openai")

    async def run():
        client = emu.async_client()
        try:
            made = await client.chat.completions.create(
                model="gpt-4o-mini", messages=USER, store=True, metadata={"k": "v"}, seed=1)
            listed = [c.id async for c in client.chat.completions.list(limit=1)]
            got = await client.chat.completions.retrieve(made.id)
            msgs = [m.content async for m in client.chat.completions.messages.list(made.id)]
            await client.chat.completions.update(made.id, metadata={})
            again = await client.chat.completions.retrieve(made.id)
            gone = await client.chat.completions.delete(made.id)
            return made, listed, got, msgs, again, gone
        finally:
            await client.close()

    made, listed, got, msgs, again, gone = asyncio.run(run())
    assert listed == [made.id] and got.text == made.text and msgs == ["Say hi"]
    assert again.metadata.to_dict() == {} and gone.deleted is True
