"""Runs and run steps of the Assistants API (their routes are listed in :mod:`._routes`).

A run's reply is made by the emulator's own chat route (``app.dispatch``) over the thread's
messages, with the assistant's (or the run's) model and instructions. Function tools are offered
to chat only when the run's ``tool_choice`` demands a tool, or (``auto``) when the last user
message shares a word with a function's name or description ("weather" for ``get_weather``);
chat then answers with a tool call and the run stops at ``requires_action`` until the outputs
are submitted, after which chat answers from them.

Schedule: ``queued`` for half a ``job_step_seconds``, ``in_progress`` until one step has passed,
then ``completed`` (reply message added), ``requires_action`` or ``failed``. The reply is
computed when the run is created (or the tool outputs submitted) and revealed on that schedule.
With ``stream: true`` (create, create-and-run, submit tool outputs) the run is played to its next
stop at once and answered as the Assistants event stream (``thread.run.created`` ...
``thread.message.delta`` ... ``thread.run.completed`` or ``thread.run.requires_action``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._errors import invalid, missing
from ._router import SSE, EmuRequest
from ._store import (
    Collection,
    check_metadata,
    list_page,
    opt_bool,
    opt_int,
    opt_number,
    opt_str,
    steps_elapsed,
)
from ._threads import (
    ACTIVE_RUN,
    add_message,
    assistant_record,
    check_reasoning_effort,
    check_response_format,
    check_tools,
    make_message,
    new_thread,
    threads,
)

__all__ = ["active_run", "advance_thread", "modify_thread_item", "read_thread_item", "run_status",
           "thread_item", "thread_record"]

_TERMINAL = ("cancelled", "failed", "completed", "incomplete", "expired")
_MAX_TOOL_ROUNDS = 5
_STOP = frozenset("the a an and or of to in on for with what whats is are me my you your please "
                  "get set can could would how about tell give show from this that it".split())


def run_status(rec: dict[str, Any]) -> str:
    return rec["obj"]["status"]


def _words(text: str) -> set[str]:
    out = set()
    for w in re.split(r"[^a-z0-9]+", text.lower()):
        if len(w) > 2 and w not in _STOP:
            out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


def _text_of(msg: dict[str, Any]) -> str:
    parts = []
    for part in msg["content"]:
        if part["type"] == "text":
            parts.append(part["text"]["value"])
        else:
            parts.append("[image]")
    return "\n".join(parts)


# -- thinking: one chat round through the emulator's own route ---------------------------------

def _wants_tools(rec: dict[str, Any], convo: list[dict[str, Any]]) -> bool:
    choice = rec["obj"]["tool_choice"]
    if choice == "none" or rec["rounds"] >= _MAX_TOOL_ROUNDS:
        return False
    if choice == "required" or isinstance(choice, dict):
        return convo[-1]["role"] != "tool"
    last_user = next((m for m in reversed(convo) if m["role"] in ("user", "tool")), None)
    if last_user is None or last_user["role"] == "tool":
        return last_user is not None  # keep the tools on offer after outputs come back
    said = _words(str(last_user["content"]))
    for tool in rec["obj"]["tools"]:
        if tool["type"] == "function":
            fn = tool["function"]
            if said & _words(fn["name"].replace("_", " ") + " " + str(fn.get("description", ""))):
                return True
    return False


def _think(app: Any, rec: dict[str, Any]) -> None:
    """Ask chat for the next move and keep it as the run's pending outcome."""
    obj = rec["obj"]
    convo = rec["convo"]
    body: dict[str, Any] = {"model": obj["model"], "messages": convo}
    fns = [t for t in obj["tools"] if t["type"] == "function"]
    if fns and _wants_tools(rec, convo):
        body["tools"] = [{"type": "function", "function": t["function"]} for t in fns]
        choice = obj["tool_choice"]
        if isinstance(choice, dict) and choice.get("type") == "function":
            body["tool_choice"] = {"type": "function", "function": dict(choice["function"])}
        elif choice == "required" and convo[-1]["role"] != "tool":
            body["tool_choice"] = "required"
        if obj["parallel_tool_calls"] is False:
            body["parallel_tool_calls"] = False
    rf = obj["response_format"]
    if isinstance(rf, dict) and rf.get("type") in ("json_object", "json_schema"):
        body["response_format"] = rf
    status, resp = app.dispatch("POST", "/v1/chat/completions", body)
    rec["rounds"] += 1
    if status != 200:
        err = resp.get("error") if isinstance(resp.get("error"), dict) else {}
        code = "rate_limit_exceeded" if status == 429 else \
            "server_error" if status >= 500 else "invalid_prompt"
        rec["pending"] = {"kind": "failed", "error": {
            "code": code, "message": err.get("message") or f"The model request failed ({status})."
        }}
        return
    usage = resp.get("usage") or {}
    rec["usage"] = {k: rec["usage"][k] + int(usage.get(k) or 0) for k in rec["usage"]}
    message = resp["choices"][0]["message"]
    step_usage = {k: int(usage.get(k) or 0)
                  for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
    if message.get("tool_calls"):
        calls = [{"id": c["id"], "type": "function",
                  "function": {"name": c["function"]["name"],
                               "arguments": c["function"]["arguments"]}}
                 for c in message["tool_calls"]]
        rec["pending"] = {"kind": "tools", "tool_calls": calls, "usage": step_usage}
    else:
        rec["pending"] = {"kind": "message", "text": message.get("content") or "",
                          "usage": step_usage}


def _step(app: Any, rec: dict[str, Any], kind: str, details: dict[str, Any], status: str,
          usage: dict[str, int] | None) -> dict[str, Any]:
    now = app.now()
    obj = rec["obj"]
    step = {"id": app.new_id("step_"), "object": "thread.run.step", "created_at": now,
            "assistant_id": obj["assistant_id"], "thread_id": obj["thread_id"],
            "run_id": obj["id"], "type": kind, "status": status, "step_details": details,
            "last_error": None, "expired_at": None, "cancelled_at": None, "failed_at": None,
            "completed_at": now if status == "completed" else None, "metadata": {},
            "usage": usage}
    rec["steps"].add(step["id"], step)
    return step


def _finish(app: Any, rec: dict[str, Any], status: str) -> None:
    obj = rec["obj"]
    obj["status"] = status
    obj["expires_at"] = None
    obj["required_action"] = None
    obj[{"completed": "completed_at", "failed": "failed_at",
         "cancelled": "cancelled_at"}[status]] = app.now()
    obj["usage"] = {**rec["usage"]}


def _advance(app: Any, thread: dict[str, Any], rec: dict[str, Any]) -> None:
    """Move one run along its schedule; apply its pending outcome when the time comes."""
    obj = rec["obj"]
    if obj["status"] == "cancelling":
        for step in rec["steps"].values():
            if step["status"] == "in_progress":
                step.update(status="cancelled", cancelled_at=app.now())
        _finish(app, rec, "cancelled")
        return
    if obj["status"] not in ("queued", "in_progress"):
        return
    e = steps_elapsed(app, rec["t0"])
    if e >= 0.5 and obj["started_at"] is None:
        obj["started_at"] = app.now()
    if e < 1:
        obj["status"] = "queued" if e < 0.5 else "in_progress"
        return
    pending, rec["pending"] = rec["pending"], None
    if pending["kind"] == "failed":
        obj["last_error"] = pending["error"]
        _finish(app, rec, "failed")
    elif pending["kind"] == "tools":
        obj["status"] = "requires_action"
        obj["required_action"] = {"type": "submit_tool_outputs",
                                  "submit_tool_outputs": {"tool_calls": pending["tool_calls"]}}
        rec["tool_step"] = _step(app, rec, "tool_calls", {"type": "tool_calls", "tool_calls": [
            {**c, "function": {**c["function"], "output": None}}
            for c in pending["tool_calls"]]}, "in_progress", None)
        rec["tool_step_usage"] = pending["usage"]
    else:
        msg = {"id": "", "object": "thread.message", "created_at": app.now(),
               "thread_id": obj["thread_id"], "status": "completed",
               "incomplete_details": None, "completed_at": app.now(), "incomplete_at": None,
               "role": "assistant",
               "content": [{"type": "text", "text": {"value": pending["text"],
                                                     "annotations": []}}],
               "assistant_id": obj["assistant_id"], "run_id": obj["id"], "attachments": [],
               "metadata": {}}
        add_message(app, thread, msg)
        _step(app, rec, "message_creation", {"type": "message_creation",
                                             "message_creation": {"message_id": msg["id"]}},
              "completed", pending["usage"])
        _finish(app, rec, "completed")


def advance_thread(app: Any, thread: dict[str, Any]) -> None:
    for rec in thread["runs"].values():
        if rec["obj"]["status"] in ("queued", "in_progress", "cancelling"):
            _advance(app, thread, rec)


# -- creating runs ------------------------------------------------------------------------------

def thread_record(app: Any, thread_id: str) -> dict[str, Any]:
    """The thread's record with its runs brought up to date (call under ``app.lock``)."""
    thread = threads(app).need(thread_id, "thread", param="thread_id")
    advance_thread(app, thread)
    return thread


def active_run(app: Any, thread: dict[str, Any]) -> dict[str, Any] | None:
    """The thread's run that is still going, or None."""
    return next((r for r in thread["runs"].values() if run_status(r) in ACTIVE_RUN), None)


def _tool_choice(value: Any, tools: list[dict[str, Any]]) -> Any:
    if value is None:
        return "auto"
    if value in ("none", "auto", "required"):
        return value
    if isinstance(value, dict) and value.get("type") in ("file_search", "code_interpreter"):
        return {"type": value["type"]}
    if isinstance(value, dict) and value.get("type") == "function":
        name = (value.get("function") or {}).get("name")
        if not any(t["type"] == "function" and t["function"]["name"] == name for t in tools):
            raise invalid(f"Invalid 'tool_choice': function {name!r} is not one of the run's "
                          "tools.", param="tool_choice")
        return {"type": "function", "function": {"name": name}}
    raise invalid("Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a "
                  "named tool.", param="tool_choice", code="invalid_value")


def _run_params(app: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Check a run create body against the assistant; everything a run needs, nothing stored."""
    stream = opt_bool(body, "stream") or False
    assistant = assistant_record(app, body.get("assistant_id"))
    model = body.get("model") or assistant["model"]
    if body.get("model") is not None:
        app.require_model(model, ("chat",))
    instructions = opt_str(body, "instructions")
    if instructions is None:
        instructions = assistant.get("instructions") or ""
    extra = opt_str(body, "additional_instructions")
    if extra:
        instructions = f"{instructions}\n\n{extra}" if instructions else extra
    tools = check_tools(body["tools"], max_items=20) if body.get("tools") is not None \
        else [dict(t) for t in assistant["tools"]]
    for name in ("max_prompt_tokens", "max_completion_tokens"):
        opt_int(body, name, 256, None)
    trunc = body.get("truncation_strategy") or {"type": "auto", "last_messages": None}
    if not isinstance(trunc, dict) or trunc.get("type") not in ("auto", "last_messages") or (
            trunc.get("last_messages") is not None and (not isinstance(trunc["last_messages"], int)
                                                        or trunc["last_messages"] < 1)):
        raise invalid("Invalid 'truncation_strategy': expected type 'auto' or 'last_messages' "
                      "with last_messages >= 1.", param="truncation_strategy")
    temperature = opt_number(body, "temperature", 0, 2)
    top_p = opt_number(body, "top_p", 0, 1)
    parallel = opt_bool(body, "parallel_tool_calls")
    # Checked like the assistant's own (junk such as `true` was echoed into the run object).
    rf = (check_response_format(body["response_format"]) if "response_format" in body
          else assistant.get("response_format", "auto"))
    effort = check_reasoning_effort(body)
    extra_msgs = body.get("additional_messages") or []
    if not isinstance(extra_msgs, list):
        raise invalid("Invalid type for 'additional_messages': expected an array.",
                      param="additional_messages")
    return {
        "assistant": assistant, "model": model, "instructions": instructions, "tools": tools,
        "tool_choice": _tool_choice(body.get("tool_choice"), tools),
        "metadata": check_metadata(body.get("metadata")),
        "temperature": temperature if temperature is not None else assistant["temperature"],
        "top_p": top_p if top_p is not None else assistant["top_p"],
        "max_prompt_tokens": body.get("max_prompt_tokens"),
        "max_completion_tokens": body.get("max_completion_tokens"),
        "truncation_strategy": {"type": trunc["type"],
                                "last_messages": trunc.get("last_messages")},
        "parallel_tool_calls": True if parallel is None else parallel,
        "response_format": rf if rf is not None else "auto",
        "additional_messages": extra_msgs,
        "reasoning_effort": effort, "stream": stream,
    }


def _start_run(app: Any, thread: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    """Create the run on ``thread`` (under the lock; parameters already checked)."""
    tid = thread["obj"]["id"]
    busy = active_run(app, thread)
    if busy is not None:
        raise invalid(f"Thread {tid} already has an active run {busy['obj']['id']}.",
                      param="thread_id")
    extra = [make_message(app, tid, m, f"additional_messages[{i}].")
             for i, m in enumerate(p["additional_messages"])]
    for m in extra:
        add_message(app, thread, m)
    now = app.now()
    obj = {
        "id": app.new_id("run_"), "object": "thread.run", "created_at": now, "thread_id": tid,
        "assistant_id": p["assistant"]["id"], "status": "queued", "required_action": None,
        "last_error": None, "expires_at": now + 600, "started_at": None, "cancelled_at": None,
        "failed_at": None, "completed_at": None, "incomplete_details": None,
        "model": p["model"], "instructions": p["instructions"], "tools": p["tools"],
        "metadata": p["metadata"], "usage": None, "temperature": p["temperature"],
        "top_p": p["top_p"], "max_prompt_tokens": p["max_prompt_tokens"],
        "max_completion_tokens": p["max_completion_tokens"],
        "truncation_strategy": p["truncation_strategy"], "tool_choice": p["tool_choice"],
        "parallel_tool_calls": p["parallel_tool_calls"], "response_format": p["response_format"],
    }
    if p["reasoning_effort"] is not None:
        obj["reasoning_effort"] = p["reasoning_effort"]
    msgs = thread["messages"].values()
    last_n = p["truncation_strategy"]["last_messages"]
    if last_n:
        msgs = msgs[-last_n:]
    convo = [{"role": "system", "content": p["instructions"]}] if p["instructions"] else []
    convo += [{"role": m["role"], "content": _text_of(m)} for m in msgs]
    rec = {"obj": obj, "t0": app.monotonic(), "convo": convo, "pending": None, "rounds": 0,
           "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
           "steps": Collection()}
    _think(app, rec)
    thread["runs"].add(obj["id"], rec)
    return rec


def _public(rec: dict[str, Any]) -> dict[str, Any]:
    return dict(rec["obj"])


def _pieces(text: str, n: int = 8) -> list[str]:
    words = text.split(" ")
    size = max(1, -(-len(words) // n))
    return [(" " if i else "") + " ".join(words[i:i + size]) for i in range(0, len(words), size)]


def _play(app: Any, thread: dict[str, Any], rec: dict[str, Any],
          head: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """Play a streamed run to its next stop now (under the lock) and return its events."""
    events = list(head)
    events.append(("thread.run.queued", _public(rec)))
    before = set(rec["steps"].items)
    rec["t0"] = float("-inf")  # the schedule is over: stream the outcome at once
    obj = rec["obj"]
    obj["started_at"] = obj["started_at"] or app.now()
    events.append(("thread.run.in_progress", {**_public(rec), "status": "in_progress"}))
    _advance(app, thread, rec)
    for step_id in [k for k in rec["steps"].items if k not in before]:
        step = rec["steps"].items[step_id]
        opening = {**step, "status": "in_progress", "completed_at": None, "usage": None}
        events += [("thread.run.step.created", opening), ("thread.run.step.in_progress", opening)]
        if step["type"] == "message_creation":
            msg = thread["messages"].items[step["step_details"]["message_creation"]["message_id"]]
            start = {**msg, "status": "in_progress", "completed_at": None, "content": []}
            events += [("thread.message.created", start), ("thread.message.in_progress", start)]
            for piece in _pieces(msg["content"][0]["text"]["value"]):
                events.append(("thread.message.delta", {
                    "id": msg["id"], "object": "thread.message.delta", "delta": {"content": [
                        {"index": 0, "type": "text", "text": {"value": piece,
                                                              "annotations": []}}]}}))
            events.append(("thread.message.completed", dict(msg)))
            events.append(("thread.run.step.completed", dict(step)))
    name = {"requires_action": "thread.run.requires_action", "failed": "thread.run.failed",
            "completed": "thread.run.completed"}.get(obj["status"], "thread.run.in_progress")
    events.append((name, _public(rec)))
    return events


def create_run(req: EmuRequest) -> dict[str, Any] | SSE:
    app = req.app
    body = req.json()
    with app.lock:
        thread = thread_record(app, req.path_params["thread_id"])
        params = _run_params(app, body)
        rec = _start_run(app, thread, params)
        if params["stream"]:
            return SSE(iter(_play(app, thread, rec, [("thread.run.created", _public(rec))])),
                       named=True)
        return _public(rec)


def create_thread_and_run(req: EmuRequest) -> dict[str, Any] | SSE:
    app = req.app
    body = req.json()
    spec = body.get("thread") or {}
    if not isinstance(spec, dict):
        raise invalid("Invalid type for 'thread': expected an object.", param="thread")
    with app.lock:
        params = _run_params(app, body)
        thread = new_thread(app, spec)
        rec = _start_run(app, thread, params)
        if params["stream"]:
            head = [("thread.created", dict(thread["obj"])), ("thread.run.created", _public(rec))]
            return SSE(iter(_play(app, thread, rec, head)), named=True)
        return _public(rec)


def list_runs(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        thread = thread_record(req.app, req.path_params["thread_id"])
        return list_page(thread["runs"], req.query, _public)


def thread_item(req: EmuRequest, kind: str) -> dict[str, Any]:
    """The thread's ``message`` or ``run`` named by the path (``{kind}_id``), or a 404; call
    under ``app.lock``."""
    thread = thread_record(req.app, req.path_params["thread_id"])
    param = f"{kind}_id"
    return thread[f"{kind}s"].need(req.path_params[param], kind, param=param)


def read_thread_item(req: EmuRequest, kind: str,
                     render: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """The GET route of a thread's ``message`` or ``run``: the rendered record."""
    with req.app.lock:
        return render(thread_item(req, kind))


def modify_thread_item(req: EmuRequest, kind: str,
                       render: Callable[[dict[str, Any]], dict[str, Any]],
                       obj_of: Callable[[dict[str, Any]], dict[str, Any]] = lambda rec: rec,
                       ) -> dict[str, Any]:
    """The modify route of a thread's ``message`` or ``run``: only ``metadata`` changes (on
    ``obj_of(record)``, the public object); returns the rendered record."""
    body = req.json()
    with req.app.lock:
        rec = thread_item(req, kind)
        if "metadata" in body:
            obj_of(rec)["metadata"] = check_metadata(body.get("metadata"))
        return render(rec)


def _run(req: EmuRequest) -> dict[str, Any]:
    return thread_item(req, "run")


def get_run(req: EmuRequest) -> dict[str, Any]:
    return read_thread_item(req, "run", _public)


def modify_run(req: EmuRequest) -> dict[str, Any]:
    return modify_thread_item(req, "run", _public, obj_of=lambda rec: rec["obj"])


def cancel_run(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        rec = _run(req)
        status = run_status(rec)
        if status not in ACTIVE_RUN or status == "cancelling":
            raise invalid(f"Cannot cancel run with status '{status}'.", param="run_id",
                          code="invalid_run_status")
        rec["obj"]["status"] = "cancelling"
        rec["pending"] = None
        return _public(rec)


def submit_tool_outputs(req: EmuRequest) -> dict[str, Any] | SSE:
    app = req.app
    body = req.json()
    stream = opt_bool(body, "stream") or False
    outputs = body.get("tool_outputs")
    if outputs is None:
        raise missing("tool_outputs")
    if not isinstance(outputs, list) or not all(
            isinstance(o, dict) and isinstance(o.get("tool_call_id"), str) for o in outputs):
        raise invalid("Invalid 'tool_outputs': expected an array of objects with "
                      "'tool_call_id' and 'output'.", param="tool_outputs")
    with app.lock:
        rec = _run(req)
        obj = rec["obj"]
        if obj["status"] != "requires_action":
            raise invalid(f"Runs in status \"{obj['status']}\" do not accept tool outputs.",
                          param="run_id", code="invalid_run_status")
        calls = obj["required_action"]["submit_tool_outputs"]["tool_calls"]
        expected = [c["id"] for c in calls]
        got = [o["tool_call_id"] for o in outputs]
        if sorted(expected) != sorted(got):
            raise invalid(f"Expected tool outputs for call_ids {expected}, got {got}.",
                          param="tool_outputs", code="invalid_tool_outputs")
        by_id = {o["tool_call_id"]: str(o.get("output") or "") for o in outputs}
        rec["convo"].append({"role": "assistant", "content": None, "tool_calls": [
            {"id": c["id"], "type": "function", "function": dict(c["function"])}
            for c in calls]})
        rec["convo"] += [{"role": "tool", "tool_call_id": cid, "content": by_id[cid]}
                         for cid in expected]
        step = rec["tool_step"]
        for call in step["step_details"]["tool_calls"]:
            call["function"]["output"] = by_id.get(call["id"])
        step.update(status="completed", completed_at=app.now(), usage=rec["tool_step_usage"])
        obj.update(status="queued", required_action=None)
        rec["t0"] = app.monotonic()
        _think(app, rec)
        if stream:
            thread = thread_record(app, req.path_params["thread_id"])
            return SSE(iter(_play(app, thread, rec, [("thread.run.step.completed", dict(step))])),
                       named=True)
        return _public(rec)


# -- steps --------------------------------------------------------------------------------------

def list_run_steps(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return list_page(_run(req)["steps"], req.query, dict)


def get_run_step(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return dict(_run(req)["steps"].need(req.path_params["step_id"], "run step",
                                            param="step_id"))
