"""The one fake requester: implements :class:`lcoai_notebook._contracts.Requester` for the API-layer
tests (``tests/test_contracts.py`` checks it against the Protocol and the real shells).

It records every RequestSpec (``.specs``, the last one as ``.spec``) and answers with a value
from ``handler(spec)``, or the fixed ``reply`` when there is no handler. The value is what the
server's body would parse to, and goes through the spec as the real requester's ``parse_success``
does:

- ``response="json"``: a JSON body; copied through ``json`` (so the cast gets fresh dicts it may
  own, as from the wire) and passed to ``spec.cast``.
- ``"bytes"``: the bytes, or ``(bytes, content_type)``; ``spec.cast((content, content_type))``
  unless the cast is the default (then the bytes themselves).
- ``"text"``: a str, through ``spec.cast`` unless the cast is the default.
- ``"auto"``: a str is text (``spec.text_cast``), anything else JSON.
- ``stream=True``: a list of event dicts stands for the stream: ``[spec.cast(event), ...]``.

A handler may raise to simulate an API error. ``is_async=True`` makes ``request`` return a
coroutine (errors raised when it is awaited, as from the real ``AsyncRequester``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from lcoai_notebook._models import Result
from lcoai_notebook._requester import RequestSpec


class FakeRequester:
    """A :class:`~lcoai_notebook._contracts.Requester` answering from ``handler`` or ``reply``."""

    def __init__(self, handler: Callable[[RequestSpec], Any] | None = None, *,
                 reply: Any = None, flavor: str = "lowcodeapi",
                 content_type: str = "application/json", is_async: bool = False) -> None:
        self.handler = handler
        self.reply = reply if reply is not None else {}
        self.flavor = flavor
        self.content_type = content_type
        self.is_async = is_async
        self.specs: list[RequestSpec] = []

    @property
    def spec(self) -> RequestSpec:
        """The last spec sent."""
        assert self.specs, "no request was made"
        return self.specs[-1]

    def request(self, spec: RequestSpec) -> Any:
        if self.is_async:
            return self._async_answer(spec)
        return self._answer(spec)

    async def _async_answer(self, spec: RequestSpec) -> Any:
        return self._answer(spec)

    def _answer(self, spec: RequestSpec) -> Any:
        self.specs.append(spec)
        value = self.handler(spec) if self.handler is not None else self.reply
        default_cast = spec.cast is Result
        if spec.stream:
            return [spec.cast(_wire_copy(event)) for event in value]
        if spec.response == "bytes":
            content, ctype = value if isinstance(value, tuple) else (value, self.content_type)
            return content if default_cast else spec.cast((content, ctype))
        if spec.response == "text":
            return value if default_cast else spec.cast(value)
        if spec.response == "auto" and isinstance(value, str):
            return spec.text_cast(value)
        return spec.cast(_wire_copy(value))


def _wire_copy(value: Any) -> Any:
    """``value`` as a JSON round trip leaves it (what the cast would get from the wire)."""
    return json.loads(json.dumps(value))


def render_path(spec: RequestSpec) -> str:
    """The New-format path a real requester would build (for assertions)."""
    path = spec.path
    for name, value in spec.path_params.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"unfilled placeholder in {spec.path}"
    return path


def canned(body: Any) -> Callable[[RequestSpec], Any]:
    """A handler that always returns ``body``."""
    return lambda spec: body
