"""``POST /v1/chat/completions``: replies built from the conversation, following its cues.

:mod:`._cues` reads the conversation (question kind, topic phrases, facts the user stated, the
system prompt's simple instructions), :mod:`._reply` composes the text, and :mod:`._jsonmode`
fills JSON mode (the keys the prompt names) and JSON schemas (``json_schema`` mode and tool-call
arguments). Behaviours follow the API: ``max_tokens`` / ``max_completion_tokens`` truncate
(``finish_reason: "length"``), ``stop`` cuts before the first stop string, tools get a call whose
arguments satisfy the function's parameter schema (``finish_reason: "tool_calls"``), a ``tool``
result as the last message is answered in text, and ``stream: true`` returns the same content as
``chat.completion.chunk`` events.

Sampling: ``temperature`` defaults to 1, as OpenAI's does, and any temperature above 0 without a
``seed`` samples, so asking the same thing twice gets two different replies. The variation comes
from the emulator instance's call count (see :func:`_nonce`), so a fresh emulator fed the same
requests in the same order still answers the same, and a notebook run top to bottom repeats.
A ``seed`` or ``temperature=0`` makes the reply a function of the request alone; the ``n``
choices of one request always differ from each other.

The reply length is a few sentences; a request such as "in 500 words" in the last user message
sets it (capped at 20,000 words), and so does ``EmuConfig.extra["chat_reply_words"]``. Streamed
content pieces are ``extra["chat_chunk_chars"]`` (default 4) characters long.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ._cues import READ_LIMIT, Reading, content_text, read_conversation, topic_phrases
from ._errors import invalid, missing
from ._jsonmode import json_object_reply, schema_instance
from ._reply import compose_reply
from ._router import SSE, EmuRequest
from ._stored_chat import remember
from ._text import (
    check_bool,
    check_enum,
    check_function_name,
    check_int,
    check_model,
    check_number,
    count_tokens,
    enum_error,
    rng,
    stable_hash,
    type_error,
    words_of,
)

__all__ = ["create_chat_completion", "schema_instance"]

_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
#: Content part types of any chat message (the service's list, in its order).
_PART_TYPES = ("text", "image_url", "input_audio", "refusal", "audio", "file")
_MAX_WORDS = 20_000
#: Every field of CreateChatCompletionRequest (openai-openapi v2.3.0); OpenAI refuses others.
_FIELDS = frozenset({
    "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
    "max_completion_tokens", "max_tokens", "messages", "metadata", "modalities", "model",
    "moderation", "n", "parallel_tool_calls", "prediction", "presence_penalty",
    "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "reasoning_effort",
    "response_format", "safety_identifier", "seed", "service_tier", "stop", "store", "stream",
    "stream_options", "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user",
    "verbosity", "web_search_options",
})


# --------------------------------------------------------------------------- message reading
_content_text = content_text


def _check_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    if "messages" not in body or body["messages"] is None:
        raise missing("messages")
    msgs = body["messages"]
    if not isinstance(msgs, list):
        raise type_error("messages", "an array", msgs)
    if not msgs:
        raise invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, "
                      "but got an empty array instead.", param="messages", code="empty_array")
    for i, m in enumerate(msgs):
        p = f"messages[{i}]"
        if not isinstance(m, dict):
            raise type_error(p, "an object", m)
        if "role" not in m:
            raise missing(f"{p}.role")
        role = m["role"]
        if role not in _ROLES:
            raise enum_error(f"{p}.role", role, _ROLES)
        content = m.get("content")
        if content is not None and not isinstance(content, (str, list)):
            raise type_error(f"{p}.content", "one of a string or array of objects", content)
        if isinstance(content, list):
            for j, part in enumerate(content):
                if not isinstance(part, dict):
                    raise type_error(f"{p}.content[{j}]", "an object", part)
                if "type" not in part:
                    raise missing(f"{p}.content[{j}].type")
                if part["type"] not in _PART_TYPES:
                    raise enum_error(f"{p}.content[{j}].type", part["type"], _PART_TYPES)
                if part["type"] == "text" and not isinstance(part.get("text"), str):
                    raise missing(f"{p}.content[{j}].text")
        if role in ("system", "developer", "user") and content is None:
            raise missing(f"{p}.content")
        if role == "tool":
            if content is None:
                raise missing(f"{p}.content")
            if not isinstance(m.get("tool_call_id"), str):
                raise missing(f"{p}.tool_call_id")
        if role == "assistant" and content is None and not m.get("tool_calls") \
                and not m.get("function_call"):
            raise invalid(f"Invalid value for '{p}.content': expected a string, got null.",
                          param=f"{p}.content", code="invalid_value")
    return msgs


def _prompt_tokens(msgs: list[dict[str, Any]], tools: list[dict[str, Any]] | None) -> int:
    # ~3 tokens of framing per message plus 3 priming the reply, as OpenAI's cookbook counts.
    total = 3
    for m in msgs:
        total += 3 + count_tokens(_content_text(m.get("content")))
        for call in m.get("tool_calls") or []:
            fn = call.get("function") or {}
            total += count_tokens(str(fn.get("name", "")) + str(fn.get("arguments", "")))
    if tools:
        total += count_tokens(json.dumps(tools, sort_keys=True))
    return total


def _instance(schema: Any, r: random.Random, hint: str, param: str) -> Any:
    # A schema whose bounds cannot be met (or are not numbers) is the caller's error, not a 500.
    try:
        return schema_instance(schema, r, hint)
    except (TypeError, ValueError, RecursionError, OverflowError):
        raise invalid(f"Invalid schema in '{param}': its constraints cannot be satisfied.",
                      param=param, code="invalid_value") from None


# --------------------------------------------------------------------------- request checks
def _check_tools(body: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    tools = body.get("tools")
    choice = body.get("tool_choice")
    if tools is None:
        if choice is not None:
            raise invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when "
                          "'tools' are specified.", param="tool_choice")
        return [], None
    if not isinstance(tools, list):
        raise type_error("tools", "an array", tools)
    for i, t in enumerate(tools):
        if not isinstance(t, dict):
            raise type_error(f"tools[{i}]", "an object", t)
        if t.get("type", "function") not in ("function", "custom"):
            raise enum_error(f"tools[{i}].type", t.get("type"), ("function", "custom"))
        fn = t.get("function") if t.get("type", "function") == "function" else t.get("custom")
        if not isinstance(fn, dict):
            raise missing(f"tools[{i}].function")
        check_function_name(fn.get("name"), f"tools[{i}].function.name")
        params = fn.get("parameters")
        if params is not None and not isinstance(params, dict):
            raise type_error(f"tools[{i}].function.parameters", "an object", params)
    if choice is None:
        return tools, "auto"
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise enum_error("tool_choice", choice, ("none", "auto", "required"))
        return tools, choice
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") if isinstance(choice.get("function"),
                                                                          dict) else None
        names = [_tool_fn(t).get("name") for t in tools]
        if name not in names:
            raise invalid(f"Invalid value for 'tool_choice': function '{name}' was not found in "
                          "'tools'.", param="tool_choice")
        return tools, {"name": name}
    raise type_error("tool_choice", "one of a string or object", choice)


def _tool_fn(tool: dict[str, Any]) -> dict[str, Any]:
    return tool.get("function") or tool.get("custom") or {}


def _check_response_format(body: dict[str, Any], msgs: list[dict[str, Any]]) -> dict[str, Any]:
    rf = body.get("response_format")
    if rf is None:
        return {"type": "text"}
    if not isinstance(rf, dict):
        raise type_error("response_format", "an object", rf)
    kind = rf.get("type")
    if kind not in ("text", "json_object", "json_schema"):
        raise enum_error("response_format.type", kind, ("text", "json_object", "json_schema"))
    if kind == "json_object":
        if not any("json" in _content_text(m.get("content")).lower() for m in msgs):
            raise invalid("'messages' must contain the word 'json' in some form, to use "
                          "'response_format' of type 'json_object'.", param="messages")
    if kind == "json_schema":
        js = rf.get("json_schema")
        if not isinstance(js, dict):
            raise missing("response_format.json_schema")
        if not isinstance(js.get("name"), str):
            raise missing("response_format.json_schema.name")
        if js.get("schema") is not None and not isinstance(js["schema"], dict):
            raise type_error("response_format.json_schema.schema", "an object", js["schema"])
    return rf


def _check_stop(body: dict[str, Any]) -> list[str]:
    stop = body.get("stop")
    if stop is None:
        return []
    if isinstance(stop, str):
        return [stop] if stop else []
    if isinstance(stop, list):
        if len(stop) > 4:
            raise invalid("Invalid 'stop': array too long. Expected an array with maximum length "
                          f"4, but got an array with length {len(stop)} instead.", param="stop",
                          code="array_above_max_length")
        for i, s in enumerate(stop):
            if not isinstance(s, str):
                raise type_error(f"stop[{i}]", "a string", s)
        return [s for s in stop if s]
    raise type_error("stop", "one of a string or array of strings", stop)


# --------------------------------------------------------------------------- generation
def _requested_words(text: str, app: Any) -> int | None:
    extra = getattr(app.config, "extra", None) or {}
    if isinstance(extra.get("chat_reply_words"), int):
        return max(1, min(_MAX_WORDS, extra["chat_reply_words"]))
    m = re.search(r"\b(\d{1,6})\s+words?\b", text, re.I)
    if m:
        return max(1, min(_MAX_WORDS, int(m.group(1))))
    return None


def _apply_limits(text: str, stops: list[str], limit: int | None) -> tuple[str, str]:
    finish = "stop"
    cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
    if cut >= 0:
        text = text[:cut]
    if limit is not None and count_tokens(text) > limit:
        text = text[: 4 * limit]
        finish = "length"
    return text, finish


def _logprobs(text: str, r: random.Random, top: int) -> list[dict[str, Any]]:
    """One entry per 4-character token of ``text`` (the same tokens usage counts)."""
    out = []
    for k in range(0, len(text), 4):
        tok = text[k:k + 4]
        lp = round(-(r.random() ** 3) * 2.5, 6)
        alts = [{"token": tok, "logprob": lp, "bytes": list(tok.encode("utf-8"))}]
        for j in range(1, top):
            alt = r.choice(_ALT_TOKENS)
            alts.append({"token": alt, "logprob": round(lp - j * (0.5 + r.random()), 6),
                         "bytes": list(alt.encode("utf-8"))})
        out.append({**alts[0], "top_logprobs": alts[:top]})
    return out


_ALT_TOKENS = (" the", " a", " and", " to", " of", " it", ".", ",", " is", " in", " for", " on")


def _tool_reply(msgs: list[dict[str, Any]], reading: Reading, r: random.Random) -> str:
    """A text answer built from the tool results that follow the last assistant turn."""
    names = {}
    for m in msgs:
        for call in m.get("tool_calls") or []:
            if isinstance(call, dict):
                names[call.get("id")] = ((call.get("function") or {}).get("name") or "the tool")
    results = []
    for m in reversed(msgs):
        if m.get("role") != "tool":
            break
        results.append((names.get(m.get("tool_call_id"), "the tool"),
                        _content_text(m.get("content")).strip()))
    sentences = []
    for name, data in reversed(results):
        try:
            value = json.loads(data)
        except ValueError:
            value = data
        if isinstance(value, dict) and value:
            pairs = [f"{k} is {json.dumps(v) if isinstance(v, (dict, list)) else v}"
                     for k, v in list(value.items())[:6]]
            said = pairs[0] if len(pairs) == 1 else ", ".join(pairs[:-1]) + " and " + pairs[-1]
            sentences.append(f"According to {name}, {said}.")
        elif isinstance(value, list):
            sentences.append(f"{name} returned {len(value)} result"
                             f"{'' if len(value) == 1 else 's'}.")
        elif str(value).strip():
            shown = str(value) if len(str(value)) <= 200 else str(value)[:197] + "..."
            sentences.append(f"{name} returned: {shown.rstrip('.')}.")
        else:
            sentences.append(f"{name} returned no data.")
    sentences[0] = sentences[0][:1].upper() + sentences[0][1:]
    topics = topic_phrases(reading.text, 1)
    if topics:
        sentences.append(r.choice((f"That should answer your question about {topics[0]}.",
                                   f"I hope that helps with {topics[0]}.",
                                   "Let me know if you need anything else.")))
    return " ".join(sentences)


def _nonce(app: Any, seed: int | None, temperature: float) -> int | None:
    """What makes a sampled reply differ from the last one: the emulator's call count.

    ``temperature`` > 0 without a ``seed`` samples, so the same request gets a new reply each
    time; a ``seed`` or ``temperature=0`` makes the reply a function of the request alone. The
    count belongs to the emulator instance (like its ids), so a fresh emulator fed the same
    requests in the same order answers the same: a notebook run top to bottom is repeatable.
    """
    if seed is not None or temperature == 0:
        return None
    counter = app.store("chat.nonce", itertools.count)
    with app.lock:
        return next(counter)


def _choose_tool(tools: list[dict[str, Any]], choice: Any, text: str) -> dict[str, Any]:
    if isinstance(choice, dict):
        return next(_tool_fn(t) for t in tools if _tool_fn(t).get("name") == choice["name"])
    # The function whose name and description share most words with the user's message.
    words = {w.lower() for w in words_of(text)}

    def score(t: dict[str, Any]) -> int:
        fn = _tool_fn(t)
        own = set(re.split(r"[^a-z0-9]+", (fn.get("name", "") + " " +
                                           str(fn.get("description", ""))).lower()))
        return len(words & own)

    best = max(range(len(tools)), key=lambda i: (score(tools[i]), -i))
    return _tool_fn(tools[best])


@dataclass
class _Chat:
    """A chat request past OpenAI's checks: what generation needs."""

    model: str
    msgs: list[dict[str, Any]]
    n: int
    temperature: float
    seed: int | None
    limit: int | None  # max_completion_tokens, else max_tokens
    logprobs: bool
    top_logprobs: int
    stream: bool
    include_usage: bool
    stops: list[str]
    tools: list[dict[str, Any]]
    tool_choice: Any
    response_format: dict[str, Any]


