"""Assistants, threads and messages (the Assistants API, v2 shapes).

What these are made of lives in :mod:`._threads`; runs and run steps in :mod:`._runs`. The
emulator does not require the ``OpenAI-Beta`` header. A thread's record holds its
messages and runs; every route that reads a thread first brings its runs up to date
(:func:`thread_record`), so a finished run's reply is in the thread whatever is read next.
"""

from __future__ import annotations

from typing import Any

from . import _threads
from ._errors import invalid
from ._router import EmuRequest
from ._runs import active_run, modify_thread_item, read_thread_item, thread_item, thread_record
from ._store import check_metadata, list_page, opt_number, opt_str
from ._threads import (
    add_message,
    assistant_record,
    assistants,
    make_message,
    new_thread,
    threads,
    tool_resources,
)

__all__ = ["create_assistant", "create_message", "create_thread", "delete_assistant",
           "delete_message", "delete_thread", "get_assistant", "get_message", "get_thread",
           "list_assistants", "list_messages", "modify_assistant", "modify_message",
           "modify_thread"]

def _assistant_fields(app: Any, body: dict[str, Any], creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if creating or "model" in body:
        model = body.get("model")
        app.require_model(model, ("chat",))
        out["model"] = model
    for name, limit in (("name", 256), ("description", 512), ("instructions", 256000)):
        if name in body:
            out[name] = opt_str(body, name, max_len=limit)
    if "tools" in body:
        out["tools"] = _threads.check_tools(body.get("tools"))
    if "tool_resources" in body:
        out["tool_resources"] = tool_resources(body.get("tool_resources"))
    if "metadata" in body:
        out["metadata"] = check_metadata(body.get("metadata"))
    if "temperature" in body:
        t = opt_number(body, "temperature", 0, 2)
        out["temperature"] = 1.0 if t is None else t
    if "top_p" in body:
        t = opt_number(body, "top_p", 0, 1)
        out["top_p"] = 1.0 if t is None else t
    if "response_format" in body:
        out["response_format"] = _threads.check_response_format(body.get("response_format"))
    effort = _threads.check_reasoning_effort(body)
    if effort is not None:
        out["reasoning_effort"] = effort
    return out


def create_assistant(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    fields = _assistant_fields(app, req.json(), creating=True)
    with app.lock:
        obj = {"id": app.new_id("asst_"), "object": "assistant", "created_at": app.now(),
               "name": None, "description": None, "model": fields["model"],
               "instructions": None, "tools": [], "tool_resources": {}, "metadata": {},
               "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
        obj.update(fields)
        assistants(app).add(obj["id"], obj)
        return dict(obj)


def list_assistants(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return list_page(assistants(req.app), req.query, dict)


def get_assistant(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return dict(assistant_record(req.app, req.path_params["assistant_id"]))


def modify_assistant(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    body = req.json()
    with app.lock:
        obj = assistant_record(app, req.path_params["assistant_id"])
        obj.update(_assistant_fields(app, body, creating=False))
        return dict(obj)


def delete_assistant(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        obj = assistant_record(req.app, req.path_params["assistant_id"])
        assistants(req.app).pop(obj["id"])
    return {"id": obj["id"], "object": "assistant.deleted", "deleted": True}


# -- threads ------------------------------------------------------------------------------------

def create_thread(req: EmuRequest) -> dict[str, Any]:
    body = req.json() if req.body else {}
    with req.app.lock:
        return dict(new_thread(req.app, body)["obj"])


def get_thread(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return dict(thread_record(req.app, req.path_params["thread_id"])["obj"])


def modify_thread(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    with req.app.lock:
        obj = thread_record(req.app, req.path_params["thread_id"])["obj"]
        update = {}
        if "metadata" in body:
            update["metadata"] = check_metadata(body.get("metadata"))
        if "tool_resources" in body:
            update["tool_resources"] = tool_resources(body.get("tool_resources"))
        obj.update(update)
        return dict(obj)


def delete_thread(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        thread = thread_record(req.app, req.path_params["thread_id"])
        threads(req.app).pop(thread["obj"]["id"])
    return {"id": thread["obj"]["id"], "object": "thread.deleted", "deleted": True}


# -- messages -----------------------------------------------------------------------------------

def create_message(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    body = req.json()
    with app.lock:
        thread = thread_record(app, req.path_params["thread_id"])
        run = active_run(app, thread)
        if run is not None:
            raise invalid(f"Can't add messages to {thread['obj']['id']} while a run "
                          f"{run['obj']['id']} is active.", param="thread_id")
        msg = make_message(app, thread["obj"]["id"], body)
        return dict(add_message(app, thread, msg))


def list_messages(req: EmuRequest) -> dict[str, Any]:
    run_id = req.query.get("run_id") or None
    with req.app.lock:
        thread = thread_record(req.app, req.path_params["thread_id"])
        return list_page(thread["messages"], req.query, dict,
                         include=(lambda m: m["run_id"] == run_id) if run_id else None)


def get_message(req: EmuRequest) -> dict[str, Any]:
    return read_thread_item(req, "message", dict)


def modify_message(req: EmuRequest) -> dict[str, Any]:
    return modify_thread_item(req, "message", dict)


def delete_message(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        msg = thread_item(req, "message")
        thread_record(req.app, req.path_params["thread_id"])["messages"].pop(msg["id"])
    return {"id": msg["id"], "object": "thread.message.deleted", "deleted": True}

