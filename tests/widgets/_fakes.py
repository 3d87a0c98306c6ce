"""A scripted chat client for panel tests: streams a given reply in chunks, records requests.

Used where the emulator cannot say what a test needs (a reply carrying markup, 5,000 chunks at a
controlled pace); everything else runs against the emulator.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from lcoai_notebook._models import ChatCompletionChunk, Result


class _Completions:
    def __init__(self, owner: ScriptedChatClient) -> None:
        self.owner = owner

    def create(self, **kwargs: Any) -> Any:
        self.owner.requests.append(kwargs)
        if not kwargs.get("stream"):
            return Result({"choices": [{"index": 0, "message": {
                "role": "assistant", "content": "".join(self.owner.pieces)}}]})
        return self.owner.stream()


class _Chat:
    def __init__(self, owner: ScriptedChatClient) -> None:
        self.completions = _Completions(owner)


class _Models:
    def list(self, **_: Any) -> list[Result]:
        return [Result({"id": "gpt-5.4-mini", "object": "model"}),
                Result({"id": "gpt-4.1-mini", "object": "model"})]


class ScriptedChatClient:
    """Streams ``pieces`` (one chunk each), sleeping ``pause`` seconds every ``every`` chunks."""

    def __init__(self, pieces: list[str], pause: float = 0.0, every: int = 1) -> None:
        self.pieces = pieces
        self.pause = pause
        self.every = every
        self.requests: list[dict[str, Any]] = []
        self.chat = _Chat(self)
        self.models = _Models()

    def stream(self) -> Iterator[ChatCompletionChunk]:
        for i, piece in enumerate(self.pieces):
            if self.pause and i % self.every == 0:
                time.sleep(self.pause)
            yield ChatCompletionChunk({"object": "chat.completion.chunk", "choices": [
                {"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
        yield ChatCompletionChunk({"object": "chat.completion.chunk", "choices": [], "usage": {
            "prompt_tokens": 3, "completion_tokens": len(self.pieces),
            "total_tokens": 3 + len(self.pieces)}})
