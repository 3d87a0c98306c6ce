"""Argument checks run before anything is sent.

Two kinds of rule live here, and the difference matters because the model lineup changes every
few months:

- rules of the API itself (ranges and enumerations from OpenAI's OpenAPI spec) apply to every call;
- rules tied to one model (dall-e-3 takes ``n=1``, gpt-4o-transcribe answers only ``json``) come
  from the catalog (``data/models.json``) and apply only to models listed there. An unknown model
  id is always passed through to the service, which has the last word.

A bad value raises ``ValueError`` (``TypeError`` for a value of the wrong type) naming the
parameter and what is accepted, e.g. ``temperature must be between 0 and 2 (got 3)``.

This module holds the shared checks and the JSON requests (chat, embeddings, moderations);
uploads and media (images, audio, speech) are checked in :mod:`._validate_media`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._catalog import model_info

__all__ = [
    "check_choice",
    "check_int",
    "check_number",
    "validate_chat",
    "validate_embeddings",
    "validate_moderation",
]

# -- API-wide enumerations (OpenAPI spec v2.3.0) ------------------------------------------------
CHAT_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
RESPONSE_FORMAT_TYPES = ("text", "json_object", "json_schema")
TOOL_CHOICE_MODES = ("none", "auto", "required")
EMBEDDING_ENCODINGS = ("float", "base64")
MAX_EMBEDDING_ITEMS = 2048


# -- primitives --------------------------------------------------------------------------------
def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _accepted(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def check_number(name: str, value: Any, lo: float | None = None, hi: float | None = None) -> None:
    """A real number within ``[lo, hi]`` (either bound may be None); None means "not set"."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number (got {type(value).__name__} {value!r})")
    if math.isnan(value):
        raise ValueError(f"{name} must be a number, not NaN")
    _check_bounds(name, value, lo, hi)


