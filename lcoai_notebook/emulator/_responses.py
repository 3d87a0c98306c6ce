"""The Responses API (OpenAI flavor only): ``POST /v1/responses``, ``GET`` / ``DELETE
/v1/responses/{id}``, ``POST /v1/responses/{id}/cancel``, ``GET /v1/responses/{id}/input_items``.

A response's content comes from the chat route itself: the conversation (``instructions``, the
items of the ``previous_response_id`` chain, then ``input``) is translated into chat messages and
run through ``app.dispatch("POST", "/v1/chat/completions")``, so replies, cues, tool calls
(arguments that satisfy the function's schema, chosen by the words of the request), JSON schemas
and token counts are the chat route's, and the two APIs answer alike. The chat completion is then
translated back into output items: a ``message`` with ``output_text``, or ``function_call`` items.

- ``store`` (default true) keeps the response for retrieve, ``input_items`` and
  ``previous_response_id``; a response created with ``store: false`` is not found afterwards.
- ``reasoning`` models (the catalog's ``reasoning`` flag) add a ``reasoning`` item before the
  answer unless ``reasoning.effort`` is ``"none"``; ``reasoning.summary`` fills its summary with
  a short account of the plan, and ``output_tokens_details.reasoning_tokens`` grows with the
  effort. ``reasoning`` on another model is the service's 400.
- ``background: true`` returns the response ``queued``; it is ``in_progress`` after
  ``job_step_seconds`` and ``completed`` after twice that, and may be cancelled until then.
  Only background responses can be cancelled.
- ``stream: true`` sends the spec's named events (``response.created``, ``response.in_progress``,
  ``response.output_item.added`` ... ``response.completed``), each with its ``sequence_number``.

LowCodeAPI defines none of these routes: in the lowcodeapi flavor the app answers them as unknown
routes (its 404), so the handlers here only ever serve the OpenAI flavor.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

from ._cues import content_text, topic_phrases
from ._errors import EmuError, invalid, missing, not_found
from ._router import SSE, EmuRequest
from ._store import (
    Collection,
    check_metadata,
    collection,
    list_page,
    opt_number,
    steps_elapsed,
)
from ._text import check_model, enum_error, stable_hash, type_error

__all__ = ["create_response"]

#: Every field of CreateResponse (openai-openapi v2.3.0); the service refuses others.
_FIELDS = frozenset({
    "background", "context_management", "conversation", "include", "input", "instructions",
    "max_output_tokens", "max_tool_calls", "metadata", "model", "moderation",
    "parallel_tool_calls", "previous_response_id", "prompt", "prompt_cache_key",
    "prompt_cache_options", "prompt_cache_retention", "reasoning", "safety_identifier",
    "service_tier", "store", "stream", "stream_options", "temperature", "text", "tool_choice",
    "tools", "top_logprobs", "top_p", "truncation", "user",
})
#: Fields the emulator cannot honour: refused rather than silently ignored.
_UNSUPPORTED = ("conversation", "prompt", "context_management")
_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_SUMMARIES = ("auto", "concise", "detailed")
_FORMATS = ("text", "json_object", "json_schema")
_ROLES = ("user", "assistant", "system", "developer")
_INPUT_PARTS = ("input_text", "input_image", "input_file")
_ASSISTANT_PARTS = ("output_text", "refusal")
#: Reasoning tokens per effort (a hash of the question adds up to half again).
_REASONING_TOKENS = {"minimal": 16, "low": 96, "medium": 256, "high": 768, "xhigh": 1536,
                     "max": 3072}
_TERMINAL = ("completed", "failed", "incomplete", "cancelled")
_CHAT_PARAMS = {"messages": "input", "max_completion_tokens": "max_output_tokens",
                "response_format": "text.format"}


def _responses(app: Any) -> Collection:
    return collection(app, "responses")


def _items(app: Any) -> dict[str, Any]:
    """Every stored item by id (input and output), for ``item_reference`` inputs."""
    return app.store("responses.items", dict)


# --------------------------------------------------------------------------- request checks
def _int(body: dict[str, Any], name: str, lo: int, hi: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(name, "an integer", value)
    if value < lo:
        raise invalid(f"Invalid '{name}': integer below minimum value. Expected a value >= {lo}, "
                      f"but got {value} instead.", param=name, code="integer_below_min_value")
    if hi is not None and value > hi:
        raise invalid(f"Invalid '{name}': integer above maximum value. Expected a value <= {hi},"
                      f" but got {value} instead.", param=name, code="integer_above_max_value")
    return value


def _bool(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise type_error(name, "a boolean", value)
    return value


def _str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise type_error(name, "a string", value)
    return value


def _check_reasoning(body: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """``{"effort", "summary"}`` as the response reports it (both None on other models)."""
    value = body.get("reasoning")
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise type_error("reasoning", "an object", value)
    effort, summary = value.get("effort"), value.get("summary", value.get("generate_summary"))
    if effort is not None and effort not in _EFFORTS:
        raise enum_error("reasoning.effort", effort, _EFFORTS)
    if summary is not None and summary not in _SUMMARIES:
        raise enum_error("reasoning.summary", summary, _SUMMARIES)
    if not row.get("reasoning"):
        if effort is not None or summary is not None:
            name = "reasoning.effort" if effort is not None else "reasoning.summary"
            raise invalid(f"Unsupported parameter: '{name}' is not supported with this model.",
                          param=name, code="unsupported_parameter")
        return {"effort": None, "summary": None}
    return {"effort": effort or "medium", "summary": summary}


def _check_text(body: dict[str, Any]) -> dict[str, Any]:
    text = body.get("text")
    if text is None:
        return {"format": {"type": "text"}, "verbosity": "medium"}
    if not isinstance(text, dict):
        raise type_error("text", "an object", text)
    fmt = text.get("format") or {"type": "text"}
    if not isinstance(fmt, dict):
        raise type_error("text.format", "an object", fmt)
    kind = fmt.get("type")
    if kind not in _FORMATS:
        raise enum_error("text.format.type", kind, _FORMATS)
    if kind == "json_schema":
        if not isinstance(fmt.get("name"), str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}",
                                                                      fmt["name"]):
            raise missing("text.format.name")
        if not isinstance(fmt.get("schema"), dict):
            raise missing("text.format.schema")
        fmt = {"type": "json_schema", "name": fmt["name"], "schema": fmt["schema"],
               "strict": bool(fmt.get("strict", False)),
               **({"description": fmt["description"]} if isinstance(fmt.get("description"), str)
                  else {})}
    verbosity = text.get("verbosity") or "medium"
    if verbosity not in ("low", "medium", "high"):
        raise enum_error("text.verbosity", verbosity, ("low", "medium", "high"))
    return {"format": fmt, "verbosity": verbosity}


def _check_tools(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    """Function tools as the response echoes them, and the tool choice."""
    tools = body.get("tools")
    if tools is None:
        tools = []
    if not isinstance(tools, list):
        raise type_error("tools", "an array", tools)
    out = []
    for i, t in enumerate(tools):
        if not isinstance(t, dict):
            raise type_error(f"tools[{i}]", "an object", t)
        if t.get("type") != "function":
            # Hosted tools (web search, file search, ...) need the service behind them.
            raise invalid(f"Invalid value for 'tools[{i}].type': the emulator serves function "
                          f"tools only (got {t.get('type')!r}).", param=f"tools[{i}].type",
                          code="unsupported_value")
        name = t.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
            raise invalid(f"Invalid 'tools[{i}].name': string does not match pattern. Expected a "
                          "string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                          param=f"tools[{i}].name", code="invalid_value")
        params = t.get("parameters")
        if params is not None and not isinstance(params, dict):
            raise type_error(f"tools[{i}].parameters", "an object", params)
        out.append({"type": "function", "name": name,
                    "description": t.get("description") if isinstance(t.get("description"),
                                                                       str) else None,
                    "parameters": params, "strict": t.get("strict", True)})
    choice = body.get("tool_choice")
    if choice is None:
        return out, "auto"
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise enum_error("tool_choice", choice, ("none", "auto", "required"))
        return out, choice
    if isinstance(choice, dict) and choice.get("type") == "function":
        if choice.get("name") not in [t["name"] for t in out]:
            raise invalid(f"Tool choice 'function' with name {choice.get('name')!r} not found in "
                          "'tools' parameter.", param="tool_choice")
        return out, {"type": "function", "name": choice["name"]}
    raise type_error("tool_choice", "one of a string or a function tool choice object", choice)


# --------------------------------------------------------------------------- input items
def _parts(content: Any, param: str, allowed: tuple[str, ...]) -> list[dict[str, Any]]:
    if isinstance(content, str):
        kind = allowed[0]
        part = {"type": kind, "text": content}
        return [{**part, "annotations": [], "logprobs": []} if kind == "output_text" else part]
    if not isinstance(content, list):
        raise type_error(param, "one of a string or array of objects", content)
    out = []
    for j, part in enumerate(content):
        if not isinstance(part, dict):
            raise type_error(f"{param}[{j}]", "an object", part)
        if part.get("type") not in allowed:
            raise enum_error(f"{param}[{j}].type", part.get("type"), allowed)
        if part["type"] in ("input_text", "output_text") and not isinstance(part.get("text"),
                                                                             str):
            raise missing(f"{param}[{j}].text")
        if part["type"] == "output_text":
            part = {"annotations": [], "logprobs": [], **part}
        out.append(dict(part))
    return out


def _input_items(app: Any, raw: Any) -> list[dict[str, Any]]:
    """``input`` as stored items (each with an ``id``), or a 400 naming the bad field."""
    if raw is None:
        raise missing("input")
    if isinstance(raw, str):
        raw = [{"role": "user", "content": raw}]
    if not isinstance(raw, list):
        raise type_error("input", "one of a string or array of input items", raw)
    known = _items(app)
    items = []
    for i, item in enumerate(raw):
        p = f"input[{i}]"
        if not isinstance(item, dict):
            raise type_error(p, "an object", item)
        kind = item.get("type", "message" if "role" in item else None)
        if kind == "message":
            role = item.get("role")
            if role not in _ROLES:
                raise enum_error(f"{p}.role", role, _ROLES)
            if item.get("content") is None:
                raise missing(f"{p}.content")
            allowed = _ASSISTANT_PARTS if role == "assistant" else _INPUT_PARTS
            items.append({"id": item.get("id") or app.new_id("msg_"), "type": "message",
                          "role": role, "content": _parts(item["content"], f"{p}.content",
                                                          allowed),
                          "status": "completed"})
        elif kind == "function_call":
            for name in ("call_id", "name", "arguments"):
                if not isinstance(item.get(name), str):
                    raise missing(f"{p}.{name}")
            items.append({"id": item.get("id") or app.new_id("fc_"), "type": "function_call",
                          "call_id": item["call_id"], "name": item["name"],
                          "arguments": item["arguments"], "status": "completed"})
        elif kind == "function_call_output":
            if not isinstance(item.get("call_id"), str):
                raise missing(f"{p}.call_id")
            output = item.get("output")
            if not isinstance(output, (str, list)):
                raise type_error(f"{p}.output", "one of a string or array of objects", output)
            items.append({"id": item.get("id") or app.new_id("fco_"),
                          "type": "function_call_output", "call_id": item["call_id"],
                          "output": output, "status": "completed"})
        elif kind == "reasoning":
            items.append({"id": item.get("id") or app.new_id("rs_"), "type": "reasoning",
                          "summary": list(item.get("summary") or [])})
        elif kind == "item_reference":
            item_id = item.get("id")
            with app.lock:
                # An id that is not a string names no stored item (and may not even hash).
                found = known.get(item_id) if isinstance(item_id, str) else None
            if found is None:
                raise not_found(f"Item with id '{item.get('id')}' not found.", param=p)
            items.append(found)
        else:
            raise invalid(f"Invalid value for '{p}.type': the emulator takes message, "
                          "function_call, function_call_output, reasoning and item_reference "
                          f"items (got {kind!r}).", param=f"{p}.type", code="invalid_value")
    return items


def _messages(instructions: str | None, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation as chat messages: the chat route composes every reply."""
    msgs: list[dict[str, Any]] = []
    if instructions:
        msgs.append({"role": "developer", "content": instructions})
    calls: dict[str, bool] = {}
    for item in items:
        kind = item["type"]
        if kind == "message":
            text = content_text(item["content"])
            if item["role"] == "assistant" and not text:
                continue
            msgs.append({"role": item["role"], "content": text})
        elif kind == "function_call":
            call = {"id": item["call_id"], "type": "function",
                    "function": {"name": item["name"], "arguments": item["arguments"]}}
            last = msgs[-1] if msgs else None
            # Parallel calls of one turn are one assistant message, as chat has them.
            if last is not None and last["role"] == "assistant" and last.get("tool_calls"):
                last["tool_calls"].append(call)
            else:
                msgs.append({"role": "assistant", "content": None, "tool_calls": [call]})
            calls[item["call_id"]] = True
        elif kind == "function_call_output":
            if item["call_id"] not in calls:
                raise invalid(f"No tool call found for function call output with call_id "
                              f"{item['call_id']}.", param="input")
            output = item["output"]
            msgs.append({"role": "tool", "tool_call_id": item["call_id"],
                         "content": output if isinstance(output, str) else
                         content_text(output)})
    if not any(m["role"] in ("user", "tool", "system", "developer") for m in msgs):
        raise invalid("The input holds no message to answer.", param="input")
    return msgs


