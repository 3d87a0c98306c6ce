"""The one stand-in for the emulator app (``req.app``), to run route handlers on their own.

:class:`StubApp` *is* an :class:`~lcoai_notebook.emulator._app.EmuApp` (so it offers exactly the
:class:`~lcoai_notebook.emulator._router.AppServices` the handlers may use, with the real
``store``, ``new_id`` and ``require_model``), plus a clock the test moves by hand and, for the
stateful modules, tiny fake chat and embeddings answers behind ``dispatch`` (so runs and batches
are tested without the content helpers). ``tests/test_contracts.py`` checks it against the
Protocol.

- :func:`call` / :func:`error_of` run one handler and return its result / the ``EmuError``;
- ``StubApp.call`` runs one request through the route table and returns ``(status, body)``;
- :func:`route` adds a route to the table for one test (restore ``ROUTES`` afterwards);
- :class:`EmuHTTP` and :func:`emulator_http` talk HTTP to ``Emulator(...).transport()``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from lcoai_notebook.emulator._app import EmuApp
from lcoai_notebook.emulator._config import EmuConfig
from lcoai_notebook.emulator._errors import EmuError, missing
from lcoai_notebook.emulator._router import (
    SSE,
    EmuRequest,
    RouteHandler,
    Upload,
    compile_route,
    match_route,
)
from lcoai_notebook.emulator._routes import ROUTES


def route(method: str, template: str) -> Callable[[RouteHandler], RouteHandler]:
    """Add ``handler`` to the route table for one test (the test puts ``ROUTES`` back after)."""

    def deco(fn: RouteHandler) -> RouteHandler:
        ROUTES.append(compile_route(method, template, fn))
        return fn

    return deco


def fake_chat(body: dict[str, Any]) -> dict[str, Any]:
    """Echo-ish chat: a call of the first function whenever tools are offered and the last
    message is from the user (as the real chat route does); else a reply quoting it."""
    msgs = body["messages"]
    last = msgs[-1]
    tools = body.get("tools") or []
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    finish = "stop"
    if tools and last["role"] == "user" and body.get("tool_choice") != "none":
        fn = tools[0]["function"]["name"]
        message["tool_calls"] = [{"id": "call_" + hashlib.md5(str(msgs).encode()).hexdigest()[:20],
                                  "type": "function",
                                  "function": {"name": fn, "arguments": '{"city": "Oslo"}'}}]
        finish = "tool_calls"
    if finish == "stop":
        text = last["content"] if isinstance(last["content"], str) else json.dumps(last["content"])
        message["content"] = f"reply to {last['role']}: {text}"
    return {"id": "chatcmpl-x", "object": "chat.completion", "created": 1, "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish,
                         "logprobs": None}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}}


def fake_embeddings(body: dict[str, Any]) -> dict[str, Any]:
    if "input" not in body:
        raise missing("input")
    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
    return {"object": "list", "model": body["model"],
            "data": [{"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0]}
                     for i, t in enumerate(inputs)],
            "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs)}}


FAKES = {"/v1/chat/completions": (fake_chat, "chat"),
         "/v1/embeddings": (fake_embeddings, "embedding")}


class StubApp(EmuApp):
    """An ``EmuApp`` with a hand-moved clock; ``fakes=True`` answers chat and embeddings sent
    through ``dispatch`` with :func:`fake_chat` / :func:`fake_embeddings`."""

    def __init__(self, fakes: bool = True, **config: Any) -> None:
        super().__init__(EmuConfig(**config))
        self.clock = 1000.0
        self.fakes = fakes
        self.dispatched = 0

    def now(self) -> int:
        return 1_700_000_000 + int(self.clock)

    def monotonic(self) -> float:
        return self.clock

    def advance(self, steps: float) -> None:
        # A hair past the boundary, so float rounding never leaves a job one state behind.
        self.clock += steps * self.config.job_step_seconds + 1e-9

    def dispatch(self, method: str, path: str, json: Any = None) -> tuple[int, dict[str, Any]]:
        self.dispatched += 1
        if self.fakes and path in FAKES:
            fake, kind = FAKES[path]
            try:
                self.require_model((json or {}).get("model"), (kind,))
                return 200, fake(json)
            except EmuError as exc:
                return exc.status, exc.body()
        return self.call(method, path, json=json)

    def call(self, method: str, path: str, json: Any = None, query: dict[str, str] | None = None,
             form: tuple[dict[str, Any], dict[str, list[Upload]]] | None = None,
             raw: bytes | None = None) -> tuple[int, Any]:
        """(status, body): body is the JSON dict, the Raw, or the list of SSE events."""
        path, _, qs = path.partition("?")
        q = dict(parse_qsl(qs))
        q.update(query or {})
        found = match_route(method, path, ROUTES)
        if found is None:
            return 404, {"message": "Not Found"}
        body = raw if raw is not None else (b"" if json is None else _dumps(json))
        try:
            out = _run(self, found, method, path, q, {"content-type": "application/json"}, body,
                       form)
        except EmuError as exc:
            return exc.status, exc.body()
        if isinstance(out, SSE):
            return 200, list(out.events)
        return 200, out

    def upload(self, content: bytes, purpose: str, filename: str = "data.jsonl",
               **fields: Any) -> tuple[int, Any]:
        return self.call("POST", "/v1/files",
                         form=({"purpose": purpose, **fields},
                               {"file": [Upload(filename, content)]}))

    def ok(self, method: str, path: str, json: Any = None, **kw: Any) -> Any:
        status, body = self.call(method, path, json=json, **kw)
        assert status == 200, (status, body)
        return body


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def _run(app: StubApp, found: Any, method: str, path: str, query: dict[str, str],
         headers: dict[str, str], body: bytes, form: Any) -> Any:
    rt, params = found
    req = EmuRequest(method=method, path=path, path_params=params, query=query, headers=headers,
                     body=body, app=app, _form=form)
    return rt.handler(req)


def call(app: StubApp, method: str, path: str, body: Any = None, *,
         form: tuple[dict[str, Any], dict[str, list[Upload]]] | None = None,
         headers: dict[str, str] | None = None) -> Any:
    """Run the handler of the table's route for ``method path`` (``/v1/...``) and return its
    result (an ``EmuError`` propagates)."""
    path, _, qs = path.partition("?")
    found = match_route(method, path, ROUTES)
    assert found is not None, f"no route for {method} {path}"
    raw = _dumps(body) if body is not None and form is None else b""
    query = dict(p.split("=", 1) for p in qs.split("&") if p)
    return _run(app, found, method, path, query,
                {"content-type": "application/json", **(headers or {})}, raw, form)


def error_of(app: StubApp, method: str, path: str, body: Any = None, **kw: Any) -> EmuError:
    """The EmuError the handler raises (fails the test if it returns normally)."""
    try:
        call(app, method, path, body, **kw)
    except EmuError as exc:
        return exc
    raise AssertionError("expected an EmuError")


def emulator_http(flavor: str = "openai", **kw: Any):
    """``(client, prefix, auth)`` for raw httpx calls through ``Emulator(...).transport()``.

    ``prefix`` is the base URL up to ``/v1`` exclusive; ``auth`` is the keyword arguments
    (``headers`` or ``params``) that authenticate a request in that flavor.
    """
    import httpx

    from lcoai_notebook.emulator import Emulator

    emu = Emulator(flavor=flavor, **kw)
    client = httpx.Client(transport=emu.transport(), timeout=30)
    if flavor == "openai":
        base = emu.inprocess_url.rsplit("/v1", 1)[0]
        auth: dict[str, Any] = {"headers": {"Authorization": f"Bearer {emu.api_token}"}}
    else:
        base = emu.inprocess_url
        auth = {"params": {"api_token": emu.api_token}}
    return client, base, auth


def result_of(flavor: str, response: Any) -> Any:
    """The OpenAI body of a JSON success in either flavor (the envelope's ``result``)."""
    assert response.status_code == 200, response.text
    body = response.json()
    return body["result"] if flavor == "lowcodeapi" else body


def chat_jsonl(n: int, *, bad_line: int | None = None) -> bytes:
    """``n`` chat-format training examples (line ``bad_line`` replaced by non-JSON)."""
    lines = []
    for i in range(n):
        if i == bad_line:
            lines.append("this is not json")
            continue
        lines.append(json.dumps({"messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": f"What is {i} + {i}?"},
            {"role": "assistant", "content": str(2 * i)}]}))
    return ("\n".join(lines) + "\n").encode()


