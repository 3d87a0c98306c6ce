"""What the Assistants API's assistants, threads and messages are made of: their stores, the
checks their bodies share, and building messages and threads. Both the assistant/thread/message
routes (:mod:`._assistants`) and the runs (:mod:`._runs`) build on it, so neither imports the
other's routes (no import cycle).
"""

from __future__ import annotations

import re
from typing import Any

from ._errors import invalid, missing
from ._files import need_file
from ._store import Collection, check_metadata, collection

__all__ = ["ACTIVE_RUN", "add_message", "assistant_record", "assistants", "check_reasoning_effort",
           "check_response_format", "check_tools", "make_message", "message_parts", "new_thread",
           "threads", "tool_resources"]

#: Run statuses during which a thread takes no new messages or runs.
ACTIVE_RUN = ("queued", "in_progress", "requires_action", "cancelling")
_FN_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_TOOL_TYPES = ("code_interpreter", "file_search", "function")


def assistants(app: Any) -> Collection:
    return collection(app, "assistants")


def threads(app: Any) -> Collection:
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


def tool_resources(value: Any, param: str = "tool_resources") -> dict[str, Any]:
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
    return assistants(app).need(assistant_id, "assistant", param=param)


def new_thread(app: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Check a thread create body and store the thread with its messages (under the lock)."""
    msgs = body.get("messages") or []
    if not isinstance(msgs, list):
        raise invalid("Invalid type for 'messages': expected an array.", param="messages")
    metadata = check_metadata(body.get("metadata"))
    resources = tool_resources(body.get("tool_resources"))
    thread_id = app.new_id("thread_")
    built = [make_message(app, thread_id, m, f"messages[{i}].") for i, m in enumerate(msgs)]
    obj = {"id": thread_id, "object": "thread", "created_at": app.now(),
           "tool_resources": resources, "metadata": metadata}
    thread = {"obj": obj, "messages": Collection(), "runs": Collection()}
    for m in built:
        add_message(app, thread, m)
    threads(app).add(thread_id, thread)
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