# --------------------------------------------------------------------------- generation
def _chat(app: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Run the chat route; its errors come back under the Responses API's parameter names."""
    status, result = app.dispatch("POST", "/v1/chat/completions", json=body)
    if status != 200:
        err = result.get("error") or {}
        param = err.get("param")
        message = str(err.get("message") or "The request could not be completed.")
        for chat_name, name in _CHAT_PARAMS.items():
            message = message.replace(f"'{chat_name}'", f"'{name}'")
            if isinstance(param, str) and param.split("[")[0].split(".")[0] == chat_name:
                param = name
        raise EmuError(status, message, param=param, code=err.get("code"))
    return result


def _summary_text(question: str, tool: str | None, detail: str) -> str:
    topics = topic_phrases(question, 2) or ["the question"]
    head = f"**Thinking about {topics[0]}**"
    if tool is not None:
        plan = (f"The user asks about {topics[0]}. The `{tool}` function can answer that "
                "directly, so I will call it with the details the request gives.")
    else:
        plan = (f"The user asks about {topics[0]}. I will answer directly and keep to what "
                "the question needs.")
    if detail == "concise":
        return plan
    more = (f" I should also mention {topics[1]}, since the question ties it in."
            if len(topics) > 1 else " A short, plain answer fits best here.")
    return f"{head}\n\n{plan}{more}"


def _generate(req: EmuRequest, body: dict[str, Any], model: str, row: dict[str, Any],
              items: list[dict[str, Any]], context: list[dict[str, Any]],
              reasoning: dict[str, Any], text: dict[str, Any], tools: list[dict[str, Any]],
              tool_choice: Any) -> tuple[list[dict[str, Any]], dict[str, Any], str | None]:
    """Output items, usage and the incomplete reason (None when complete)."""
    app = req.app
    instructions = body.get("instructions")
    msgs = _messages(instructions, context + items)
    question = next((m["content"] for m in reversed(msgs)
                     if m["role"] == "user" and isinstance(m["content"], str)), "")
    effort: str = reasoning["effort"] or "none"
    think = bool(row.get("reasoning")) and effort != "none"
    reasoning_tokens = 0
    if think:
        base = _REASONING_TOKENS[effort]
        reasoning_tokens = base + stable_hash("reasoning", question, effort) % (base // 2 + 1)
    limit = body.get("max_output_tokens")
    chat: dict[str, Any] = {"model": model, "messages": msgs}
    for name in ("temperature", "top_p", "parallel_tool_calls"):
        if body.get(name) is not None:
            chat[name] = body[name]
    if tools:
        chat["tools"] = [{"type": "function", "function": {
            k: v for k, v in (("name", t["name"]), ("description", t["description"]),
                              ("parameters", t["parameters"])) if v is not None}}
            for t in tools]
        chat["tool_choice"] = (tool_choice if isinstance(tool_choice, str) else
                               {"type": "function", "function": {"name": tool_choice["name"]}})
    fmt = text["format"]
    if fmt["type"] == "json_object":
        chat["response_format"] = {"type": "json_object"}
    elif fmt["type"] == "json_schema":
        chat["response_format"] = {"type": "json_schema", "json_schema": {
            "name": fmt["name"], "schema": fmt["schema"], "strict": fmt["strict"]}}
    output: list[dict[str, Any]] = []
    incomplete = None
    if limit is not None and limit - reasoning_tokens < 1:
        # The budget went on reasoning: no answer, as the service reports it.
        reasoning_tokens = limit
        choice = None
        incomplete = "max_output_tokens"
        result = _chat(app, {**chat, "max_completion_tokens": 1})
    else:
        if limit is not None:
            chat["max_completion_tokens"] = limit - reasoning_tokens
        result = _chat(app, chat)
        choice = result["choices"][0]
    message = (choice or {}).get("message") or {}
    calls = message.get("tool_calls") or []
    if think:
        summary = []
        if reasoning["summary"] is not None:
            tool = calls[0]["function"]["name"] if calls else None
            detail = "concise" if reasoning["summary"] == "concise" else "detailed"
            summary = [{"type": "summary_text", "text": _summary_text(question, tool, detail)}]
        output.append({"id": app.new_id("rs_"), "type": "reasoning", "summary": summary})
    for call in calls:
        output.append({"id": app.new_id("fc_"), "type": "function_call", "status": "completed",
                       "arguments": call["function"]["arguments"], "call_id": call["id"],
                       "name": call["function"]["name"]})
    if choice is not None and not calls:
        status = "completed"
        if choice.get("finish_reason") == "length":
            status, incomplete = "incomplete", "max_output_tokens"
        output.append({"id": app.new_id("msg_"), "type": "message", "status": status,
                       "content": [{"type": "output_text", "text": message.get("content") or "",
                                    "annotations": [], "logprobs": []}],
                       "role": "assistant"})
    chat_usage = result["usage"]
    answer_tokens = chat_usage["completion_tokens"] if choice is not None else 0
    output_tokens = answer_tokens + reasoning_tokens
    usage = {"input_tokens": chat_usage["prompt_tokens"],
             "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
             "output_tokens": output_tokens,
             "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
             "total_tokens": chat_usage["prompt_tokens"] + output_tokens}
    return output, usage, incomplete


# --------------------------------------------------------------------------- objects
def _response(rec: dict[str, Any], app: Any) -> dict[str, Any]:
    """The response as it stands now (a background one moves through its states)."""
    resp = rec["final"]
    if not resp["background"] or rec.get("cancelled"):
        return rec.get("cancelled") or resp
    steps = steps_elapsed(app, rec["started"])
    if steps >= 2:
        return resp
    return _pending(resp, "queued" if steps < 1 else "in_progress")


def _pending(resp: dict[str, Any], status: str) -> dict[str, Any]:
    """``resp`` before its output exists (no usage yet: the schema has no null for it)."""
    out = {**resp, "status": status, "output": [], "completed_at": None,
           "incomplete_details": None}
    out.pop("usage", None)
    return out


def create_response(req: EmuRequest) -> dict[str, Any] | SSE:
    """Validate like the service, compose the reply through the chat route, store it."""
    app = req.app
    body = req.json()
    model, row = check_model(req, body, ("chat",))
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise invalid(f"Unknown parameter: '{unknown[0]}'.", param=unknown[0],
                      code="unknown_parameter")
    for name in _UNSUPPORTED:
        if body.get(name) is not None:
            raise invalid(f"The emulator does not support '{name}'; send the conversation as "
                          "'input' (or use 'previous_response_id').", param=name,
                          code="unsupported_parameter")
    instructions = _str(body, "instructions")
    opt_number(body, "temperature", 0, 2)
    opt_number(body, "top_p", 0, 1)
    _int(body, "max_output_tokens", 16)
    _int(body, "top_logprobs", 0, 20)
    stream = _bool(body, "stream", False)
    store = _bool(body, "store", True)
    background = _bool(body, "background", False)
    parallel = _bool(body, "parallel_tool_calls", True)
    metadata = check_metadata(body.get("metadata"))
    previous_id = _str(body, "previous_response_id")
    truncation = body.get("truncation") or "disabled"
    if truncation not in ("auto", "disabled"):
        raise enum_error("truncation", truncation, ("auto", "disabled"))
    if background and not store:
        raise invalid("Background mode requires 'store' to be true.", param="background")
    if body.get("stream_options") is not None and not stream:
        raise invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                      param="stream_options")
    reasoning = _check_reasoning(body, row)
    text = _check_text(body)
    tools, tool_choice = _check_tools(body)
    context: list[dict[str, Any]] = []
    if previous_id is not None:
        with app.lock:
            prev = _responses(app).get(previous_id)
        if prev is None:
            raise not_found(f"Previous response with id '{previous_id}' not found.",
                            param="previous_response_id")
        context = prev["context"] + prev["items"] + _response(prev, app)["output"]
    items = _input_items(app, body.get("input"))
    if text["format"]["type"] == "json_object" and not any(
            "json" in content_text(i.get("content")).lower()
            for i in context + items if i["type"] == "message") \
            and "json" not in (instructions or "").lower():
        raise invalid("Response input messages must contain the word 'json' in some form to use "
                      "'text.format' of type 'json_object'.", param="input")
    output, usage, incomplete = _generate(req, body, model, row, items, context, reasoning,
                                          text, tools, tool_choice)
    now = app.now()
    resp = {
        "id": app.new_id("resp_"), "object": "response", "created_at": now,
        "status": "incomplete" if incomplete else "completed",
        "background": background,
        "completed_at": None if incomplete else now,
        "error": None,
        "incomplete_details": {"reason": incomplete} if incomplete else None,
        "instructions": instructions, "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"), "model": model, "output": output,
        "parallel_tool_calls": parallel, "previous_response_id": previous_id,
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": reasoning, "safety_identifier": body.get("safety_identifier"),
        "service_tier": "default", "store": store,
        "temperature": body.get("temperature", 1.0), "text": text,
        "tool_choice": tool_choice, "tools": tools,
        "top_logprobs": body.get("top_logprobs", 0), "top_p": body.get("top_p", 1.0),
        "truncation": truncation, "usage": usage, "metadata": metadata,
    }
    if isinstance(body.get("user"), str):
        resp["user"] = body["user"]
    if store:
        inputs = Collection()
        for item in items:
            inputs.add(item["id"], item)
        rec = {"final": resp, "items": items, "context": context, "inputs": inputs,
               "started": app.monotonic(), "cancelled": None}
        with app.lock:
            _responses(app).add(resp["id"], rec)
            known = _items(app)
            for item in items + output:
                known[item["id"]] = item
    if stream:
        chunk = int((getattr(app.config, "extra", None) or {}).get("chat_chunk_chars", 4))
        return SSE(_events(resp, max(1, chunk)), named=True, done=False)
    return _pending(resp, "queued") if background else resp


