"""Emulator Assistants API: assistants, threads, messages, runs (incl. tool calls), run steps."""

from __future__ import annotations

import time

import pytest
from _emu_stub import EmuHTTP, StubApp
from _schema import validate_component, validate_response

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def _assistant(app: StubApp, **body: object) -> dict:
    a = app.ok("POST", "/v1/assistants", json={"model": "gpt-4o-mini", **body})
    validate_response("createAssistant", a)
    return a


def test_assistant_crud_and_list(app: StubApp) -> None:
    a = _assistant(app, name="Helper", instructions="Be brief.", tools=[WEATHER],
                   metadata={"k": "v"})
    assert a["object"] == "assistant" and a["id"].startswith("asst_")
    assert (a["name"], a["instructions"], a["tools"], a["metadata"]) == \
        ("Helper", "Be brief.", [WEATHER], {"k": "v"})
    got = app.ok("GET", f"/v1/assistants/{a['id']}")
    validate_response("getAssistant", got)
    assert got == a
    changed = app.ok("POST", f"/v1/assistants/{a['id']}", json={"name": "Renamed",
                                                                 "temperature": 0.5})
    validate_response("modifyAssistant", changed)
    assert changed["name"] == "Renamed" and changed["temperature"] == 0.5
    assert changed["instructions"] == "Be brief."
    more = [_assistant(app, name=f"n{i}")["id"] for i in range(3)]
    page = app.ok("GET", "/v1/assistants", query={"limit": "2"})
    validate_response("listAssistants", page)
    assert [x["id"] for x in page["data"]] == more[::-1][:2] and page["has_more"]
    before = app.ok("GET", "/v1/assistants", query={"before": more[0]})
    assert [x["id"] for x in before["data"]] == more[:0:-1]
    deleted = app.ok("DELETE", f"/v1/assistants/{a['id']}")
    validate_response("deleteAssistant", deleted)
    assert deleted == {"id": a["id"], "object": "assistant.deleted", "deleted": True}
    assert app.call("GET", f"/v1/assistants/{a['id']}")[0] == 404


def test_assistant_request_errors(app: StubApp) -> None:
    for body, status, param in [
        ({}, 400, "model"),
        ({"model": "no-such-model"}, 404, "model"),
        ({"model": "text-embedding-3-small"}, 400, "model"),
        ({"model": "gpt-4o-mini", "tools": [{"type": "browser"}]}, 400, "tools[0].type"),
        ({"model": "gpt-4o-mini", "tools": [{"type": "function", "function": {"name": "a b"}}]},
         400, "tools[0].function.name"),
        ({"model": "gpt-4o-mini", "temperature": 3}, 400, "temperature"),
        ({"model": "gpt-4o-mini", "name": "x" * 257}, 400, "name"),
    ]:
        got, err = app.call("POST", "/v1/assistants", json=body)
        assert (got, err["error"]["param"]) == (status, param), (body, err)
    assert app.ok("GET", "/v1/assistants")["data"] == []


