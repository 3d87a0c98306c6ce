"""A stand-in for the emulator app (``req.app``) for unit tests of the content routes.

It offers exactly what the content handlers use: ``config``, ``models``, ``require_model``,
``new_id``, ``now``, ``store`` and ``lock``; :func:`call` runs one route handler directly.
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

from lcoai_notebook._catalog import known_models
from lcoai_notebook.emulator._config import EmuConfig
from lcoai_notebook.emulator._errors import EmuError, invalid, not_found
from lcoai_notebook.emulator._router import EmuRequest, Upload, match_route


class StubApp:
    def __init__(self, **config: Any) -> None:
        self.config = EmuConfig(**config)
        self.models = {k: dict(v) for k, v in known_models().items()}
        self.lock = threading.RLock()
        self._ids = itertools.count()
        self._stores: dict[str, Any] = {}

    def require_model(self, model_id: str, kinds: tuple[str, ...] = ("chat",),
                      param: str = "model") -> dict[str, Any]:
        row = self.models.get(model_id)
        if row is None:
            raise not_found(f"The model `{model_id}` does not exist or you do not have access "
                            "to it.", param=param, code="model_not_found")
        if row.get("kind") not in kinds:
            raise invalid(f"The model `{model_id}` is not supported for this endpoint.",
                          param=param)
        return row

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):024d}"

    def now(self) -> int:
        return 1_760_000_000

    def store(self, name: str, factory: Any) -> Any:
        with self.lock:
            if name not in self._stores:
                self._stores[name] = factory()
            return self._stores[name]


def call(app: StubApp, method: str, path: str, body: Any = None, *,
         form: tuple[dict[str, Any], dict[str, list[Upload]]] | None = None,
         headers: dict[str, str] | None = None) -> Any:
    """Run the handler registered for ``method path`` (``/v1/...``) and return its result."""
    import lcoai_notebook.emulator._audio  # noqa: F401  (registers the content routes)
    import lcoai_notebook.emulator._chat  # noqa: F401
    import lcoai_notebook.emulator._embeddings  # noqa: F401
    import lcoai_notebook.emulator._images  # noqa: F401
    import lcoai_notebook.emulator._moderation  # noqa: F401

    path, _, qs = path.partition("?")
    found = match_route(method, path)
    assert found is not None, f"no route for {method} {path}"
    rt, params = found
    raw = json.dumps(body).encode() if body is not None and form is None else b""
    req = EmuRequest(method=method, path=path, path_params=params,
                     query=dict(p.split("=", 1) for p in qs.split("&") if p),
                     headers={"content-type": "application/json", **(headers or {})},
                     body=raw, app=app, _form=form)
    return rt.handler(req)


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
