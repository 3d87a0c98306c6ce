"""Assistants, threads and messages (the Assistants API, v2 shapes).

Runs and run steps live in :mod:`._runs` (imported at the bottom so its routes register with
these). The emulator does not require the ``OpenAI-Beta`` header. A thread's record holds its
messages and runs; every route that reads a thread first brings its runs up to date
(:func:`thread_record`), so a finished run's reply is in the thread whatever is read next.
"""

from __future__ import annotations

import re
from typing import Any

from ._errors import invalid, missing
from ._files import need_file
from ._router import EmuRequest, route
from ._store import Collection, check_metadata, collection, list_page, opt_number, opt_str

__all__ = ["ACTIVE_RUN", "assistant_record", "check_reasoning_effort", "check_response_format",
           "check_tools", "make_message", "message_parts", "thread_record"]

#: Run statuses during which a thread takes no new messages or runs.
ACTIVE_RUN = ("queued", "in_progress", "requires_action", "cancelling")
_FN_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_TOOL_TYPES = ("code_interpreter", "file_search", "function")


def _assistants(app: Any) -> Collection:
    return collection(app, "assistants")


def _threads(app: Any) -> Collection:
    return collection(app, "threads")


# -- shared checks ------------------------------------------------------------------------------

def check_tools(value: Any, param: str = "tools", max_items: int = 128) -> list[dict[str, Any]]:
    """Assistant tools: code_interpreter, file_search, or function with a valid name."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(f"Invalid type for '{param}': expected an array.", param=param)
    if len(value) > max_items:
        raise invalid(f"Invalid '{param}': array too long. Expected an array with maximum length "
                      f"{max_items}, but got an array with length {len(value)} instead.",
                      param=param, code="array_above_max_length")
    out = []
    for i, tool in enumerate(value):
        p = f"{param}[{i}]"
        if not isinstance(tool, dict) or tool.get("type") not in _TOOL_TYPES:
            raise invalid(f"Invalid value for '{p}.type': supported values are "
                          "'code_interpreter', 'file_search' and 'function'.", param=f"{p}.type",
                          code="invalid_value")
        if tool["type"] == "function":
            fn = tool.get("function")
            if not isinstance(fn, dict):
                raise missing(f"{p}.function")
            if not isinstance(fn.get("name"), str) or not _FN_NAME.match(fn["name"]):
                raise invalid(f"Invalid '{p}.function.name': expected a string of letters, "
                              "digits, '_' or '-' (at most 64).", param=f"{p}.function.name",
                              code="invalid_value")
            if fn.get("parameters") is not None and not isinstance(fn["parameters"], dict):
                raise invalid(f"Invalid type for '{p}.function.parameters': expected an object.",
                              param=f"{p}.function.parameters")
        out.append(dict(tool))
    return out


def _tool_resources(value: Any, param: str = "tool_resources") -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid type for '{param}': expected an object.", param=param)
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if key not in ("code_interpreter", "file_search") or not isinstance(inner, dict):
            raise invalid(f"Invalid '{param}.{key}': expected 'code_interpreter' or "
                          "'file_search' with an object.", param=f"{param}.{key}")
        if key == "code_interpreter":
            ids = inner.get("file_ids") or []
            if not isinstance(ids, list) or len(ids) > 20:
                raise invalid(f"Invalid '{param}.code_interpreter.file_ids': at most 20 ids.",
                              param=f"{param}.code_interpreter.file_ids")
            out[key] = {"file_ids": list(ids)}
        else:
            ids = inner.get("vector_store_ids") or []
            if not isinstance(ids, list) or len(ids) > 1:
                raise invalid(f"Invalid '{param}.file_search.vector_store_ids': at most 1 id.",
                              param=f"{param}.file_search.vector_store_ids")
            out[key] = {"vector_store_ids": list(ids)}
    return out


def check_response_format(value: Any) -> Any:
    """An Assistants ``response_format`` option (``auto`` or a typed object), or a 400."""
    if value is None or value == "auto":
        return "auto"
    if isinstance(value, dict) and value.get("type") in ("text", "json_object", "json_schema"):
        return dict(value)
    raise invalid("Invalid value for 'response_format': expected 'auto' or an object with type "
                  "'text', 'json_object' or 'json_schema'.", param="response_format")


# -- messages -----------------------------------------------------------------------------------

def message_parts(app: Any, content: Any, param: str = "content") -> list[dict[str, Any]]:
    """A message's ``content`` (string or parts) as the message object's content list."""
    if isinstance(content, str):
        if not content:
            raise invalid(f"Invalid '{param}': empty string.", param=param, code="empty_string")
        return [{"type": "text", "text": {"value": content, "annotations": []}}]
    if not isinstance(content, list) or not content:
        if content is None:
            raise missing(param)
        raise invalid(f"Invalid '{param}': expected a string or a non-empty array of parts.",
                      param=param)
    out = []
    for i, part in enumerate(content):
        p = f"{param}[{i}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            out.append({"type": "text", "text": {"value": part["text"], "annotations": []}})
        elif kind == "image_file" and isinstance(part.get("image_file"), dict):
            need_file(app, part["image_file"].get("file_id"), f"{p}.image_file.file_id")
            out.append({"type": "image_file", "image_file": dict(part["image_file"])})
        elif kind == "image_url" and isinstance(part.get("image_url"), dict) \
                and isinstance(part["image_url"].get("url"), str):
            out.append({"type": "image_url", "image_url": dict(part["image_url"])})
        else:
            raise invalid(f"Invalid '{p}': expected a 'text', 'image_file' or 'image_url' part.",
                          param=p)
    return out


def _attachments(app: Any, value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid("Invalid type for 'attachments': expected an array.", param="attachments")
    for i, a in enumerate(value):
        if not isinstance(a, dict):
            raise invalid(f"Invalid type for 'attachments[{i}]': expected an object.",
                          param=f"attachments[{i}]")
        need_file(app, a.get("file_id"), f"attachments[{i}].file_id")
    return [dict(a) for a in value]


def make_message(app: Any, thread_id: str, body: Any, param: str = "") -> dict[str, Any]:
    """A checked, not yet stored user/assistant message object built from a create body."""
    if not isinstance(body, dict):
        raise invalid(f"Invalid type for '{param or 'body'}': expected an object.",
                      param=param or None)
    role = body.get("role")
    if role is None:
        raise missing(f"{param}role" if param else "role")
    if role not in ("user", "assistant"):
        raise invalid(f"Invalid value for '{param}role': {role!r}. Supported values are: 'user' "
                      "and 'assistant'.", param=f"{param}role", code="invalid_value")
    return {
        "id": "", "object": "thread.message", "created_at": app.now(), "thread_id": thread_id,
        "status": "completed", "incomplete_details": None, "completed_at": app.now(),
        "incomplete_at": None, "role": role,
        "content": message_parts(app, body.get("content"), f"{param}content"),
        "assistant_id": None, "run_id": None,
        "attachments": _attachments(app, body.get("attachments")) or [],
        "metadata": check_metadata(body.get("metadata"), f"{param}metadata"),
    }


def add_message(app: Any, thread: dict[str, Any], msg: dict[str, Any]) -> dict[str, Any]:
    """Give ``msg`` an id and store it in ``thread`` (under ``app.lock``)."""
    msg["id"] = app.new_id("msg_")
    thread["messages"].add(msg["id"], msg)
    return msg


# -- records ------------------------------------------------------------------------------------

def assistant_record(app: Any, assistant_id: Any, param: str = "assistant_id") -> dict[str, Any]:
    if not isinstance(assistant_id, str) or not assistant_id:
        raise missing(param)
    return _assistants(app).need(assistant_id, "assistant", param=param)


def thread_record(app: Any, thread_id: str) -> dict[str, Any]:
    """The thread's record with its runs brought up to date (call under ``app.lock``)."""
    thread = _threads(app).need(thread_id, "thread", param="thread_id")
    from ._runs import advance_thread  # runs import this module

    advance_thread(app, thread)
    return thread


