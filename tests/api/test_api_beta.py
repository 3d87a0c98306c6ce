"""beta.assistants / threads / messages / runs / steps: shapes, the v2 header, polling helpers."""

from __future__ import annotations

import asyncio

import pytest
from _fake_requester import FakeRequester, render_path
from _schema import validate_request

from lcoai_notebook.api.beta import Beta

EMPTY_LIST = {"object": "list", "data": [], "has_more": False, "first_id": None, "last_id": None}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                                           "parameters": {"type": "object", "properties": {
                                               "city": {"type": "string"}}}}}]


def run_obj(status="queued", **extra):
    return {"id": "run_1", "object": "thread.run", "thread_id": "thread_1", "status": status,
            **extra}


def answer(spec):
    if spec.method == "GET" and (spec.path.endswith(("/messages", "/runs", "/steps"))
                                 or spec.path == "/assistants"):
        return EMPTY_LIST
    if "/runs" in spec.path:
        return run_obj()
    return {"id": "obj_1", "object": "x"}


def beta(handler=answer, is_async=False):
    req = FakeRequester(handler, is_async=is_async)
    return Beta(req), req


def test_every_call_sends_the_v2_header_and_fills_its_path():
    b, req = beta()
    calls = [
        (lambda: b.assistants.create(model="gpt-4o-mini", name="A", tools=TOOLS),
         "POST", "/assistants", "createAssistant"),
        (lambda: b.assistants.retrieve("asst_1"), "GET", "/assistants/asst_1", None),
        (lambda: b.assistants.update("asst_1", name="B", instructions="Be brief"),
         "POST", "/assistants/asst_1", "modifyAssistant"),
        (lambda: list(b.assistants.list(limit=5, order="asc")), "GET", "/assistants", None),
        (lambda: b.assistants.delete("asst_1"), "DELETE", "/assistants/asst_1", None),
        (lambda: b.threads.create(messages=[{"role": "user", "content": "hi"}]),
         "POST", "/threads", "createThread"),
        (lambda: b.threads.retrieve("thread_1"), "GET", "/threads/thread_1", None),
        (lambda: b.threads.update("thread_1", metadata={"k": "v"}), "POST", "/threads/thread_1",
         "modifyThread"),
        (lambda: b.threads.delete("thread_1"), "DELETE", "/threads/thread_1", None),
        (lambda: b.threads.create_and_run(assistant_id="asst_1", thread={
            "messages": [{"role": "user", "content": "hi"}]}), "POST", "/threads/runs",
         "createThreadAndRun"),
        (lambda: b.threads.messages.create("thread_1", role="user", content="Weather?"),
         "POST", "/threads/thread_1/messages", "createMessage"),
        (lambda: b.threads.messages.retrieve("msg_1", thread_id="thread_1"), "GET",
         "/threads/thread_1/messages/msg_1", None),
        (lambda: b.threads.messages.update("msg_1", thread_id="thread_1", metadata={"a": "b"}),
         "POST", "/threads/thread_1/messages/msg_1", "modifyMessage"),
        (lambda: list(b.threads.messages.list("thread_1", run_id="run_1")), "GET",
         "/threads/thread_1/messages", None),
        (lambda: b.threads.messages.delete("msg_1", thread_id="thread_1"), "DELETE",
         "/threads/thread_1/messages/msg_1", None),
        (lambda: b.threads.runs.create("thread_1", assistant_id="asst_1", temperature=0.2),
         "POST", "/threads/thread_1/runs", "createRun"),
        (lambda: b.threads.runs.retrieve("run_1", thread_id="thread_1"), "GET",
         "/threads/thread_1/runs/run_1", None),
        (lambda: b.threads.runs.update("run_1", thread_id="thread_1", metadata={"a": "b"}),
         "POST", "/threads/thread_1/runs/run_1", "modifyRun"),
        (lambda: list(b.threads.runs.list("thread_1")), "GET", "/threads/thread_1/runs", None),
        (lambda: b.threads.runs.cancel("run_1", thread_id="thread_1"), "POST",
         "/threads/thread_1/runs/run_1/cancel", None),
        (lambda: b.threads.runs.submit_tool_outputs(
            "run_1", thread_id="thread_1", tool_outputs=[{"tool_call_id": "call_1",
                                                          "output": "sunny"}]),
         "POST", "/threads/thread_1/runs/run_1/submit_tool_outputs", "submitToolOuputsToRun"),
        (lambda: list(b.threads.runs.steps.list("run_1", thread_id="thread_1")), "GET",
         "/threads/thread_1/runs/run_1/steps", None),
        (lambda: b.threads.runs.steps.retrieve("step_1", thread_id="thread_1", run_id="run_1"),
         "GET", "/threads/thread_1/runs/run_1/steps/step_1", None),
    ]
    for call, method, path, op in calls:
        before = len(req.specs)
        call()
        assert len(req.specs) == before + 1, path
        spec = req.specs[-1]
        assert (spec.method, render_path(spec)) == (method, path)
        assert spec.headers["OpenAI-Beta"] == "assistants=v2", path
        assert "{" not in render_path(spec)
        if op:
            validate_request(op, spec.json)
        else:
            assert spec.json is None, path