def check_int(name: str, value: Any, lo: int | None = None, hi: int | None = None) -> None:
    """An integer within ``[lo, hi]``; None means "not set"."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer (got {type(value).__name__} {value!r})")
    _check_bounds(name, value, lo, hi)


def _check_bounds(name: str, value: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and hi is not None:
        if not lo <= value <= hi:
            raise ValueError(
                f"{name} must be between {_fmt(lo)} and {_fmt(hi)} (got {_fmt(value)})"
            )
    elif lo is not None and value < lo:
        raise ValueError(f"{name} must be at least {_fmt(lo)} (got {_fmt(value)})")
    elif hi is not None and value > hi:
        raise ValueError(f"{name} must be at most {_fmt(hi)} (got {_fmt(value)})")


def check_choice(name: str, value: Any, accepted: Iterable[str]) -> None:
    """One of an enumeration of strings; None means "not set"."""
    if value is None:
        return
    accepted = tuple(accepted)
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a string, one of: {_accepted(accepted)} (got {type(value).__name__})"
        )
    if value not in accepted:
        raise ValueError(f"{name} must be one of: {_accepted(accepted)} (got {value!r})")


def _check_model_choice(name: str, value: Any, model: str, accepted: Iterable[str]) -> None:
    accepted = tuple(accepted)
    if value is not None and value not in accepted:
        raise ValueError(
            f"{name} {value!r} is not supported by {model}; accepted: {_accepted(accepted)}"
        )


def _check_model_str(name: str, model: Any) -> None:
    if not isinstance(model, str):
        raise TypeError(f"{name} must be a model id string (got {type(model).__name__})")
    if not model.strip():
        raise ValueError(f"{name} must be a non-empty model id (got {model!r})")


def _known(model: Any, kinds: tuple[str, ...], what: str) -> dict[str, Any] | None:
    """The catalog row of a known model, after checking it is of the right kind; else None."""
    if model is None:
        return None
    _check_model_str("model", model)
    row = model_info(model)
    if row is None:
        return None
    if row["kind"] not in kinds:
        raise ValueError(
            f"model {model!r} is {_an(row['kind'])} {row['kind']} model, not {_an(what)} {what}; "
            f"known {what}s: "
            f"{_accepted(m for m, r in _all_rows() if r['kind'] in kinds)}"
        )
    return row


def _an(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _all_rows() -> list[tuple[str, dict[str, Any]]]:
    from ._catalog import known_models

    return list(known_models().items())


def _models_with(flag: str) -> str:
    return _accepted(m for m, r in _all_rows() if r.get(flag))


def _is_str_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


# -- chat ----------------------------------------------------------------------------------------
def _message_dict(message: Any, i: int) -> dict[str, Any]:
    if isinstance(message, dict):
        return message
    if isinstance(message, Mapping):
        # A Result (e.g. resp.choices[0].message fed back into the conversation).
        to_dict: Callable[[], dict[str, Any]] | None = getattr(message, "to_dict", None)
        return to_dict() if callable(to_dict) else dict(message)
    raise TypeError(
        f"messages[{i}] must be a dict such as {{'role': 'user', 'content': '...'}} "
        f"(got {type(message).__name__})"
    )


def _check_content(i: int, role: str, message: dict[str, Any], *, required: bool) -> None:
    if "content" not in message or message["content"] is None:
        if required:
            raise ValueError(f"messages[{i}] (role {role!r}) requires 'content'")
        return
    content = message["content"]
    if isinstance(content, str):
        return
    if isinstance(content, (list, tuple)):
        if not content:
            raise ValueError(f"messages[{i}].content must not be an empty list")
        for j, part in enumerate(content):
            if not isinstance(part, Mapping) or not isinstance(part.get("type"), str):
                raise TypeError(
                    f"messages[{i}].content[{j}] must be a content part dict with a 'type' "
                    "(e.g. {'type': 'text', 'text': '...'})"
                )
        return
    raise TypeError(
        f"messages[{i}].content must be a string or a list of content parts "
        f"(got {type(content).__name__})"
    )


def _check_messages(messages: Any) -> list[dict[str, Any]]:
    if isinstance(messages, (str, bytes)) or not isinstance(messages, (list, tuple)):
        raise TypeError(
            "messages must be a list of dicts such as [{'role': 'user', 'content': 'Hi'}] "
            f"(got {type(messages).__name__})"
        )
    if not messages:
        raise ValueError("messages must be a non-empty list of messages")
    out = []
    for i, raw in enumerate(messages):
        message = _message_dict(raw, i)
        role = message.get("role")
        if role not in CHAT_ROLES:
            raise ValueError(
                f"messages[{i}].role must be one of: {_accepted(CHAT_ROLES)} (got {role!r})"
            )
        if role == "assistant":
            has_call = bool(message.get("tool_calls") or message.get("function_call"))
            _check_content(i, role, message, required=not has_call)
        elif role == "function":
            if not isinstance(message.get("name"), str):
                raise ValueError(f"messages[{i}] (role 'function') requires 'name'")
            _check_content(i, role, message, required=False)
        else:
            _check_content(i, role, message, required=True)
        if role == "tool" and not isinstance(message.get("tool_call_id"), str):
            raise ValueError(f"messages[{i}] (role 'tool') requires 'tool_call_id'")
        out.append(message)
    return out


def _mentions_json(messages: list[dict[str, Any]]) -> bool:
    for m in messages:
        content = m.get("content")
        if isinstance(content, str):
            if "json" in content.lower():
                return True
        elif isinstance(content, (list, tuple)):
            for part in content:
                text = part.get("text") if isinstance(part, Mapping) else None
                if isinstance(text, str) and "json" in text.lower():
                    return True
    return False


def _check_response_format(value: Any, messages: list[dict[str, Any]]) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise TypeError(
            "response_format must be a dict such as {'type': 'json_object'}; accepted types: "
            f"{_accepted(RESPONSE_FORMAT_TYPES)} (got {type(value).__name__})"
        )
    kind = value.get("type")
    if kind not in RESPONSE_FORMAT_TYPES:
        raise ValueError(
            f"response_format['type'] must be one of: {_accepted(RESPONSE_FORMAT_TYPES)} "
            f"(got {kind!r})"
        )
    if kind == "json_schema":
        schema = value.get("json_schema")
        if not isinstance(schema, Mapping) or not isinstance(schema.get("name"), str):
            raise ValueError(
                "response_format of type 'json_schema' requires json_schema={'name': ..., "
                "'schema': {...}}"
            )
    if kind == "json_object" and not _mentions_json(messages):
        # The API refuses JSON mode unless the conversation asks for JSON.
        raise ValueError(
            "response_format {'type': 'json_object'} requires the word 'json' in the messages "
            "(tell the model to answer in JSON)"
        )


def _check_tools(tools: Any, tool_choice: Any) -> None:
    if tools is not None:
        if not isinstance(tools, (list, tuple)):
            raise TypeError(f"tools must be a list of tool dicts (got {type(tools).__name__})")
        for i, tool in enumerate(tools):
            if not isinstance(tool, Mapping) or tool.get("type") not in ("function", "custom"):
                raise ValueError(
                    f"tools[{i}] must be a dict with type 'function' or 'custom' "
                    "(e.g. {'type': 'function', 'function': {'name': ...}})"
                )
            if tool["type"] == "function":
                fn = tool.get("function")
                if not isinstance(fn, Mapping) or not isinstance(fn.get("name"), str):
                    raise ValueError(f"tools[{i}] requires function={{'name': ...}}")
    if tool_choice is None:
        return
    if isinstance(tool_choice, str):
        check_choice("tool_choice", tool_choice, TOOL_CHOICE_MODES)
    elif not isinstance(tool_choice, Mapping) or "type" not in tool_choice:
        raise TypeError(
            f"tool_choice must be one of: {_accepted(TOOL_CHOICE_MODES)}, or a dict such as "
            "{'type': 'function', 'function': {'name': ...}}"
        )
    if not tools:
        raise ValueError("tool_choice is only allowed when tools are given")


def validate_chat(
    model: Any, messages: Any, stream: Any, params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Check a chat completion request; returns the messages as plain dicts."""
    _check_model_str("model", model)
    row = _known(model, ("chat",), "chat model")
    msgs = _check_messages(messages)
    if not isinstance(stream, bool):
        raise TypeError(f"stream must be True or False (got {stream!r})")
    p = params.get
    check_number("temperature", p("temperature"), 0, 2)
    check_number("top_p", p("top_p"), 0, 1)
    check_number("presence_penalty", p("presence_penalty"), -2, 2)
    check_number("frequency_penalty", p("frequency_penalty"), -2, 2)
    check_int("n", p("n"), 1, 128)
    check_int("top_logprobs", p("top_logprobs"), 0, 20)
    check_int("seed", p("seed"))
    limit = row.get("max_output_tokens") if row else None
    for name in ("max_tokens", "max_completion_tokens"):
        check_int(name, p(name), 1)
        if limit and p(name) is not None and p(name) > limit:
            raise ValueError(f"{name} must be at most {limit} for {model} (got {p(name)})")
    if row is not None and row.get("reasoning"):
        # Reasoning models refuse these outright (400 unsupported_parameter / unsupported_value).
        if p("max_tokens") is not None:
            raise ValueError(f"max_tokens is not supported by {model} (a reasoning model); "
                             "use max_completion_tokens instead")
        if p("temperature") is not None and p("temperature") != 1:
            raise ValueError(f"temperature is not supported by {model} (a reasoning model): "
                             f"only the default 1 is accepted (got {_fmt(p('temperature'))})")
    if p("top_logprobs") is not None and p("logprobs") is not True:
        raise ValueError("top_logprobs requires logprobs=True")
    stop = p("stop")
    if stop is not None and not isinstance(stop, str):
        if not _is_str_list(stop) or not 1 <= len(stop) <= 4:
            raise ValueError(f"stop must be a string or a list of 1 to 4 strings (got {stop!r})")
    _check_response_format(p("response_format"), msgs)
    _check_tools(p("tools"), p("tool_choice"))
    if p("stream_options") is not None:
        if not stream:
            raise ValueError("stream_options is only allowed with stream=True")
        if not isinstance(p("stream_options"), Mapping):
            raise TypeError("stream_options must be a dict such as {'include_usage': True}")
    return msgs


