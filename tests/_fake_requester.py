"""A fake requester honouring the contract in lcoai_notebook/_http.py, for API-layer tests.

It records every RequestSpec and answers from a handler ``handler(spec) -> value``: a JSON body
(dict) for ``response="json"``, ``(bytes, content_type)`` for ``"bytes"``, ``str`` for ``"text"``,
a list of event dicts for ``stream=True``. The value goes through ``spec.cast`` as the real
requester does. A handler may raise to simulate an API error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class FakeRequester:
    def __init__(self, handler: Callable[[Any], Any], *, is_async: bool = False) -> None:
        self.handler = handler
        self.is_async = is_async
        self.specs: list[Any] = []

    def _answer(self, spec: Any) -> Any:
        self.specs.append(spec)
        value = self.handler(spec)
        if spec.stream:
            return [spec.cast(event) for event in value]
        if spec.response == "text":
            return spec.cast(value)
        return spec.cast(value)

    def request(self, spec: Any) -> Any:
        if self.is_async:
            return self._async_answer(spec)
        return self._answer(spec)

    async def _async_answer(self, spec: Any) -> Any:
        return self._answer(spec)


def render_path(spec: Any) -> str:
    """The New-format path a real requester would build (for assertions)."""
    path = spec.path
    for name, value in spec.path_params.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"unfilled placeholder in {spec.path}"
    return path


def canned(body: Any) -> Callable[[Any], Any]:
    """A handler that always returns ``body``."""
    return lambda spec: body