def test_list_queries():
    b, req = beta()
    list(b.threads.messages.list("thread_1", limit=3, order="desc", after="msg_9",
                                 run_id="run_1"))
    assert req.specs[0].query == {"limit": 3, "order": "desc", "after": "msg_9",
                                  "run_id": "run_1"}
    with pytest.raises(ValueError, match="order"):
        b.assistants.list(order="newest")


def test_extra_headers_merge_with_the_beta_header():
    b, req = beta()
    b.assistants.retrieve("asst_1", extra_headers={"X-Emulator-Fault": "latency=0"})
    assert req.specs[0].headers == {"OpenAI-Beta": "assistants=v2",
                                    "X-Emulator-Fault": "latency=0"}


@pytest.mark.parametrize("call, exc, match", [
    (lambda b: b.assistants.create(model=""), TypeError, "model"),
    (lambda b: b.assistants.create(model="m", tools=[{"type": "web"}]), ValueError, "tools"),
    (lambda b: b.assistants.create(model="m", tools="function"), TypeError, "tools"),
    (lambda b: b.threads.messages.create("thread_1", role="system", content="x"),
     ValueError, "role"),
    (lambda b: b.threads.messages.create("thread_1", role="user", content=5), TypeError,
     "content"),
    (lambda b: b.threads.messages.retrieve("msg_1", thread_id=""), ValueError, "thread_id"),
    (lambda b: b.threads.runs.create("thread_1", assistant_id=""), ValueError, "assistant_id"),
    (lambda b: b.threads.runs.submit_tool_outputs("run_1", thread_id="t", tool_outputs=[]),
     TypeError, "tool_outputs"),
    (lambda b: b.threads.runs.submit_tool_outputs("run_1", thread_id="t", tool_outputs=[
        {"tool_call_id": "c", "output": {"t": 1}}]), TypeError, "output"),
    (lambda b: b.threads.runs.steps.retrieve("step_1", thread_id="t", run_id="a/b"),
     ValueError, "run_id"),
    (lambda b: b.threads.create(messages="hi"), TypeError, "messages"),
    (lambda b: b.threads.create_and_run(assistant_id="a", thread="t"), TypeError, "thread"),
    (lambda b: b.assistants.list(limit=101), ValueError, "limit must be an integer from 1 to 100"),
    (lambda b: b.threads.runs.steps.list("run_1", thread_id="t", limit=500), ValueError,
     "from 1 to 100, got 500"),
])
def test_bad_arguments_are_refused_before_sending(call, exc, match):
    b, req = beta()
    with pytest.raises(exc, match=match):
        call(b)
    assert req.specs == []


def test_stream_flag_sets_the_spec_and_body():
    b, req = beta(lambda spec: [{"id": "run_1", "object": "thread.run", "status": "queued"}])
    events = b.threads.runs.create("thread_1", assistant_id="asst_1", stream=True)
    assert events[0].status == "queued"
    assert req.specs[0].stream and req.specs[0].json["stream"] is True


