"""Legacy text completions: ``POST /v1/completions`` (``gpt-3.5-turbo-instruct`` and ``ft:``
models), with ``n``, ``max_tokens``, ``stop``, ``echo``, ``suffix``, ``logprobs``, ``best_of``
and ``stream`` (SSE of ``text_completion`` chunks).

The text continues the prompt deterministically with the content helpers of :mod:`._text`
(same request, same words); ``max_tokens`` (default 16, as the API's) cuts it with
``finish_reason: "length"``. ``suffix`` is accepted and does not change the text.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from ._errors import EmuError, invalid
from ._router import SSE, EmuRequest
from ._text import (
    MISSING_MODEL,
    check_bool,
    check_int,
    check_number,
    check_str,
    compose,
    count_tokens,
    rng,
)

__all__: list[str] = []

_ENDOFTEXT = "<|endoftext|>"


def _prompts(value: Any) -> list[str]:
    """The prompts as strings (token arrays are shown as their numbers)."""
    if value is None:
        return [_ENDOFTEXT]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        if all(isinstance(p, str) for p in value):
            return list(value)
        if all(isinstance(t, int) and not isinstance(t, bool) for t in value):
            return [" ".join(map(str, value))]
        if all(isinstance(p, list) and p and all(isinstance(t, int) for t in p) for p in value):
            return [" ".join(map(str, p)) for p in value]
    raise invalid("Invalid 'prompt': expected a string, an array of strings, an array of tokens "
                  "or an array of token arrays.", param="prompt", code="invalid_type")


def _stops(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and len(value) <= 4 and all(isinstance(s, str) for s in value):
        return list(value)
    raise invalid("Invalid 'stop': expected a string or an array of at most 4 strings.",
                  param="stop")


def _cut(text: str, stops: list[str], max_tokens: int | None) -> tuple[str, str]:
    cut = min((i for i in (text.find(s) for s in stops if s) if i >= 0), default=-1)
    finish = "stop"
    if cut >= 0:
        text = text[:cut]
    if max_tokens is not None and count_tokens(text) > max_tokens:
        text, finish = text[:max_tokens * 4], "length"
    return text, finish


def _logprobs(text: str, offset: int, k: int, seed: Any) -> dict[str, Any]:
    r = rng("logprobs", seed, text)
    tokens = [text[i:i + 4] for i in range(0, len(text), 4)]
    lps = [round(-r.random() * 2, 4) for _ in tokens]
    # The chosen token plus k - 1 made-up, less likely alternatives.
    top = [{tok: lp, **{f"{tok.strip() or '_'}#{j}": round(lp - 0.5 - j, 4)
                        for j in range(max(0, k - 1))}}
           for tok, lp in zip(tokens, lps, strict=True)]
    offsets, pos = [], offset
    for tok in tokens:
        offsets.append(pos)
        pos += len(tok)
    return {"tokens": tokens, "token_logprobs": lps, "top_logprobs": top, "text_offset": offsets}


def create_completion(req: EmuRequest) -> dict[str, Any] | SSE:
    body = req.json()
    app = req.app
    model = body.get("model")
    if model is None:
        raise invalid(MISSING_MODEL)
    row = app.require_model(model, ("completion", "chat"))
    if row.get("kind") == "chat" and not row.get("fine_tuned"):
        raise EmuError(404, "This is a chat model and not supported in the v1/completions "
                       "endpoint. Did you mean to use v1/chat/completions?", param="model")
    prompts = _prompts(body.get("prompt"))
    n = check_int(body, "n", default=1, lo=1, hi=128)
    best_of = check_int(body, "best_of", default=n, lo=0, hi=20)
    assert n is not None and best_of is not None
    if best_of < n:
        raise invalid("best_of must be greater than or equal to n.", param="best_of")
    max_tokens = check_int(body, "max_tokens", default=16, lo=0)
    temperature = check_number(body, "temperature", default=1.0, lo=0, hi=2)
    check_number(body, "top_p", lo=0, hi=1)
    check_number(body, "presence_penalty", lo=-2, hi=2)
    check_number(body, "frequency_penalty", lo=-2, hi=2)
    seed = check_int(body, "seed")
    logprobs = check_int(body, "logprobs", lo=0, hi=5)
    echo = check_bool(body, "echo")
    stream = check_bool(body, "stream")
    check_str(body, "suffix")
    stops = _stops(body.get("stop"))
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    if stream and best_of > n:
        raise invalid("Cannot stream results when best_of is greater than n.", param="best_of")

    choices = []
    for p_i, prompt in enumerate(prompts):
        for j in range(n):
            r = rng("completion", app.config.seed, model, prompt, seed, round(temperature or 0, 3),
                    j)
            natural = compose(r, prompt, r.randint(20, 60), temperature=temperature or 0.0,
                              opening=False)
            text, finish = _cut(" " + natural, stops, max_tokens)
            shown = (prompt + text) if echo else text
            choice = {"text": shown, "index": p_i * n + j, "logprobs": None,
                      "finish_reason": finish, "_tokens": count_tokens(text)}
            if logprobs is not None:
                choice["logprobs"] = _logprobs(shown, 0, logprobs, (seed, p_i, j))
            choices.append(choice)
    prompt_tokens = sum(count_tokens(p) for p in prompts)
    completion_tokens = sum(c.pop("_tokens") for c in choices)
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
             "total_tokens": prompt_tokens + completion_tokens}
    head = {"id": app.new_id("cmpl-"), "object": "text_completion", "created": app.now(),
            "model": model}
    if stream:
        return SSE(_stream(head, choices, usage if include_usage else None))
    return {**head, "choices": choices, "usage": usage}


def _stream(head: dict[str, Any], choices: list[dict[str, Any]],
            usage: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """Each choice's text in pieces of a few words, then its finish reason; usage last."""
    for c in choices:
        words = c["text"].split(" ")
        size = max(1, math.ceil(len(words) / 8))
        for i in range(0, len(words), size):
            piece = " ".join(words[i:i + size])
            piece = piece if i == 0 else " " + piece
            yield {**head, "choices": [{"text": piece, "index": c["index"], "logprobs": None,
                                        "finish_reason": None}]}
        yield {**head, "choices": [{"text": "", "index": c["index"], "logprobs": None,
                                    "finish_reason": c["finish_reason"]}]}
    if usage is not None:
        yield {**head, "choices": [], "usage": usage}