def test_threads_and_messages(app: StubApp) -> None:
    t = app.ok("POST", "/v1/threads", json={"messages": [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": [{"type": "text", "text": "second"}]}],
        "metadata": {"a": "b"}})
    validate_response("createThread", t)
    assert t["object"] == "thread" and t["metadata"] == {"a": "b"}
    validate_response("getThread", app.ok("GET", f"/v1/threads/{t['id']}"))
    mod = app.ok("POST", f"/v1/threads/{t['id']}", json={"metadata": {"x": "y"}})
    validate_response("modifyThread", mod)
    assert mod["metadata"] == {"x": "y"}
    m3 = app.ok("POST", f"/v1/threads/{t['id']}/messages",
                json={"role": "user", "content": "third", "metadata": {"n": "3"}})
    validate_response("createMessage", m3)
    assert m3["content"] == [{"type": "text", "text": {"value": "third", "annotations": []}}]
    listed = app.ok("GET", f"/v1/threads/{t['id']}/messages")
    validate_response("listMessages", listed)
    texts = [m["content"][0]["text"]["value"] for m in listed["data"]]
    assert texts == ["third", "second", "first"]  # newest first
    asc = app.ok("GET", f"/v1/threads/{t['id']}/messages",
                 query={"order": "asc", "limit": "1"})
    assert asc["data"][0]["content"][0]["text"]["value"] == "first" and asc["has_more"]
    after = app.ok("GET", f"/v1/threads/{t['id']}/messages",
                   query={"order": "asc", "after": asc["last_id"]})
    assert [m["id"] for m in after["data"]] == [m["id"] for m in listed["data"][1::-1]]
    got = app.ok("GET", f"/v1/threads/{t['id']}/messages/{m3['id']}")
    validate_response("getMessage", got)
    changed = app.ok("POST", f"/v1/threads/{t['id']}/messages/{m3['id']}",
                     json={"metadata": {"n": "three"}})
    validate_response("modifyMessage", changed)
    assert changed["metadata"] == {"n": "three"}
    gone = app.ok("DELETE", f"/v1/threads/{t['id']}/messages/{m3['id']}")
    validate_response("deleteMessage", gone)
    assert app.call("GET", f"/v1/threads/{t['id']}/messages/{m3['id']}")[0] == 404
    for body, param in [({"role": "system", "content": "x"}, "role"), ({"role": "user"},
                        "content"), ({"role": "user", "content": ""}, "content"),
                        ({"role": "user", "content": [{"type": "image_file",
                                                       "image_file": {"file_id": "file-x"}}]},
                         "content[0].image_file.file_id")]:
        status, err = app.call("POST", f"/v1/threads/{t['id']}/messages", json=body)
        assert status in (400, 404) and err["error"]["param"] == param
    status, err = app.call("POST", "/v1/threads", json={"messages": [{"role": "bot"}]})
    assert status == 400 and err["error"]["param"] == "messages[0].role"
    validate_response("deleteThread", app.ok("DELETE", f"/v1/threads/{t['id']}"))
    assert app.call("GET", f"/v1/threads/{t['id']}/messages")[0] == 404


def _wait(app: StubApp, thread_id: str, run_id: str) -> dict:
    app.advance(1)
    run = app.ok("GET", f"/v1/threads/{thread_id}/runs/{run_id}")
    validate_response("getRun", run)
    return run


def test_run_without_tools_adds_the_reply(app: StubApp) -> None:
    a = _assistant(app, instructions="Be brief.")
    t = app.ok("POST", "/v1/threads", json={"messages": [{"role": "user", "content": "hello"}]})
    run = app.ok("POST", f"/v1/threads/{t['id']}/runs", json={"assistant_id": a["id"]})
    validate_response("createRun", run)
    assert run["status"] == "queued" and run["usage"] is None
    app.advance(0.6)
    mid = app.ok("GET", f"/v1/threads/{t['id']}/runs/{run['id']}")
    assert mid["status"] == "in_progress" and mid["started_at"] is not None
    status, err = app.call("POST", f"/v1/threads/{t['id']}/messages",
                           json={"role": "user", "content": "more"})
    assert status == 400 and run["id"] in err["error"]["message"]  # a run is active
    done = _wait(app, t["id"], run["id"])
    assert done["status"] == "completed" and done["usage"]["total_tokens"] == 12
    msgs = app.ok("GET", f"/v1/threads/{t['id']}/messages")["data"]
    assert msgs[0]["role"] == "assistant" and msgs[0]["run_id"] == run["id"]
    assert msgs[0]["content"][0]["text"]["value"] == "reply to user: hello"
    assert msgs[0]["assistant_id"] == a["id"]
    by_run = app.ok("GET", f"/v1/threads/{t['id']}/messages", query={"run_id": run["id"]})
    assert [m["id"] for m in by_run["data"]] == [msgs[0]["id"]]
    steps = app.ok("GET", f"/v1/threads/{t['id']}/runs/{run['id']}/steps")
    validate_response("listRunSteps", steps)
    (step,) = steps["data"]
    assert step["step_details"]["message_creation"]["message_id"] == msgs[0]["id"]
    validate_response("getRunStep",
                      app.ok("GET", f"/v1/threads/{t['id']}/runs/{run['id']}/steps/{step['id']}"))
    runs = app.ok("GET", f"/v1/threads/{t['id']}/runs")
    validate_response("listRuns", runs)
    assert [r["id"] for r in runs["data"]] == [run["id"]]
    mod = app.ok("POST", f"/v1/threads/{t['id']}/runs/{run['id']}", json={"metadata": {"a": "1"}})
    validate_response("modifyRun", mod)
    assert mod["metadata"] == {"a": "1"}
    assert app.call("POST", f"/v1/threads/{t['id']}/runs/{run['id']}/cancel")[0] == 400


def test_function_tool_requires_action_then_completes_with_reply(app: StubApp) -> None:
    a = _assistant(app, tools=[WEATHER])
    t = app.ok("POST", "/v1/threads",
               json={"messages": [{"role": "user", "content": "What's the weather in Oslo?"}]})
    run = app.ok("POST", f"/v1/threads/{t['id']}/runs", json={"assistant_id": a["id"]})
    waiting = _wait(app, t["id"], run["id"])
    assert waiting["status"] == "requires_action"
    (call,) = waiting["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert call["function"]["name"] == "get_weather"
    status, err = app.call("POST", f"/v1/threads/{t['id']}/runs/{run['id']}/submit_tool_outputs",
                           json={"tool_outputs": [{"tool_call_id": "call_wrong", "output": "x"}]})
    assert status == 400 and call["id"] in err["error"]["message"]
    resumed = app.ok("POST", f"/v1/threads/{t['id']}/runs/{run['id']}/submit_tool_outputs",
                     json={"tool_outputs": [{"tool_call_id": call["id"], "output": "12C rain"}]})
    validate_response("submitToolOuputsToRun", resumed)
    assert resumed["status"] == "queued" and resumed["required_action"] is None
    done = _wait(app, t["id"], run["id"])
    assert done["status"] == "completed"
    reply = app.ok("GET", f"/v1/threads/{t['id']}/messages")["data"][0]
    assert reply["role"] == "assistant" and reply["content"][0]["text"]["value"] == \
        "reply to tool: 12C rain"
    steps = app.ok("GET", f"/v1/threads/{t['id']}/runs/{run['id']}/steps",
                   query={"order": "asc"})["data"]
    assert [s["type"] for s in steps] == ["tool_calls", "message_creation"]
    assert steps[0]["step_details"]["tool_calls"][0]["function"]["output"] == "12C rain"
    assert app.call("POST", f"/v1/threads/{t['id']}/runs/{run['id']}/submit_tool_outputs",
                    json={"tool_outputs": []})[0] == 400  # no longer waiting


def test_unrelated_question_does_not_call_the_tool(app: StubApp) -> None:
    a = _assistant(app, tools=[WEATHER])
    t = app.ok("POST", "/v1/threads", json={"messages": [{"role": "user", "content": "hi"}]})
    run = app.ok("POST", f"/v1/threads/{t['id']}/runs", json={"assistant_id": a["id"]})
    assert _wait(app, t["id"], run["id"])["status"] == "completed"
    forced = app.ok("POST", "/v1/threads/runs", json={
        "assistant_id": a["id"], "tool_choice": "required",
        "thread": {"messages": [{"role": "user", "content": "hi again"}]}})
    validate_response("createThreadAndRun", forced)
    assert _wait(app, forced["thread_id"], forced["id"])["status"] == "requires_action"


def test_cancel_run_and_run_errors_create_nothing(app: StubApp) -> None:
    a = _assistant(app, tools=[WEATHER])
    t = app.ok("POST", "/v1/threads", json={"messages": [{"role": "user",
                                                          "content": "weather in Rome"}]})
    for body, status, param in [({}, 400, "assistant_id"), ({"assistant_id": "asst_x"}, 404,
                                                              "assistant_id"),
                                ({"assistant_id": a["id"], "stream": "yes"}, 400, "stream"),
                                ({"assistant_id": a["id"], "model": "nope"}, 404, "model"),
                                # found by the fuzzer: these were echoed into the run unchecked
                                ({"assistant_id": a["id"], "response_format": True}, 400,
                                 "response_format"),
                                ({"assistant_id": a["id"], "reasoning_effort": 3}, 400,
                                 "reasoning_effort")]:
        got, err = app.call("POST", f"/v1/threads/{t['id']}/runs", json=body)
        assert (got, err["error"]["param"]) == (status, param)
        got, err = app.call("POST", "/v1/threads/runs", json={
            **body, "thread": {"messages": [{"role": "user", "content": "x"}]}})
        assert (got, err["error"]["param"]) == (status, param)
    got, err = app.call("POST", "/v1/threads/runs", json={
        "assistant_id": "asst_missing", "thread": {"messages": [{"role": "user",
                                                                 "content": "x"}]}})
    assert got == 404
    assert app.ok("GET", f"/v1/threads/{t['id']}/runs")["data"] == []
    run = app.ok("POST", f"/v1/threads/{t['id']}/runs", json={"assistant_id": a["id"]})
    assert app.call("POST", f"/v1/threads/{t['id']}/runs",
                    json={"assistant_id": a["id"]})[0] == 400  # one active run per thread
    waiting = _wait(app, t["id"], run["id"])
    assert waiting["status"] == "requires_action"
    cancelling = app.ok("POST", f"/v1/threads/{t['id']}/runs/{run['id']}/cancel")
    validate_response("cancelRun", cancelling)
    assert cancelling["status"] == "cancelling"
    cancelled = app.ok("GET", f"/v1/threads/{t['id']}/runs/{run['id']}")
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"] is not None
    steps = app.ok("GET", f"/v1/threads/{t['id']}/runs/{run['id']}/steps")["data"]
    assert [s["status"] for s in steps] == ["cancelled"]
    assert [m["role"] for m in app.ok("GET", f"/v1/threads/{t['id']}/messages")["data"]] == \
        ["user"]


def _check_event(name: str, data: dict) -> None:
    component = {"thread": "ThreadObject", "thread.run": "RunObject",
                 "thread.run.step": "RunStepObject", "thread.message": "MessageObject",
                 "thread.message.delta": "MessageDeltaObject"}[data["object"]]
    validate_component(component, data)
    assert name == data["object"] or name.startswith(data["object"] + ".")


def test_streamed_runs_play_to_the_next_stop(app: StubApp) -> None:
    a = _assistant(app, tools=[WEATHER])
    status, events = app.call("POST", "/v1/threads/runs", json={
        "assistant_id": a["id"], "stream": True,
        "thread": {"messages": [{"role": "user", "content": "weather in Lima?"}]}})
    assert status == 200
    for name, data in events:
        _check_event(name, data)
    names = [n for n, _ in events]
    assert names == ["thread.created", "thread.run.created", "thread.run.queued",
                     "thread.run.in_progress", "thread.run.step.created",
                     "thread.run.step.in_progress", "thread.run.requires_action"]
    run = events[-1][1]
    (call,) = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    status, events = app.call(
        "POST", f"/v1/threads/{run['thread_id']}/runs/{run['id']}/submit_tool_outputs",
        json={"stream": True, "tool_outputs": [{"tool_call_id": call["id"], "output": "9C"}]})
    assert status == 200
    for name, data in events:
        _check_event(name, data)
    names = [n for n, _ in events]
    assert names[0] == "thread.run.step.completed" and names[-1] == "thread.run.completed"
    deltas = "".join(d["delta"]["content"][0]["text"]["value"] for n, d in events
                     if n == "thread.message.delta")
    assert deltas == "reply to tool: 9C"
    done = app.ok("GET", f"/v1/threads/{run['thread_id']}/runs/{run['id']}")
    assert done["status"] == "completed"
    msgs = app.ok("GET", f"/v1/threads/{run['thread_id']}/messages")["data"]
    assert msgs[0]["content"][0]["text"]["value"] == deltas


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_tool_run_over_the_emulator_with_its_chat(flavor: str) -> None:
    h = EmuHTTP(flavor, job_step_seconds=0.02)

    def wait(tid: str, rid: str) -> dict:
        deadline = time.monotonic() + 5
        run = h.ok("GET", f"/threads/{tid}/runs/{rid}")
        while run["status"] in ("queued", "in_progress") and time.monotonic() < deadline:
            time.sleep(0.01)
            run = h.ok("GET", f"/threads/{tid}/runs/{rid}")
        validate_response("getRun", run)
        return run

    try:
        a = h.ok("POST", "/assistants", json={"model": "gpt-4o-mini", "tools": [WEATHER],
                                              "instructions": "You report the weather."})
        validate_response("createAssistant", a)
        run = h.ok("POST", "/threads/runs", json={"assistant_id": a["id"], "thread": {
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}]}})
        validate_response("createThreadAndRun", run)
        tid = run["thread_id"]
        run = wait(tid, run["id"])
        assert run["status"] == "requires_action"
        (call,) = run["required_action"]["submit_tool_outputs"]["tool_calls"]
        assert call["function"]["name"] == "get_weather" and "city" in call["function"]["arguments"]
        h.ok("POST", f"/threads/{tid}/runs/{run['id']}/submit_tool_outputs",
             json={"tool_outputs": [{"tool_call_id": call["id"], "output": "22C and sunny"}]})
        run = wait(tid, run["id"])
        assert run["status"] == "completed" and run["usage"]["total_tokens"] > 0
        msgs = h.ok("GET", f"/threads/{tid}/messages")
        validate_response("listMessages", msgs)
        assert msgs["data"][0]["role"] == "assistant"
        assert "22C and sunny" in msgs["data"][0]["content"][0]["text"]["value"]
        if flavor == "lowcodeapi":  # the Old path format names the parameters in the query
            old = h.ok("GET", "/threads/thread_id/messages/message_id",
                       params={"thread_id": tid, "message_id": msgs["data"][0]["id"]})
            assert old == msgs["data"][0]
        steps = h.ok("GET", f"/threads/{tid}/runs/{run['id']}/steps")
        validate_response("listRunSteps", steps)
        assert {s["type"] for s in steps["data"]} == {"tool_calls", "message_creation"}
        r = h.raw("POST", f"/threads/{tid}/runs", json={"assistant_id": a["id"], "stream": True,
                                                         "additional_messages": [
                                                             {"role": "user", "content": "Hi"}]})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        assert "event: thread.run.completed" in r.text
        assert r.text.rstrip().endswith("event: done\ndata: [DONE]")
        status, err = h.call("GET", f"/threads/{tid}/runs/run_missing")
        assert status == 404 and err["error"]["param"] == "run_id"
    finally:
        h.close()
