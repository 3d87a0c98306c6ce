"""Emulator Responses API routes (OpenAI flavor): shapes against the spec, stored state,
streaming event sequence, tools, JSON schema, reasoning, background/cancel, and the 404 the
lowcodeapi flavor gives them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import httpx
import jsonschema
import pytest
from _schema import spec, validate_component, validate_response

from lcoai_notebook.emulator import Emulator

WEATHER = [{"type": "function", "name": "get_weather",
            "description": "Get the current weather for a city",
            "parameters": {"type": "object", "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                "required": ["city", "unit"], "additionalProperties": False},
            "strict": True}]
PERSON = {"type": "object", "properties": {
    "name": {"type": "string"}, "age": {"type": "integer", "minimum": 0, "maximum": 130},
    "hobbies": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    "required": ["name", "age", "hobbies"], "additionalProperties": False}


@lru_cache(maxsize=1)
def event_schemas() -> dict[str, str]:
    """Event ``type`` -> the ResponseStreamEvent member schema that defines it."""
    schemas = spec()["components"]["schemas"]
    out = {}
    for member in schemas["ResponseStreamEvent"]["anyOf"]:
        name = member["$ref"].rsplit("/", 1)[1]
        for kind in schemas[name]["properties"]["type"]["enum"]:
            out[kind] = name
    return out


class Api:
    """Raw HTTP against one emulator (in-process transport): no client code in between."""

    def __init__(self, flavor: str = "openai", **config: Any) -> None:
        self.emu = Emulator(flavor=flavor, **config)
        auth = ({"Authorization": f"Bearer {self.emu.api_token}"} if flavor == "openai" else {})
        self.params = {"api_token": self.emu.api_token} if flavor == "lowcodeapi" else {}
        self.http = httpx.Client(transport=self.emu.transport(), base_url=self.emu.inprocess_url,
                                 headers=auth)

    def call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.http.request(method, path, params={**self.params, **kw.pop("params", {})},
                                 **kw)

    def ok(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        r = self.call(method, path, **kw)
        assert r.status_code == 200, r.text
        return r.json()

    def create(self, **body: Any) -> dict[str, Any]:
        resp = self.ok("POST", "/responses", json={"model": "gpt-4.1-mini", **body})
        validate_response("createResponse", resp)
        return resp

    def error(self, status: int, method: str, path: str, **kw: Any) -> dict[str, Any]:
        r = self.call(method, path, **kw)
        assert r.status_code == status, r.text
        return r.json()["error"]

    def stream(self, **body: Any) -> tuple[str, list[dict[str, Any]]]:
        """The raw body and the decoded events; checks names, schemas and sequence numbers."""
        with self.http.stream("POST", "/responses", json={"model": "gpt-4.1-mini", "stream": True,
                                                          **body}) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            raw = r.read().decode()
        events = []
        for block in _blocks(raw):
            lines = dict(line.split(": ", 1) for line in block.split("\n"))
            data = json.loads(lines["data"])
            assert lines["event"] == data["type"]
            validate_component("ResponseStreamEvent", data)
            validate_component(event_schemas()[data["type"]], data)
            events.append(data)
        assert [e["sequence_number"] for e in events] == list(range(len(events)))
        return raw, events


def _blocks(raw: str) -> Iterator[str]:
    for block in raw.split("\n\n"):
        if block.strip():
            yield block.strip("\n")


def text_of(resp: dict[str, Any]) -> str:
    return "".join(p["text"] for item in resp["output"] if item["type"] == "message"
                   for p in item["content"] if p["type"] == "output_text")


@pytest.fixture
def api() -> Api:
    return Api()


def test_plain_response_is_the_chat_routes_reply(api: Api) -> None:
    resp = api.create(input="Tell me about cats and their whiskers.",
                      instructions="Answer in one sentence.", temperature=0)
    assert resp["object"] == "response" and resp["status"] == "completed"
    assert resp["instructions"] == "Answer in one sentence." and resp["store"] is True
    [msg] = resp["output"]
    assert msg["type"] == "message" and msg["role"] == "assistant"
    # The same composer as chat: at temperature 0 both APIs give the same words and counts.
    chat = api.ok("POST", "/chat/completions", json={
        "model": "gpt-4.1-mini", "temperature": 0, "messages": [
            {"role": "developer", "content": "Answer in one sentence."},
            {"role": "user", "content": "Tell me about cats and their whiskers."}]})
    assert text_of(resp) == chat["choices"][0]["message"]["content"]
    usage = resp["usage"]
    assert usage["input_tokens"] == chat["usage"]["prompt_tokens"]
    assert usage["output_tokens"] == chat["usage"]["completion_tokens"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["output_tokens_details"]["reasoning_tokens"] == 0


def test_retrieve_delete_and_store_false(api: Api) -> None:
    resp = api.create(input="Hello there")
    got = api.ok("GET", f"/responses/{resp['id']}")
    validate_response("getResponse", got)
    assert got == resp
    gone = api.ok("DELETE", f"/responses/{resp['id']}")
    assert gone == {"id": resp["id"], "object": "response", "deleted": True}
    err = api.error(404, "GET", f"/responses/{resp['id']}")
    assert resp["id"] in err["message"]
    api.error(404, "DELETE", f"/responses/{resp['id']}")
    unstored = api.create(input="Hello there", store=False)
    assert unstored["store"] is False
    api.error(404, "GET", f"/responses/{unstored['id']}")
    err = api.error(404, "POST", "/responses", json={
        "model": "gpt-4.1-mini", "input": "hi", "previous_response_id": unstored["id"]})
    assert err["param"] == "previous_response_id"


def test_previous_response_id_continues_the_conversation(api: Api) -> None:
    first = api.create(input="My name is Ada and I live in Lisbon.")
    second = api.create(input="What is my name?", previous_response_id=first["id"])
    assert second["previous_response_id"] == first["id"]
    assert "Ada" in text_of(second)
    alone = api.create(input="What is my name?")
    assert "Ada" not in text_of(alone)
    # Only this request's input is listed; the earlier turn belongs to the first response.
    items = api.ok("GET", f"/responses/{second['id']}/input_items")
    validate_response("listInputItems", items)
    assert [i["content"][0]["text"] for i in items["data"]] == ["What is my name?"]


def test_streamed_events_follow_the_spec_sequence(api: Api) -> None:
    raw, events = api.stream(input="Why is the sky blue?")
    assert "[DONE]" not in raw  # Responses streams end with their terminal event
    kinds = [e["type"] for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[2:4] == ["response.output_item.added", "response.content_part.added"]
    assert kinds[-4:] == ["response.output_text.done", "response.content_part.done",
                          "response.output_item.done", "response.completed"]
    assert set(kinds[4:-4]) == {"response.output_text.delta"} and len(kinds) > 9
    final = events[-1]["response"]
    validate_response("createResponse", final)
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert deltas == text_of(final) == events[-4]["text"]
    started = events[0]["response"]
    assert started["status"] == "in_progress" and started["output"] == []
    assert {e["item_id"] for e in events if "item_id" in e} == {final["output"][0]["id"]}
    assert api.ok("GET", f"/responses/{final['id']}") == final


def test_buffered_stream_mode_sends_the_same_events() -> None:
    _, events = Api(stream_mode="buffered").stream(input="Why is the sky blue?")
    assert events[-1]["type"] == "response.completed"


def test_function_tool_call_and_round_trip(api: Api) -> None:
    resp = api.create(input="What is the weather in Oslo?", tools=WEATHER)
    [call] = resp["output"]
    assert call["type"] == "function_call" and call["name"] == "get_weather"
    assert call["call_id"].startswith("call_") and call["status"] == "completed"
    args = json.loads(call["arguments"])
    jsonschema.validate(args, WEATHER[0]["parameters"])
    assert args["city"] == "Oslo"
    assert resp["tools"][0]["name"] == "get_weather" and text_of(resp) == ""
    answer = api.create(previous_response_id=resp["id"], tools=WEATHER, input=[
        {"type": "function_call_output", "call_id": call["call_id"],
         "output": json.dumps({"temperature": 21, "sky": "clear"})}])
    text = text_of(answer)
    assert "21" in text and "clear" in text
    # The conversation may also be sent whole: the output items fed back as input.
    whole = api.create(tools=WEATHER, input=[
        {"role": "user", "content": "What is the weather in Oslo?"}, *resp["output"],
        {"type": "function_call_output", "call_id": call["call_id"], "output": "rainy"}])
    assert "rainy" in text_of(whole)
    err = api.error(400, "POST", "/responses", json={
        "model": "gpt-4.1-mini", "input": [
            {"type": "function_call_output", "call_id": "call_nope", "output": "x"}]})
    assert "call_nope" in err["message"]


def test_tool_choice_none_answers_in_text_and_stream_carries_arguments(api: Api) -> None:
    resp = api.create(input="What is the weather in Oslo?", tools=WEATHER, tool_choice="none")
    assert [i["type"] for i in resp["output"]] == ["message"]
    _, events = api.stream(input="What is the weather in Oslo?", tools=WEATHER)
    deltas = "".join(e["delta"] for e in events
                     if e["type"] == "response.function_call_arguments.delta")
    done = next(e for e in events if e["type"] == "response.function_call_arguments.done")
    assert deltas == done["arguments"] == events[-1]["response"]["output"][0]["arguments"]
    assert events[-1]["type"] == "response.completed"


def test_json_schema_output_conforms(api: Api) -> None:
    resp = api.create(input="Describe a person who likes hiking.",
                      text={"format": {"type": "json_schema", "name": "person",
                                       "schema": PERSON, "strict": True}})
    value = json.loads(text_of(resp))
    jsonschema.validate(value, PERSON)
    assert resp["text"]["format"]["name"] == "person"
    err = api.error(400, "POST", "/responses", json={
        "model": "gpt-4.1-mini", "input": "hi", "text": {"format": {"type": "json_object"}}})
    assert "json" in err["message"] and err["param"] == "input"
    ok = api.create(input="Give me a JSON object with keys city and country.",
                    text={"format": {"type": "json_object"}})
    assert isinstance(json.loads(text_of(ok)), dict)


def test_reasoning_item_summary_and_tokens(api: Api) -> None:
    def run(effort: str, summary: str | None = "auto") -> dict[str, Any]:
        return api.create(model="gpt-5-mini", input="Why do cats purr?",
                          reasoning={"effort": effort, "summary": summary})

    low, high = run("low"), run("high")
    for resp in (low, high):
        rs, msg = resp["output"]
        assert rs["type"] == "reasoning" and msg["type"] == "message"
        [part] = rs["summary"]
        assert part["type"] == "summary_text" and "cats" in part["text"].lower()
    assert (0 < low["usage"]["output_tokens_details"]["reasoning_tokens"]
            < high["usage"]["output_tokens_details"]["reasoning_tokens"])
    assert high["reasoning"] == {"effort": "high", "summary": "auto"}
    assert run("medium", None)["output"][0]["summary"] == []
    nothing = run("none", None)
    assert [i["type"] for i in nothing["output"]] == ["message"]
    assert nothing["usage"]["output_tokens_details"]["reasoning_tokens"] == 0
    err = api.error(400, "POST", "/responses", json={
        "model": "gpt-4.1-mini", "input": "hi", "reasoning": {"effort": "low"}})
    assert err["param"] == "reasoning.effort"
    _, events = api.stream(model="gpt-5-mini", input="Why do cats purr?",
                           reasoning={"effort": "low", "summary": "concise"})
    summary = "".join(e["delta"] for e in events
                      if e["type"] == "response.reasoning_summary_text.delta")
    assert summary and summary == events[-1]["response"]["output"][0]["summary"][0]["text"]


def test_max_output_tokens_gives_an_incomplete_response(api: Api) -> None:
    resp = api.create(input="Tell me about the history of Rome in 300 words.",
                      max_output_tokens=16)
    assert resp["status"] == "incomplete"
    assert resp["incomplete_details"] == {"reason": "max_output_tokens"}
    assert resp["usage"]["output_tokens"] <= 16 and resp["output"][0]["status"] == "incomplete"
    _, events = api.stream(input="Tell me about the history of Rome in 300 words.",
                           max_output_tokens=16)
    assert events[-1]["type"] == "response.incomplete"


def test_input_items_pages(api: Api) -> None:
    resp = api.create(input=[{"role": "developer", "content": "Be brief."},
                             {"role": "user", "content": "Hi"},
                             {"role": "assistant", "content": "Hello!"},
                             {"role": "user", "content": [{"type": "input_text",
                                                           "text": "How are you?"}]}])
    path = f"/responses/{resp['id']}/input_items"
    page = api.ok("GET", path)
    validate_response("listInputItems", page)
    texts = [i["content"][0]["text"] for i in page["data"]]
    assert texts == ["How are you?", "Hello!", "Hi", "Be brief."]  # newest first
    first = api.ok("GET", path, params={"order": "asc", "limit": "2"})
    assert [i["content"][0]["text"] for i in first["data"]] == ["Be brief.", "Hi"]
    assert first["has_more"] is True
    rest = api.ok("GET", path, params={"order": "asc", "limit": "2", "after": first["last_id"]})
    validate_response("listInputItems", rest)
    assert [i["content"][0]["text"] for i in rest["data"]] == ["Hello!", "How are you?"]
    assert rest["has_more"] is False
    api.error(400, "GET", path, params={"limit": "101"})


def test_cancel_only_background_responses(api: Api) -> None:
    plain = api.create(input="hi")
    err = api.error(400, "POST", f"/responses/{plain['id']}/cancel")
    assert "background" in err["message"]
    api.error(404, "POST", "/responses/resp_missing/cancel")
    slow = Api(job_step_seconds=3600)
    queued = slow.create(input="Write a haiku about rain.", background=True)
    assert queued["status"] == "queued" and queued["output"] == [] and queued["background"]
    cancelled = slow.ok("POST", f"/responses/{queued['id']}/cancel")
    validate_response("cancelResponse", cancelled)
    assert cancelled["status"] == "cancelled"
    assert slow.ok("GET", f"/responses/{queued['id']}")["status"] == "cancelled"
    assert slow.ok("POST", f"/responses/{queued['id']}/cancel")["status"] == "cancelled"
    err = slow.error(400, "POST", "/responses", json={
        "model": "gpt-4.1-mini", "input": "hi", "background": True, "store": False})
    assert err["param"] == "background"


def test_background_response_moves_through_its_states(monkeypatch: pytest.MonkeyPatch) -> None:
    api = Api(job_step_seconds=10)
    clock = [1000.0]
    monkeypatch.setattr(api.emu.app, "monotonic", lambda: clock[0])
    resp = api.create(input="Write a haiku about rain.", background=True)
    seen = []
    for _ in range(3):
        got = api.ok("GET", f"/responses/{resp['id']}")
        validate_response("getResponse", got)
        seen.append(got["status"])
        clock[0] += 10
    assert seen == ["queued", "in_progress", "completed"]
    assert text_of(got)
    err = api.error(400, "POST", f"/responses/{resp['id']}/cancel")
    assert "completed" in err["message"]


@pytest.mark.parametrize(("body", "param"), [
    ({"input": "hi", "temperature": 3}, "temperature"),
    ({"input": "hi", "max_output_tokens": 8}, "max_output_tokens"),
    ({"input": "hi", "messages": []}, "messages"),
    ({}, "input"),
    ({"input": 5}, "input"),
    ({"input": [{"role": "robot", "content": "hi"}]}, "input[0].role"),
    ({"input": "hi", "tools": [{"type": "web_search"}]}, "tools[0].type"),
    ({"input": "hi", "tools": WEATHER, "tool_choice": {"type": "function", "name": "nope"}},
     "tool_choice"),
    ({"input": "hi", "text": {"format": {"type": "xml"}}}, "text.format.type"),
    ({"input": "hi", "reasoning": {"effort": "huge"}}, "reasoning.effort"),
    ({"input": "hi", "store": "yes"}, "store"),
])
def test_bad_requests_get_openai_errors(api: Api, body: dict[str, Any], param: str) -> None:
    err = api.error(400, "POST", "/responses", json={"model": "gpt-4.1-mini", **body})
    assert err["param"] == param and err["type"] == "invalid_request_error"


def test_unknown_model_is_404(api: Api) -> None:
    err = api.error(404, "POST", "/responses", json={"model": "gpt-nope", "input": "hi"})
    assert err["code"] == "model_not_found"


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/responses"), ("GET", "/v1/responses/resp_1"),
    ("DELETE", "/v1/responses/resp_1"), ("POST", "/v1/responses/resp_1/cancel"),
    ("GET", "/v1/responses/resp_1/input_items"),
])
def test_lowcodeapi_flavor_does_not_route_responses(method: str, path: str) -> None:
    api = Api(flavor="lowcodeapi")
    r = api.call(method, path, json={"model": "gpt-4.1-mini", "input": "hi"}
                 if method == "POST" else None)
    assert r.status_code == 404
    assert r.json() == {"message": "Not Found"}  # LowCodeAPI's answer to an unknown route
    # A route it does define still answers on the same emulator.
    assert api.call("GET", "/v1/models").status_code == 200