def create_chat_completion(req: EmuRequest) -> dict[str, Any] | SSE:
    """Validate like OpenAI, then build ``n`` deterministic choices (JSON or SSE chunks)."""
    body = req.json()
    chat = _check_request(req, body)
    choices = _choices(req, chat)
    usage = _usage(chat, choices)
    head = {"id": req.app.new_id("chatcmpl-"), "created": req.app.now(), "model": chat.model,
            "system_fingerprint": f"fp_{stable_hash('fp', chat.model) % 16**10:010x}",
            "service_tier": "default"}
    completion = _completion(head, usage, choices)
    remember(req, body, completion)  # with store: true, kept for the stored routes
    if chat.stream:
        chunk = int((getattr(req.app.config, "extra", None) or {}).get("chat_chunk_chars", 4))
        return SSE(_chunks(head, choices, usage if chat.include_usage else None,
                           chat.include_usage, max(1, chunk)))
    return completion


def _check_request(req: EmuRequest, body: dict[str, Any]) -> _Chat:
    """Every field checked as OpenAI checks them, in its order (the first error wins)."""
    model, row = check_model(req, body, ("chat",))
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        # The service's wording for a misspelt or foreign field (max_output_tokens, echo ...).
        raise invalid(f"Unrecognized request argument supplied: {', '.join(unknown)}")
    msgs = _check_messages(body)
    n = check_int(body, "n", default=1, lo=1, hi=128)
    temperature = check_number(body, "temperature", default=1.0, lo=0, hi=2)
    check_number(body, "top_p", lo=0, hi=1)
    check_number(body, "presence_penalty", lo=-2, hi=2)
    check_number(body, "frequency_penalty", lo=-2, hi=2)
    max_tokens = check_int(body, "max_tokens", lo=1)
    max_completion = check_int(body, "max_completion_tokens", lo=1)
    seed = check_int(body, "seed")
    want_logprobs = check_bool(body, "logprobs")
    top_logprobs = check_int(body, "top_logprobs", lo=0, hi=20)
    if top_logprobs is not None and not want_logprobs:
        raise invalid("Invalid value for 'top_logprobs': 'top_logprobs' is only allowed when "
                      "'logprobs' is true.", param="top_logprobs")
    stream = check_bool(body, "stream")
    stops = _check_stop(body)
    include_usage = _check_stream_options(body, stream)
    if row.get("reasoning"):
        _check_reasoning_model(body, temperature)
    tools, tool_choice = _check_tools(body)
    return _Chat(model=model, msgs=msgs, n=n, temperature=temperature, seed=seed,
                 limit=max_completion if max_completion is not None else max_tokens,
                 logprobs=want_logprobs, top_logprobs=top_logprobs or 0, stream=stream,
                 include_usage=include_usage, stops=stops, tools=tools, tool_choice=tool_choice,
                 response_format=_check_response_format(body, msgs))