# -- embeddings -----------------------------------------------------------------------------------
def validate_embeddings(input: Any, model: Any, encoding_format: Any, dimensions: Any) -> Any:
    """Check an embeddings request; returns ``input`` as JSON-ready (lists, not tuples/arrays)."""
    _check_model_str("model", model)
    row = _known(model, ("embedding",), "embedding model")
    check_choice("encoding_format", encoding_format, EMBEDDING_ENCODINGS)
    check_int("dimensions", dimensions, 1)
    if dimensions is not None and row is not None:
        if not row.get("custom_dimensions"):
            raise ValueError(
                f"dimensions is not supported by {model}; models that accept it: "
                f"{_models_with('custom_dimensions')}"
            )
        if dimensions > row["dimensions"]:
            raise ValueError(
                f"dimensions must be between 1 and {row['dimensions']} for {model} "
                f"(got {dimensions})"
            )
    return _check_embedding_input(input)


def _check_embedding_input(value: Any) -> Any:
    accepted = "a string, a list of strings, a list of token ids, or a list of token-id lists"
    if isinstance(value, str):
        if not value:
            raise ValueError("input must not be an empty string")
        return value
    if hasattr(value, "tolist") and not isinstance(value, (list, tuple)):
        value = value.tolist()  # numpy arrays, pandas Series
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"input must be {accepted} (got {type(value).__name__})")
    if not value:
        raise ValueError("input must not be empty")
    if len(value) > MAX_EMBEDDING_ITEMS:
        raise ValueError(
            f"input must have at most {MAX_EMBEDDING_ITEMS} items (got {len(value)}); "
            "split it into batches"
        )
    first = value[0]
    if isinstance(first, str):
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise TypeError(f"input[{i}] must be a string like the other items "
                                f"(got {type(item).__name__})")
            if not item:
                raise ValueError(f"input[{i}] is an empty string; the API rejects empty strings")
    elif isinstance(first, int) and not isinstance(first, bool):
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in value):
            raise TypeError(f"input must be {accepted} (a token list holds only integers)")
    elif isinstance(first, (list, tuple)):
        for i, item in enumerate(value):
            if not isinstance(item, (list, tuple)) or not all(
                isinstance(t, int) and not isinstance(t, bool) for t in item
            ):
                raise TypeError(f"input[{i}] must be a list of token ids (integers)")
            if not item:
                raise ValueError(f"input[{i}] is an empty token list")
        return [list(item) for item in value]
    else:
        raise TypeError(f"input must be {accepted} (got a list of {type(first).__name__})")
    return list(value)


# -- moderations --------------------------------------------------------------------------------
def validate_moderation(input: Any, model: Any) -> Any:
    """Check a moderation request; returns ``input`` JSON-ready."""
    if model is not None:
        _check_model_str("model", model)
        _known(model, ("moderation",), "moderation model")
    accepted = ("a string, a list of strings, or a list of {'type': 'text', ...} / "
                "{'type': 'image_url', ...} parts")
    if isinstance(input, str):
        return input
    if not isinstance(input, (list, tuple)):
        raise TypeError(f"input must be {accepted} (got {type(input).__name__})")
    if not input:
        raise ValueError("input must not be an empty list")
    if all(isinstance(v, str) for v in input):
        return list(input)
    for i, part in enumerate(input):
        if not isinstance(part, Mapping) or part.get("type") not in ("text", "image_url"):
            raise TypeError(f"input[{i}] must be a string or a {{'type': 'text' | 'image_url', "
                            f"...}} part; input must be {accepted}")
    return [dict(p) for p in input]