def statuses(*seq):
    seen = []

    def handler(spec):
        seen.append(spec)
        return run_obj(seq[min(len(seen) - 1, len(seq) - 1)])

    return handler


def test_create_and_poll_stops_at_requires_action():
    b, req = beta(statuses("queued", "in_progress", "requires_action"))
    run = b.threads.runs.create_and_poll(thread_id="thread_1", assistant_id="asst_1",
                                         poll_interval=0.001, extra_headers={"X-T": "1"})
    assert run.status == "requires_action"
    assert [s.method for s in req.specs] == ["POST", "GET", "GET"]
    assert render_path(req.specs[1]) == "/threads/thread_1/runs/run_1"
    assert all(s.headers.get("X-T") == "1" for s in req.specs)


def test_create_and_poll_returns_at_once_when_already_done():
    b, req = beta(statuses("completed"))
    assert b.threads.runs.create_and_poll(thread_id="thread_1", assistant_id="a").status == \
        "completed"
    assert len(req.specs) == 1


def test_submit_tool_outputs_and_poll_async():
    b, req = beta(statuses("queued", "completed"), is_async=True)

    async def main():
        return await b.threads.runs.submit_tool_outputs_and_poll(
            tool_outputs=[{"tool_call_id": "call_1", "output": "sunny"}], run_id="run_1",
            thread_id="thread_1", poll_interval_ms=1)

    assert asyncio.run(main()).status == "completed"
    assert [s.method for s in req.specs] == ["POST", "GET"]


def test_create_and_run_poll_uses_the_new_threads_id():
    b, req = beta(statuses("queued", "completed"))
    run = b.threads.create_and_run_poll(assistant_id="asst_1", poll_interval=0.001)
    assert run.status == "completed"
    assert render_path(req.specs[1]) == "/threads/thread_1/runs/run_1"


def test_poll_timeout():
    b, _ = beta(statuses("in_progress"))
    with pytest.raises(TimeoutError, match="run run_1 is still 'in_progress'"):
        b.threads.runs.poll("run_1", thread_id="thread_1", poll_interval=0.01, timeout=0.03)


# -- end to end, against the emulator ---------------------------------------------------------

from lcoai_notebook._exceptions import NotFoundError  # noqa: E402
from lcoai_notebook.emulator import Emulator  # noqa: E402

WEATHER = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}]


def _tool_outputs(run):
    assert run.status == "requires_action"
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert calls and calls[0].function.name == "get_weather"
    return [{"tool_call_id": c.id, "output": "18C and sunny"} for c in calls]


@pytest.mark.parametrize("url_format", ["new", "old"])
def test_e2e_function_tool_run_requires_action_then_completes(url_format):
    with Emulator(job_step_seconds=0.01).client(url_format=url_format) as client:
        asst = client.beta.assistants.create(model="gpt-4o-mini", name="Weather",
                                             instructions="Use the tool.", tools=WEATHER)
        thread = client.beta.threads.create()
        client.beta.threads.messages.create(thread.id, role="user",
                                            content="What is the weather in Paris?")
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id,
                                                       assistant_id=asst.id,
                                                       poll_interval=0.01, timeout=10)
        outputs = _tool_outputs(run)
        run = client.beta.threads.runs.submit_tool_outputs_and_poll(
            tool_outputs=outputs, run_id=run.id, thread_id=thread.id, poll_interval=0.01,
            timeout=10)
        assert run.status == "completed"
        messages = list(client.beta.threads.messages.list(thread.id, order="asc"))
        assert [m.role for m in messages] == ["user", "assistant"]
        assert messages[1].run_id == run.id and "sunny" in messages[1].content[0].text.value
        steps = list(client.beta.threads.runs.steps.list(run.id, thread_id=thread.id))
        assert {s.type for s in steps} == {"tool_calls", "message_creation"}
        assert client.beta.threads.runs.steps.retrieve(
            steps[0].id, thread_id=thread.id, run_id=run.id).id == steps[0].id
        assert [r.id for r in client.beta.threads.runs.list(thread.id)] == [run.id]
        assert client.beta.assistants.delete(asst.id).deleted is True
        assert client.beta.threads.delete(thread.id).deleted is True
        with pytest.raises(NotFoundError):
            client.beta.threads.retrieve(thread.id)