def _check_stream_options(body: dict[str, Any], stream: bool) -> bool:
    """``stream_options`` (only with ``stream``); whether it asks for a final usage chunk."""
    so = body.get("stream_options")
    if so is None:
        return False
    if not stream:
        raise invalid("The 'stream_options' parameter is only allowed when 'stream' is "
                      "enabled.", param="stream_options")
    if not isinstance(so, dict):
        raise type_error("stream_options", "an object", so)
    return bool(so.get("include_usage"))


def _check_reasoning_model(body: dict[str, Any], temperature: float) -> None:
    """What a reasoning model refuses: ``max_tokens``, a temperature other than 1; and its
    ``reasoning_effort`` values."""
    if "max_tokens" in body and body["max_tokens"] is not None:
        raise invalid("Unsupported parameter: 'max_tokens' is not supported with this model. "
                      "Use 'max_completion_tokens' instead.", param="max_tokens",
                      code="unsupported_parameter")
    if temperature != 1.0:
        raise invalid(f"Unsupported value: 'temperature' does not support "
                      f"{body['temperature']} with this model. Only the default (1) value "
                      "is supported.", param="temperature", code="unsupported_value")
    check_enum(body, "reasoning_effort", ("minimal", "low", "medium", "high"))


def _choices(req: EmuRequest, chat: _Chat) -> list[dict[str, Any]]:
    """The ``n`` choices, each from its own seeded generator: a tool call when the tools ask
    for one, else text shaped by the response format, ``stop`` and the token limit."""
    msgs = chat.msgs
    last = msgs[-1]
    user_text = next((_content_text(m.get("content")) for m in reversed(msgs)
                      if m.get("role") == "user"), _content_text(last.get("content")))
    user_text = user_text[-READ_LIMIT:]  # what the cues read (see _cues.READ_LIMIT)
    key = (req.app.config.seed, chat.model, chat.seed, round(chat.temperature, 3),
           [[m.get("role"), _content_text(m.get("content"))] for m in msgs],
           _nonce(req.app, chat.seed, chat.temperature))
    use_tool = bool(chat.tools) and chat.tool_choice != "none" and last.get("role") != "tool"
    reading = read_conversation(msgs)
    if chat.response_format["type"] != "text":
        # "Return JSON ..." is how the answer is wanted, not what it is about.
        reading.topics = [p for p in reading.topics if "json" not in p.lower()] or reading.topics
    n_words = _requested_words(user_text, req.app)
    choices = []
    for i in range(chat.n):
        r = rng("chat", key, i)
        if use_tool:
            choices.append(_tool_call_choice(req, chat, r, user_text))
            continue
        if last.get("role") == "tool":
            text = _tool_reply(msgs, reading, r)
        else:
            text = compose_reply(reading, r, temperature=chat.temperature, n_words=n_words)
        text = _formatted(chat.response_format, text, reading, r, chat.temperature, user_text)
        text, finish = _apply_limits(text, chat.stops, chat.limit)
        lps = _logprobs(text, rng("logprobs", key, i), chat.top_logprobs) if chat.logprobs \
            else None
        choices.append({"content": text, "tool_calls": None, "finish": finish,
                        "tokens": count_tokens(text), "logprobs": lps})
    return choices