def _pieces(text: str, size: int) -> Iterator[str]:
    for k in range(0, len(text), size):
        yield text[k:k + size]


def _events(resp: dict[str, Any], size: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """The spec's event sequence for ``resp``, each event with the next ``sequence_number``."""
    seq = itertools.count()

    def ev(kind: str, **fields: Any) -> tuple[str, dict[str, Any]]:
        return kind, {"type": kind, "sequence_number": next(seq), **fields}

    start = _pending(resp, "in_progress")
    if resp["background"]:
        yield ev("response.queued", response=_pending(resp, "queued"))
    yield ev("response.created", response=start)
    yield ev("response.in_progress", response=start)
    for i, item in enumerate(resp["output"]):
        item_id, kind = item["id"], item["type"]
        if kind == "reasoning":
            yield ev("response.output_item.added", output_index=i, item={**item, "summary": []})
            for j, part in enumerate(item["summary"]):
                at = {"item_id": item_id, "output_index": i, "summary_index": j}
                yield ev("response.reasoning_summary_part.added", **at,
                         part={"type": "summary_text", "text": ""})
                for piece in _pieces(part["text"], size):
                    yield ev("response.reasoning_summary_text.delta", **at, delta=piece)
                yield ev("response.reasoning_summary_text.done", **at, text=part["text"])
                yield ev("response.reasoning_summary_part.done", **at, part=part)
        elif kind == "function_call":
            yield ev("response.output_item.added", output_index=i,
                     item={**item, "status": "in_progress", "arguments": ""})
            for piece in _pieces(item["arguments"], size * 2):
                yield ev("response.function_call_arguments.delta", item_id=item_id,
                         output_index=i, delta=piece)
            yield ev("response.function_call_arguments.done", item_id=item_id, name=item["name"],
                     output_index=i, arguments=item["arguments"])
        else:
            yield ev("response.output_item.added", output_index=i,
                     item={**item, "status": "in_progress", "content": []})
            for j, part in enumerate(item["content"]):
                at = {"item_id": item_id, "output_index": i, "content_index": j}
                yield ev("response.content_part.added", **at,
                         part={**part, "text": "", "annotations": [], "logprobs": []})
                for piece in _pieces(part["text"], size):
                    yield ev("response.output_text.delta", **at, delta=piece, logprobs=[])
                yield ev("response.output_text.done", **at, text=part["text"], logprobs=[])
                yield ev("response.content_part.done", **at, part=part)
        yield ev("response.output_item.done", output_index=i, item=item)
    done = "response.incomplete" if resp["status"] == "incomplete" else "response.completed"
    yield ev(done, response=resp)


def _stored(req: EmuRequest) -> dict[str, Any]:
    response_id = req.path_params["response_id"]
    rec = _responses(req.app).get(response_id)
    if rec is None:
        raise not_found(f"Response with id '{response_id}' not found.")
    return rec


def retrieve_response(req: EmuRequest) -> dict[str, Any]:
    """The stored response (its state now, for a background one)."""
    if req.query.get("stream", "").lower() == "true":
        raise invalid("The emulator does not replay a stored response as a stream; retrieve it "
                      "without 'stream'.", param="stream", code="unsupported_parameter")
    with req.app.lock:
        return _response(_stored(req), req.app)


def delete_response(req: EmuRequest) -> dict[str, Any]:
    """Forget the response (its input items go with it)."""
    with req.app.lock:
        rec = _stored(req)
        _responses(req.app).pop(rec["final"]["id"])
        known = _items(req.app)
        for item in rec["items"] + rec["final"]["output"]:
            known.pop(item["id"], None)
    return {"id": rec["final"]["id"], "object": "response", "deleted": True}


def cancel_response(req: EmuRequest) -> dict[str, Any]:
    """Cancel a background response still queued or in progress."""
    with req.app.lock:
        rec = _stored(req)
        resp = rec["final"]
        if not resp["background"]:
            raise invalid("Only responses created with background=true can be cancelled.",
                          param="response_id")
        now = _response(rec, req.app)
        if now["status"] == "cancelled":
            return now
        if now["status"] in _TERMINAL:
            raise invalid(f"Cannot cancel a response with status '{now['status']}'.",
                          param="response_id")
        rec["cancelled"] = {**_pending(resp, "cancelled"), "output": []}
        return rec["cancelled"]


def list_input_items(req: EmuRequest) -> dict[str, Any]:
    """A cursor page of the response's input items (newest first by default)."""
    with req.app.lock:
        rec = _stored(req)
        return list_page(rec["inputs"], req.query, lambda item: json.loads(json.dumps(item)),
                         allow_before=False)