def test_e2e_async_assistant_flow_and_crud():
    emu = Emulator(job_step_seconds=0.01)

    async def main():
        async with emu.async_client() as client:
            asst = await client.beta.assistants.create(model="gpt-4o-mini", tools=WEATHER)
            asst2 = await client.beta.assistants.update(asst.id, name="Renamed")
            run = await client.beta.threads.create_and_run_poll(
                assistant_id=asst.id, poll_interval=0.01, timeout=10,
                thread={"messages": [{"role": "user", "content": "Weather in Oslo?"}]})
            run = await client.beta.threads.runs.submit_tool_outputs_and_poll(
                tool_outputs=_tool_outputs(run), run_id=run.id, thread_id=run.thread_id,
                poll_interval=0.01, timeout=10)
            msgs = [m async for m in client.beta.threads.messages.list(run.thread_id)]
            names = [a.name async for a in client.beta.assistants.list(limit=1)]
            return asst2, run, msgs, names

    asst2, run, msgs, names = asyncio.run(main())
    assert asst2.name == "Renamed" and names == ["Renamed"]
    assert run.status == "completed"
    assert msgs[0].role == "assistant" and msgs[-1].role == "user"  # newest first


def test_e2e_run_without_tools_update_and_cancel():
    with Emulator(job_step_seconds=0.01).client() as client:
        asst = client.beta.assistants.create(model="gpt-4o-mini", instructions="Be brief.")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=asst.id,
                                                       poll_interval=0.01, timeout=10)
        assert run.status == "completed"
        reply = client.beta.threads.messages.list(thread.id, limit=1).data[0]
        assert reply.role == "assistant" and reply.content[0].text.value
        msg = client.beta.threads.messages.update(reply.id, thread_id=thread.id,
                                                  metadata={"seen": "yes"})
        assert msg.metadata.seen == "yes"
    with Emulator(job_step_seconds=0.2).client() as client:
        asst = client.beta.assistants.create(model="gpt-4o-mini")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
        run = client.beta.threads.runs.create(thread.id, assistant_id=asst.id)
        assert run.status == "queued"
        cancelled = client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
        assert cancelled.status in ("cancelling", "cancelled")
        final = client.beta.threads.runs.poll(run.id, thread_id=thread.id, poll_interval=0.02,
                                              timeout=5)
        assert final.status == "cancelled"
        assert [m.role for m in client.beta.threads.messages.list(thread.id)] == ["user"]


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_e2e_the_v2_header_reaches_the_wire(flavor):
    import httpx

    import lcoai_notebook as lco

    emu = Emulator(flavor=flavor)
    inner = emu.transport()
    seen = []

    def handler(request):
        seen.append((request.url.path, request.headers.get("openai-beta")))
        return inner.handle_request(request)

    client = lco.Client(api_token=emu.api_token, base_url=emu.inprocess_url, flavor=flavor,
                        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
                        owns_http_client=True)
    with client:
        asst = client.beta.assistants.create(model="gpt-4o-mini")
        list(client.beta.assistants.list())
        store = client.vector_stores.create(name="s")
        client.vector_stores.delete(store.id)
        client.beta.assistants.delete(asst.id)
        client.models.list()
    assert len(seen) == 6
    assert all(value == "assistants=v2" for _, value in seen[:5]), seen
    assert seen[5][1] is None  # only the Assistants family carries it


def test_e2e_list_before_walks_back_through_every_page():
    with Emulator(flavor="openai").client() as client:
        ids = [client.beta.assistants.create(model="gpt-4o-mini", name=f"a{i}").id
               for i in range(25)]
        # Ascending order, before the newest: the 24 older assistants, each exactly once.
        got = [a.id for a in client.beta.assistants.list(order="asc", before=ids[-1], limit=10)]
        assert sorted(got) == sorted(ids[:-1]) and len(got) == 24