def _tool_call_choice(req: EmuRequest, chat: _Chat, r: random.Random,
                      user_text: str) -> dict[str, Any]:
    """A choice that calls the chosen tool with arguments fitting its parameter schema."""
    fn = _choose_tool(chat.tools, chat.tool_choice, user_text)
    args = _instance(fn.get("parameters") or {"type": "object", "properties": {}},
                     r, user_text, "tools")
    call = {"id": req.app.new_id("call_"), "type": "function",
            "function": {"name": fn["name"], "arguments": json.dumps(args)}}
    return {"content": None, "tool_calls": [call], "finish": "tool_calls",
            "tokens": count_tokens(fn["name"] + call["function"]["arguments"]),
            "logprobs": None}


def _formatted(rf: dict[str, Any], text: str, reading: Reading, r: random.Random,
               temperature: float, user_text: str) -> str:
    """The reply in the requested ``response_format``: as is, a JSON object, or an instance
    of the JSON schema."""
    if rf["type"] == "json_object":
        return json.dumps(json_object_reply(reading, r, temperature, text))
    if rf["type"] == "json_schema":
        schema = rf["json_schema"].get("schema") or {"type": "object", "properties": {}}
        return json.dumps(_instance(schema, r, user_text, "response_format"))
    return text


def _usage(chat: _Chat, choices: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``usage`` object: estimated prompt tokens and the choices' tokens."""
    prompt_tokens = _prompt_tokens(chat.msgs, chat.tools or None)
    completion_tokens = sum(c["tokens"] for c in choices)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0}}


