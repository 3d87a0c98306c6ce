"""Stored chat completions: ``store: true`` on create, then list, retrieve, update, delete and
the stored input messages (OpenAI only: LowCodeAPI defines just ``POST /v1/chat/completions``,
so the app answers these routes as unknown in its flavor).

The create handler (:mod:`._chat`) hands every completion to :func:`remember`, which keeps it
when the request says ``store: true``, with its ``metadata`` and the request's messages. A stored
completion reads back as the completion the caller received plus its ``metadata``; its messages
are the request's messages, each with the id ``<completion id>-<index>`` as OpenAI numbers them.

List order is creation order (``asc`` by default, as the service's); ``model`` and
``metadata[key]=value`` query parameters filter, and every given pair must match.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ._errors import invalid, missing
from ._router import EmuRequest
from ._store import Collection, check_metadata, collection, list_page, opt_bool

__all__ = ["remember"]

_STORE = "chat.stored"
_WHAT = "chat completion"
#: A metadata filter in the list query: ``metadata[key]=value``.
_META_KEY = re.compile(r"metadata\[([^\[\]]{1,64})\]")
#: Content part types a stored message keeps in ``content_parts`` (the spec: text and images).
_KEPT_PARTS = ("text", "image_url")


def _stored_message(completion_id: str, index: int, msg: dict[str, Any]) -> dict[str, Any]:
    """One request message as the messages list shows it."""
    content = msg.get("content")
    parts = None
    if isinstance(content, list):
        parts = [copy.deepcopy(p) for p in content
                 if isinstance(p, dict) and p.get("type") in _KEPT_PARTS]
        texts = [p["text"] for p in content if isinstance(p, dict) and p.get("type") == "text"
                 and isinstance(p.get("text"), str)]
        content = "".join(texts) if texts else None
    out: dict[str, Any] = {"id": f"{completion_id}-{index}", "role": msg.get("role"),
                           "content": content, "refusal": None, "name": msg.get("name"),
                           "content_parts": parts}
    if msg.get("tool_calls"):
        out["tool_calls"] = copy.deepcopy(msg["tool_calls"])
    if msg.get("tool_call_id") is not None:
        out["tool_call_id"] = msg["tool_call_id"]
    return out


def remember(req: EmuRequest, body: dict[str, Any], completion: dict[str, Any]) -> None:
    """Keep ``completion`` when ``body`` asks for ``store: true`` (and check ``metadata``).

    Called by the create handler after the request was validated, before it answers, so a bad
    ``store`` or ``metadata`` is a 400 like any other bad field.
    """
    metadata = check_metadata(body.get("metadata"))
    if not opt_bool(body, "store"):
        return
    cid = completion["id"]
    record = {"completion": {**copy.deepcopy(completion), "metadata": metadata},
              "messages": [_stored_message(cid, i, m) for i, m in enumerate(body["messages"])]}
    with req.app.lock:
        collection(req.app, _STORE).add(cid, record)


def _render(record: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(record["completion"])


def _metadata_filter(query: dict[str, str]) -> dict[str, str]:
    wanted = {}
    for key, value in query.items():
        if not key.startswith("metadata"):
            continue
        m = _META_KEY.fullmatch(key)
        if m is None:
            raise invalid(f"Invalid query parameter '{key}': metadata filters are given as "
                          "metadata[key]=value.", param="metadata")
        wanted[m.group(1)] = value
    return wanted


def list_stored(req: EmuRequest) -> dict[str, Any]:
    """Stored completions, filtered by ``model`` and ``metadata[key]=value``."""
    model = req.query.get("model") or None
    wanted = _metadata_filter(req.query)

    def include(record: dict[str, Any]) -> bool:
        done = record["completion"]
        if model is not None and done.get("model") != model:
            return False
        return all(done["metadata"].get(k) == v for k, v in wanted.items())

    with req.app.lock:
        return list_page(collection(req.app, _STORE), req.query, _render, default_order="asc",
                         include=include, allow_before=False)


def retrieve_stored(req: EmuRequest) -> dict[str, Any]:
    with req.app.lock:
        record = collection(req.app, _STORE).need(req.path_params["completion_id"], _WHAT,
                                                  "completion_id")
        return _render(record)


def update_stored(req: EmuRequest) -> dict[str, Any]:
    """Replace the metadata (the only field a stored completion lets you change)."""
    body = req.json()
    unknown = sorted(set(body) - {"metadata"})
    if unknown:
        raise invalid(f"Unrecognized request argument supplied: {', '.join(unknown)}")
    if "metadata" not in body:
        raise missing("metadata")
    metadata = check_metadata(body["metadata"])
    with req.app.lock:
        record = collection(req.app, _STORE).need(req.path_params["completion_id"], _WHAT,
                                                  "completion_id")
        record["completion"]["metadata"] = metadata
        return _render(record)


def delete_stored(req: EmuRequest) -> dict[str, Any]:
    cid = req.path_params["completion_id"]
    with req.app.lock:
        stored = collection(req.app, _STORE)
        stored.need(cid, _WHAT, "completion_id")
        stored.pop(cid)
    return {"object": "chat.completion.deleted", "id": cid, "deleted": True}


def list_stored_messages(req: EmuRequest) -> dict[str, Any]:
    """The request messages of one stored completion, a cursor page (``asc`` by default)."""
    with req.app.lock:
        record = collection(req.app, _STORE).need(req.path_params["completion_id"], _WHAT,
                                                  "completion_id")
        messages = Collection()
        for msg in record["messages"]:
            messages.add(msg["id"], msg)
        return list_page(messages, req.query, copy.deepcopy, default_order="asc",
                         allow_before=False)
