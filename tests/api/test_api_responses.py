"""client.responses.*: against the emulator (sync and async, plain and streamed), schema checks
of every response and event, validation and the lowcodeapi refusal before sending, the end of a
stream without [DONE], and the official ``openai`` SDK against the served emulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import jsonschema
import pytest
from _schema import validate_component, validate_request, validate_response

from lcoai_notebook import AsyncClient, Client
from lcoai_notebook._exceptions import APIError, NotFoundError, StreamInterruptedError
from lcoai_notebook._models import Response, ResponseStreamEvent
from lcoai_notebook.api.responses import AsyncResponseStream, ResponseStream
from lcoai_notebook.emulator import Emulator

MODEL = "gpt-4.1-mini"
WEATHER = [{"type": "function", "name": "get_weather",
            "description": "Get the current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"], "additionalProperties": False},
            "strict": True}]
PERSON = {"type": "object", "properties": {"name": {"type": "string"},
                                           "age": {"type": "integer", "minimum": 0}},
          "required": ["name", "age"], "additionalProperties": False}


@pytest.fixture
def emu() -> Emulator:
    return Emulator(flavor="openai")


@pytest.fixture
def client(emu: Emulator) -> Client:
    return emu.client()


def checked(resp: Any) -> Response:
    assert isinstance(resp, Response)
    validate_response("createResponse", resp.to_dict())
    return resp


def events_of(stream: Any) -> list[ResponseStreamEvent]:
    events = list(stream)
    for e in events:
        assert isinstance(e, ResponseStreamEvent)
        validate_component("ResponseStreamEvent", e.to_dict())
    return events


# -- against the emulator ----------------------------------------------------------------------
def test_create_plain_output_text_and_repr(client: Client) -> None:
    resp = checked(client.responses.create(model=MODEL, input="Name three colors.",
                                           instructions="Answer briefly."))
    assert resp.status == "completed" and resp.instructions == "Answer briefly."
    parts = [p.text for item in resp.output if item.type == "message" for p in item.content]
    assert resp.output_text == "".join(parts) and resp.output_text
    assert resp.usage.total_tokens == resp.usage.input_tokens + resp.usage.output_tokens
    html = resp._repr_html_()
    assert "gpt-4.1-mini · completed" in html and resp.output_text.split("\n")[0][:20] in html


def test_stream_yields_typed_events_and_final_response(client: Client) -> None:
    with client.responses.create(model=MODEL, input="Why is the sky blue?", stream=True) as s:
        assert isinstance(s, ResponseStream)
        events = events_of(s)
    assert s.closed
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert len(deltas) > 2
    final = checked(s.response)
    assert "".join(deltas) == s.text == final.output_text
    assert events[-1].response.output_text == final.output_text
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert client.responses.retrieve(final.id) == final


def test_stream_helper_and_get_final_response(client: Client) -> None:
    with client.responses.stream(model=MODEL, input="Say hello") as s:
        first = next(s)
        final = s.get_final_response()
    assert first.type == "response.created"
    assert checked(final).output_text == s.text


def test_function_tool_round_trip(client: Client) -> None:
    resp = checked(client.responses.create(model=MODEL, input="What is the weather in Lima?",
                                           tools=WEATHER))
    [call] = resp.output
    assert call.type == "function_call" and call.name == "get_weather"
    args = json.loads(call.arguments)
    jsonschema.validate(args, WEATHER[0]["parameters"])
    assert resp.output_text == ""
    answer = checked(client.responses.create(
        model=MODEL, previous_response_id=resp.id, tools=WEATHER,
        input=[{"type": "function_call_output", "call_id": call.call_id,
                "output": json.dumps({"forecast": "drizzle", "celsius": 17})}]))
    assert "drizzle" in answer.output_text and "17" in answer.output_text
    # Output items (Results) go back as input as they are, without previous_response_id.
    again = checked(client.responses.create(model=MODEL, tools=WEATHER, input=[
        {"role": "user", "content": "What is the weather in Lima?"}, *resp.output,
        {"type": "function_call_output", "call_id": call.call_id, "output": "foggy"}]))
    assert "foggy" in again.output_text


def test_previous_response_id_and_input_items(client: Client) -> None:
    first = checked(client.responses.create(model=MODEL, input="My name is Grace."))
    second = checked(client.responses.create(model=MODEL, input="What is my name?",
                                             previous_response_id=first.id))
    assert "Grace" in second.output_text
    many = checked(client.responses.create(model=MODEL, input=[
        {"role": "user", "content": f"Message {i}"} for i in range(5)]))
    page = client.responses.input_items.list(many.id, limit=2, order="asc")
    assert len(page.data) == 2 and page.has_more
    assert [i.content[0].text for i in page] == [f"Message {i}" for i in range(5)]
    client.responses.delete(first.id)
    with pytest.raises(NotFoundError):
        client.responses.retrieve(first.id)


def test_json_schema_and_reasoning_summary(client: Client) -> None:
    resp = checked(client.responses.create(
        model=MODEL, input="Describe a person.",
        text={"format": {"type": "json_schema", "name": "person", "schema": PERSON,
                         "strict": True}}))
    jsonschema.validate(json.loads(resp.output_text), PERSON)
    thought = checked(client.responses.create(model="gpt-5-mini", input="Why do leaves fall?",
                                              reasoning={"effort": "low", "summary": "detailed"}))
    reasoning, message = thought.output
    assert reasoning.type == "reasoning" and "leaves" in reasoning.summary[0].text.lower()
    assert thought.usage.output_tokens_details.reasoning_tokens > 0
    assert message.type == "message" and thought.output_text
    assert "reasoning" in thought._repr_html_()


def test_background_cancel(emu: Emulator) -> None:
    slow = Emulator(flavor="openai", job_step_seconds=3600).client()
    queued = slow.responses.create(model=MODEL, input="Write a poem.", background=True)
    assert queued.status == "queued"
    cancelled = slow.responses.cancel(queued.id)
    assert isinstance(cancelled, Response) and cancelled.status == "cancelled"
    validate_response("cancelResponse", cancelled.to_dict())
    plain = emu.client().responses.create(model=MODEL, input="hi")
    with pytest.raises(APIError, match="background"):
        emu.client().responses.cancel(plain.id)


def test_async_twin(emu: Emulator) -> None:
    async def main() -> tuple[Any, ...]:
        async with emu.async_client() as ac:
            plain = await ac.responses.create(model=MODEL, input="Name two rivers.")
            stream = await ac.responses.create(model=MODEL, input="Name two rivers.",
                                               stream=True)
            assert isinstance(stream, AsyncResponseStream)
            async with stream:
                events = [e async for e in stream]
            got = await ac.responses.retrieve(plain.id)
            items = [i async for i in ac.responses.input_items.list(plain.id)]
            tool = await ac.responses.create(model=MODEL, input="Weather in Rome?",
                                             tools=WEATHER)
            return plain, stream, events, got, items, tool

    plain, stream, events, got, items, tool = asyncio.run(main())
    checked(plain)
    assert got == plain and [i.content[0].text for i in items] == ["Name two rivers."]
    for e in events:
        validate_component("ResponseStreamEvent", e.to_dict())
    assert events[-1].type == "response.completed" and stream.closed
    assert stream.text == checked(stream.response).output_text
    assert tool.output[0].type == "function_call"


# -- refusals and validation, before sending -----------------------------------------------------
class Recorder:
    """An httpx MockTransport that records every request (and answers ``reply``)."""

    def __init__(self, reply: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.reply = reply or (lambda r: httpx.Response(200, json={}))

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)

    def client(self, flavor: str = "openai", is_async: bool = False) -> Any:
        token = "at_test_token" if flavor == "lowcodeapi" else "sk-test"
        http_cls = httpx.AsyncClient if is_async else httpx.Client
        http = http_cls(transport=httpx.MockTransport(self.handler))
        cls = AsyncClient if is_async else Client
        return cls(api_token=token, flavor=flavor, http_client=http, max_retries=0,
                   base_url="https://api.example.test/v1" if flavor == "openai" else None)


LOWCODE_CALLS = [
    lambda c: c.responses.create(model=MODEL, input="hi"),
    lambda c: c.responses.create(model=MODEL, input="hi", stream=True),
    lambda c: c.responses.stream(model=MODEL, input="hi"),
    lambda c: c.responses.retrieve("resp_1"),
    lambda c: c.responses.delete("resp_1"),
    lambda c: c.responses.cancel("resp_1"),
    lambda c: c.responses.input_items.list("resp_1"),
]


@pytest.mark.parametrize("call", LOWCODE_CALLS)
@pytest.mark.parametrize("is_async", [False, True])
def test_lowcodeapi_flavor_refuses_before_sending(call: Any, is_async: bool) -> None:
    rec = Recorder()
    client = rec.client("lowcodeapi", is_async=is_async)
    with pytest.raises(ValueError, match=r"not available through LowCodeAPI.*flavor='openai'"):
        call(client)
    assert rec.requests == []


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"temperature": 2.5}, ValueError, "temperature"),
    ({"top_p": -0.1}, ValueError, "top_p"),
    ({"max_output_tokens": 8}, ValueError, "max_output_tokens must be at least 16"),
    ({"max_output_tokens": 20.0}, TypeError, "max_output_tokens"),
    ({"input": 42}, TypeError, "input must be a string or a list"),
    ({"input": [{"role": "robot", "content": "x"}]}, ValueError, r"input\[0\]\['role'\]"),
    ({"input": [{"type": "function_call_output", "output": "x"}]}, ValueError, "call_id"),
    ({"input": [{"type": "function_call_output", "call_id": "c", "output": {"a": 1}}]},
     TypeError, r"json.dumps"),
    ({"tools": [{"type": "function", "function": {"name": "f"}}]}, ValueError,
     "function tools flat"),
    ({"tools": "get_weather"}, TypeError, "tools must be a list"),
    ({"tool_choice": "always"}, ValueError, "tool_choice"),
    ({"text": {"format": {"type": "xml"}}}, ValueError, r"text\['format'\]\['type'\]"),
    ({"text": {"format": {"type": "json_schema", "name": "p"}}}, TypeError, "schema"),
    ({"reasoning": {"effort": "maximal"}}, ValueError, r"reasoning\['effort'\]"),
    ({"reasoning": {"summary": "long"}}, ValueError, r"reasoning\['summary'\]"),
    ({"store": "yes"}, TypeError, "store"),
    ({"metadata": {"k": 1}}, ValueError, "metadata"),
    ({"previous_response_id": "../x"}, ValueError, "previous_response_id"),
    ({"response_format": {"type": "json_object"}}, TypeError, "text="),
    ({"model": ""}, TypeError, "model"),
])
def test_bad_arguments_raise_before_sending(kwargs: dict[str, Any], exc: type,
                                            match: str) -> None:
    rec = Recorder()
    with pytest.raises(exc, match=match):
        rec.client().responses.create(**{"model": MODEL, "input": "hi", **kwargs})
    assert rec.requests == []


def test_bad_ids_and_list_args_raise_before_sending() -> None:
    rec = Recorder()
    client = rec.client()
    with pytest.raises(ValueError, match="response_id"):
        client.responses.retrieve("resp/1")
    with pytest.raises(ValueError, match="limit"):
        client.responses.input_items.list("resp_1", limit=500)
    with pytest.raises(ValueError, match="order"):
        client.responses.input_items.list("resp_1", order="up")
    assert rec.requests == []


def test_request_body_matches_the_spec() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json={"id": "resp_1", "object": "response",
                                                       "output": []}))
    rec.client().responses.create(
        model=MODEL, input=[{"role": "user", "content": "hi"}], instructions="Be kind.",
        tools=WEATHER, tool_choice={"type": "function", "name": "get_weather"},
        text={"format": {"type": "json_schema", "name": "p", "schema": PERSON}},
        reasoning={"effort": "low", "summary": "auto"}, max_output_tokens=64,
        temperature=0.5, store=False, metadata={"k": "v"}, extra_body={"user": "u1"})
    [request] = rec.requests
    assert request.url.path == "/v1/responses"
    body = json.loads(request.content)
    validate_request("createResponse", body)
    assert body["user"] == "u1" and body["store"] is False and "stream" not in body


# -- streams without [DONE] ----------------------------------------------------------------------
def _sse(*events: dict[str, Any], done: bool = False) -> bytes:
    out = b"".join(b"event: " + e["type"].encode() + b"\ndata: " + json.dumps(e).encode()
                   + b"\n\n" for e in events)
    return out + (b"data: [DONE]\n\n" if done else b"")


_RESP = {"id": "resp_1", "object": "response", "status": "completed", "output": [
    {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
     "content": [{"type": "output_text", "text": "Hi!", "annotations": []}]}]}
_EVENTS = [
    {"type": "response.created", "sequence_number": 0,
     "response": {**_RESP, "status": "in_progress", "output": []}},
    {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_1",
     "output_index": 0, "content_index": 0, "delta": "Hi!"},
    {"type": "response.completed", "sequence_number": 2, "response": _RESP},
]


def _stream_reply(body: bytes) -> Callable[[httpx.Request], httpx.Response]:
    return lambda r: httpx.Response(200, content=body,
                                    headers={"content-type": "text/event-stream"})


@pytest.mark.parametrize("done", [False, True])
def test_stream_ends_at_the_terminal_event(done: bool) -> None:
    rec = Recorder(_stream_reply(_sse(*_EVENTS, done=done)))
    stream = rec.client().responses.create(model=MODEL, input="hi", stream=True)
    assert [e.type for e in stream] == [e["type"] for e in _EVENTS]
    assert stream.response.output_text == "Hi!" == stream.text and stream.closed


def test_stream_cut_before_the_terminal_event_raises() -> None:
    rec = Recorder(_stream_reply(_sse(*_EVENTS[:2])))
    stream = rec.client().responses.create(model=MODEL, input="hi", stream=True)
    with pytest.raises(StreamInterruptedError):
        list(stream)
    assert stream.response is None and stream.text == "Hi!"


def test_stream_error_event_raises() -> None:
    error = {"type": "error", "sequence_number": 1, "code": "server_error",
             "message": "The model failed.", "param": None}
    for body in (_sse(_EVENTS[0], error),
                 b"data: " + json.dumps(_EVENTS[0]).encode() + b"\n\ndata: "
                 + json.dumps(error).encode() + b"\n\n"):
        rec = Recorder(_stream_reply(body))
        stream = rec.client().responses.create(model=MODEL, input="hi", stream=True)
        with pytest.raises(APIError, match="The model failed"):
            list(stream)


def test_async_stream_ends_without_done() -> None:
    async def main() -> Any:
        rec = Recorder(_stream_reply(_sse(*_EVENTS)))
        async with rec.client(is_async=True) as ac:
            stream = await ac.responses.create(model=MODEL, input="hi", stream=True)
            return stream, [e.type async for e in stream]

    stream, kinds = asyncio.run(main())
    assert kinds[-1] == "response.completed" and stream.response.output_text == "Hi!"


def test_repr_html_is_inert() -> None:
    hostile = "<img src=x onerror=alert(1)> **bold** <script>alert(2)</script>"
    resp = Response({"model": MODEL, "status": "completed", "output": [
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": hostile}]},
        {"type": "function_call", "name": "<b>f</b>", "arguments": "<svg onload=x>"},
        {"type": "message", "content": [{"type": "output_text", "text": hostile}]}]})
    html = resp._repr_html_()
    assert "<img" not in html and "<script" not in html and "<svg" not in html
    assert "&lt;img" in html and "<strong>bold</strong>" in html
    assert resp.output_text == hostile


# -- the official SDK against the served emulator ------------------------------------------------
def test_openai_sdk_against_the_emulator() -> None:
    openai = pytest.importorskip("openai")
    with Emulator(flavor="openai") as emu:
        sdk = openai.OpenAI(base_url=emu.url, api_key=emu.api_token, max_retries=0)
        try:
            plain = sdk.responses.create(model=MODEL, input="Tell me about foxes.")
            assert plain.status == "completed" and "fox" in plain.output_text.lower()
            with sdk.responses.stream(model="gpt-5-mini", input="Why is the sky blue?",
                                      reasoning={"effort": "low", "summary": "auto"}) as s:
                deltas = [e.delta for e in s if e.type == "response.output_text.delta"]
                final = s.get_final_response()
            assert "".join(deltas) == final.output_text and deltas
            assert final.usage.output_tokens_details.reasoning_tokens > 0
            raw = list(sdk.responses.create(model=MODEL, input="hi", stream=True))
            assert raw[-1].type == "response.completed" and raw[-1].response.output_text
            call = sdk.responses.create(model=MODEL, input="What is the weather in Oslo?",
                                        tools=WEATHER).output[0]
            assert call.type == "function_call" and json.loads(call.arguments)["city"] == "Oslo"
            answer = sdk.responses.create(model=MODEL, tools=WEATHER, input=[
                {"role": "user", "content": "What is the weather in Oslo?"}, call,
                {"type": "function_call_output", "call_id": call.call_id, "output": "snow"}])
            assert "snow" in answer.output_text
            assert sdk.responses.retrieve(answer.id).id == answer.id
        finally:
            sdk.close()
