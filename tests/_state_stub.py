"""A small stand-in for the emulator app, to test the stateful route handlers on their own.

It offers exactly what the handler contract promises (``store``, ``lock``, ``new_id``, ``now``,
``monotonic``, ``config``, ``models``, ``require_model``, ``dispatch``), a clock the test moves by
hand, and tiny fake content routes (chat, embeddings, moderations) so the stateful modules can be
tested without the content helpers. ``StubApp.call`` runs one request through the route table.
"""

from __future__ import annotations

import hashlib
import json
import json as jsonlib
import threading
from typing import Any
from urllib.parse import parse_qsl

from lcoai_notebook import _catalog
from lcoai_notebook.emulator import (  # noqa: F401  (register the routes)
    _assistants,
    _batches,
    _completions,
    _files,
    _fine_tuning,
    _vector_stores,
)
from lcoai_notebook.emulator._config import EmuConfig
from lcoai_notebook.emulator._errors import EmuError, missing, not_found
from lcoai_notebook.emulator._router import ROUTES, SSE, EmuRequest, Raw, Upload


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


FAKES = {"/v1/chat/completions": fake_chat, "/v1/embeddings": fake_embeddings}


class StubApp:
    def __init__(self, fakes: bool = True, **config: Any) -> None:
        self.config = EmuConfig(**config)
        self.lock = threading.RLock()
        self.models = {k: dict(v) for k, v in _catalog.known_models().items()}
        self.clock = 1000.0
        self._stores: dict[str, Any] = {}
        self._n = 0
        self.fakes = fakes
        self.dispatched = 0

    # -- the contract --
    def store(self, name: str, factory: Any) -> Any:
        with self.lock:
            if name not in self._stores:
                self._stores[name] = factory()
            return self._stores[name]

    def new_id(self, prefix: str) -> str:
        with self.lock:
            self._n += 1
            n = self._n
        return prefix + hashlib.sha256(f"{n}".encode()).hexdigest()[:24]

    def now(self) -> int:
        return 1_700_000_000 + int(self.clock)

    def monotonic(self) -> float:
        return self.clock

    def advance(self, steps: float) -> None:
        # A hair past the boundary, so float rounding never leaves a job one state behind.
        self.clock += steps * self.config.job_step_seconds + 1e-9

    def require_model(self, model: Any, kinds: tuple[str, ...] = ("chat",),
                      param: str = "model") -> dict[str, Any]:
        if model is None:
            raise missing(param)
        with self.lock:
            row = self.models.get(model)
        if row is None:
            raise not_found(f"The model `{model}` does not exist or you do not have access to it.",
                            param=param, code="model_not_found")
        if row["kind"] not in kinds:
            raise EmuError(400, f"The model `{model}` cannot be used here.", param=param)
        return row

    def dispatch(self, method: str, path: str, json: Any = None) -> tuple[int, dict[str, Any]]:
        self.dispatched += 1
        if self.fakes and path in FAKES:
            try:
                model = (json or {}).get("model")
                if path == "/v1/chat/completions":
                    self.require_model(model, ("chat",))
                else:
                    self.require_model(model, ("embedding",))
                return 200, FAKES[path](json)
            except EmuError as exc:
                return exc.status, exc.body()
        status, body = self.call(method, path, json=json)
        return status, body

    # -- test helper --
    def call(self, method: str, path: str, json: Any = None, query: dict[str, str] | None = None,
             form: tuple[dict[str, Any], dict[str, list[Upload]]] | None = None,
             raw: bytes | None = None) -> tuple[int, Any]:
        """(status, body): body is the JSON dict, the Raw, or the list of SSE events."""
        path, _, qs = path.partition("?")
        q = dict(parse_qsl(qs))
        q.update(query or {})
        # Like the app: the most literal template wins (/v1/threads/runs over /v1/threads/{id}).
        matches = [(r, m.groupdict()) for r in ROUTES if r.method == method
                   for m in [r.regex.match(path)] if m]
        if not matches:
            return 404, {"message": "Not Found"}
        r, params = min(matches, key=lambda rm: len(rm[0].params))
        body = raw if raw is not None else (b"" if json is None else jsonlib.dumps(json).encode())
        req = EmuRequest(method=method, path=path, path_params=params, query=q,
                         headers={"content-type": "application/json"}, body=body, app=self,
                         _form=form)
        try:
            out = r.handler(req)
        except EmuError as exc:
            return exc.status, exc.body()
        if isinstance(out, SSE):
            return 200, list(out.events)
        if isinstance(out, Raw):
            return 200, out
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