class EmuHTTP:
    """Raw httpx against ``Emulator(...).transport()`` in either flavor; ``call`` unwraps the
    LowCodeAPI envelope so both flavors give ``(status, OpenAI body)``."""

    def __init__(self, flavor: str = "openai", **config: Any) -> None:
        import httpx

        from lcoai_notebook.emulator import Emulator

        self.flavor = flavor
        self.emu = Emulator(flavor=flavor, **config)
        self.app = self.emu.app
        auth = {} if flavor == "lowcodeapi" else {"Authorization": f"Bearer {self.emu.api_token}"}
        self.params = {"api_token": self.emu.api_token} if flavor == "lowcodeapi" else {}
        self.http = httpx.Client(transport=self.emu.transport(), base_url=self.emu.inprocess_url,
                                 headers=auth, timeout=30)

    def close(self) -> None:
        self.http.close()

    def raw(self, method: str, path: str, **kw: Any) -> Any:
        """The httpx response (``path`` without /v1: relative to the base URL)."""
        params = {**self.params, **(kw.pop("params", None) or {})}
        prefix = "v1/" if self.flavor == "lowcodeapi" else ""
        return self.http.request(method, prefix + path.lstrip("/"), params=params, **kw)

    def call(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        r = self.raw(method, path, **kw)
        if not r.headers.get("content-type", "").startswith("application/json"):
            return r.status_code, r
        body = r.json()
        if self.flavor == "lowcodeapi":
            if r.status_code == 200:
                assert body["message"] == "Request completed", body
                return 200, body["result"]
            return r.status_code, body["error"]
        return r.status_code, body

    def ok(self, method: str, path: str, **kw: Any) -> Any:
        status, body = self.call(method, path, **kw)
        assert status == 200, (status, body)
        return body

    def upload(self, content: bytes, purpose: str, filename: str = "data.jsonl") -> Any:
        return self.call("POST", "/files", files={"file": (filename, content)},
                         data={"purpose": purpose})