def active_run(app: Any, thread: dict[str, Any]) -> dict[str, Any] | None:
    from ._runs import run_status

    return next((r for r in thread["runs"].values() if run_status(r) in ACTIVE_RUN), None)


def new_thread(app: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Check a thread create body and store the thread with its messages (under the lock)."""
    msgs = body.get("messages") or []
    if not isinstance(msgs, list):
        raise invalid("Invalid type for 'messages': expected an array.", param="messages")
    metadata = check_metadata(body.get("metadata"))
    resources = _tool_resources(body.get("tool_resources"))
    thread_id = app.new_id("thread_")
    built = [make_message(app, thread_id, m, f"messages[{i}].") for i, m in enumerate(msgs)]
    obj = {"id": thread_id, "object": "thread", "created_at": app.now(),
           "tool_resources": resources, "metadata": metadata}
    thread = {"obj": obj, "messages": Collection(), "runs": Collection()}
    for m in built:
        add_message(app, thread, m)
    _threads(app).add(thread_id, thread)
    return thread


# -- assistants ---------------------------------------------------------------------------------

def check_reasoning_effort(body: dict[str, Any]) -> str | None:
    """``reasoning_effort`` (None when absent), or a 400."""
    value = body.get("reasoning_effort")
    if value is not None and value not in ("minimal", "low", "medium", "high"):
        raise invalid("Invalid value for 'reasoning_effort': supported values are "
                      "'minimal', 'low', 'medium' and 'high'.", param="reasoning_effort",
                      code="invalid_value")
    return value


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
        out["tools"] = check_tools(body.get("tools"))
    if "tool_resources" in body:
        out["tool_resources"] = _tool_resources(body.get("tool_resources"))
    if "metadata" in body:
        out["metadata"] = check_metadata(body.get("metadata"))
    if "temperature" in body:
        t = opt_number(body, "temperature", 0, 2)
        out["temperature"] = 1.0 if t is None else t
    if "top_p" in body:
        t = opt_number(body, "top_p", 0, 1)
        out["top_p"] = 1.0 if t is None else t
    if "response_format" in body:
        out["response_format"] = check_response_format(body.get("response_format"))
    effort = check_reasoning_effort(body)
    if effort is not None:
        out["reasoning_effort"] = effort
    return out


@route("POST", "/v1/assistants")
def create_assistant(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    fields = _assistant_fields(app, req.json(), creating=True)
    with app.lock:
        obj = {"id": app.new_id("asst_"), "object": "assistant", "created_at": app.now(),
               "name": None, "description": None, "model": fields["model"],
               "instructions": None, "tools": [], "tool_resources": {}, "metadata": {},
               "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
        obj.update(fields)
        _assistants(app).add(obj["id"], obj)
        return dict(obj)


@route("GET", "/v1/assistants")
def list_assistants(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return list_page(_assistants(req.app), req.query, dict)


@route("GET", "/v1/assistants/{assistant_id}")
def get_assistant(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return dict(assistant_record(req.app, req.path_params["assistant_id"]))


@route("POST", "/v1/assistants/{assistant_id}")
def modify_assistant(req: EmuRequest) -> dict[str, Any]:
    app = req.app
    body = req.json()
    with app.lock:
        obj = assistant_record(app, req.path_params["assistant_id"])
        obj.update(_assistant_fields(app, body, creating=False))
        return dict(obj)


@route("DELETE", "/v1/assistants/{assistant_id}")
def delete_assistant(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        obj = assistant_record(req.app, req.path_params["assistant_id"])
        _assistants(req.app).pop(obj["id"])
    return {"id": obj["id"], "object": "assistant.deleted", "deleted": True}


# -- threads ------------------------------------------------------------------------------------

@route("POST", "/v1/threads")
def create_thread(req: EmuRequest) -> dict[str, Any]:
    body = req.json() if req.body else {}
    with req.app.lock:
        return dict(new_thread(req.app, body)["obj"])


@route("GET", "/v1/threads/{thread_id}")
def get_thread(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return dict(thread_record(req.app, req.path_params["thread_id"])["obj"])


@route("POST", "/v1/threads/{thread_id}")
def modify_thread(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    with req.app.lock:
        obj = thread_record(req.app, req.path_params["thread_id"])["obj"]
        update = {}
        if "metadata" in body:
            update["metadata"] = check_metadata(body.get("metadata"))
        if "tool_resources" in body:
            update["tool_resources"] = _tool_resources(body.get("tool_resources"))
        obj.update(update)
        return dict(obj)


@route("DELETE", "/v1/threads/{thread_id}")
def delete_thread(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        thread = thread_record(req.app, req.path_params["thread_id"])
        _threads(req.app).pop(thread["obj"]["id"])
    return {"id": thread["obj"]["id"], "object": "thread.deleted", "deleted": True}


# -- messages -----------------------------------------------------------------------------------

@route("POST", "/v1/threads/{thread_id}/messages")
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


@route("GET", "/v1/threads/{thread_id}/messages")
def list_messages(req: EmuRequest) -> dict[str, Any]:
    run_id = req.query.get("run_id") or None
    with req.app.lock:
        thread = thread_record(req.app, req.path_params["thread_id"])
        return list_page(thread["messages"], req.query, dict,
                         include=(lambda m: m["run_id"] == run_id) if run_id else None)


def _message(req: EmuRequest) -> dict[str, Any]:
    thread = thread_record(req.app, req.path_params["thread_id"])
    return thread["messages"].need(req.path_params["message_id"], "message", param="message_id")


@route("GET", "/v1/threads/{thread_id}/messages/{message_id}")
def get_message(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        return dict(_message(req))


@route("POST", "/v1/threads/{thread_id}/messages/{message_id}")
def modify_message(req: EmuRequest) -> dict[str, Any]:
    body = req.json()
    with req.app.lock:
        msg = _message(req)
        if "metadata" in body:
            msg["metadata"] = check_metadata(body.get("metadata"))
        return dict(msg)


@route("DELETE", "/v1/threads/{thread_id}/messages/{message_id}")
def delete_message(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        msg = _message(req)
        thread_record(req.app, req.path_params["thread_id"])["messages"].pop(msg["id"])
    return {"id": msg["id"], "object": "thread.message.deleted", "deleted": True}


from . import _runs  # noqa: E402,F401  (registers the run and run-step routes)