def _completion(head: dict[str, Any], usage: dict[str, Any],
                choices: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``chat.completion`` object of the choices."""
    return {**head, "object": "chat.completion", "usage": usage, "choices": [
        {"index": i, "message": {"role": "assistant", "content": c["content"], "refusal": None,
                                 **({"tool_calls": c["tool_calls"]} if c["tool_calls"] else {}),
                                 "annotations": []},
         "logprobs": None if c["logprobs"] is None else {"content": c["logprobs"],
                                                         "refusal": None},
         "finish_reason": c["finish"]} for i, c in enumerate(choices)]}


def _chunks(head: dict[str, Any], choices: list[dict[str, Any]], usage: dict[str, Any] | None,
            include_usage: bool, size: int) -> Iterator[dict[str, Any]]:
    base = {**head, "object": "chat.completion.chunk"}
    tail = {"usage": None} if include_usage else {}

    def event(index: int, delta: dict[str, Any], finish: str | None = None,
              logprobs: Any = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": index, "delta": delta, "logprobs": logprobs,
                                     "finish_reason": finish}], **tail}

    for i, c in enumerate(choices):
        if c["tool_calls"]:
            call = c["tool_calls"][0]
            yield event(i, {"role": "assistant", "content": None, "refusal": None, "tool_calls": [
                {"index": 0, "id": call["id"], "type": "function",
                 "function": {"name": call["function"]["name"], "arguments": ""}}]})
            args = call["function"]["arguments"]
            for k in range(0, len(args), size * 2):
                yield event(i, {"tool_calls": [{"index": 0, "function":
                                                {"arguments": args[k:k + size * 2]}}]})
        else:
            yield event(i, {"role": "assistant", "content": "", "refusal": None})
            text, lps = c["content"], c["logprobs"]
            for k in range(0, len(text), size):
                # The logprob entries of the 4-character tokens that start in this piece.
                lp = None if lps is None else {
                    "content": lps[-(-k // 4):-(-(k + size) // 4)], "refusal": None}
                yield event(i, {"content": text[k:k + size]}, logprobs=lp)
        yield event(i, {}, c["finish"])
    if usage is not None:
        yield {**base, "choices": [], "usage": usage}
