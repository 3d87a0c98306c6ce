"""Source of a scripted chat client, written next to the test notebooks (``scripted.py``).

It streams a fixed reply at a set pace so a browser test can press Stop mid-stream, or carry
markup a model might send. It needs only the package's public result classes.
"""

SOURCE = '''
import time
from lcoai_notebook._models import ChatCompletionChunk, Result


class _Completions:
    def __init__(self, owner):
        self.owner = owner

    def create(self, **kwargs):
        return self.owner.stream()


class _Chat:
    def __init__(self, owner):
        self.completions = _Completions(owner)


class _Models:
    def list(self, **kwargs):
        return [Result({"id": "gpt-5.4-mini", "object": "model"})]


class ScriptedClient:
    """Streams ``pieces`` one chunk each, ``pause`` seconds apart."""

    def __init__(self, pieces, pause=0.0):
        self.pieces = list(pieces)
        self.pause = pause
        self.chat = _Chat(self)
        self.models = _Models()

    def stream(self):
        for piece in self.pieces:
            if self.pause:
                time.sleep(self.pause)
            yield ChatCompletionChunk({"object": "chat.completion.chunk", "choices": [
                {"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
'''
