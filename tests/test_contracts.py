"""The seams written as ``typing.Protocol``s are honoured by the real classes and by the one fake
on each side: the requester (``lcoai_notebook._contracts``) and the emulator's route handlers
(``lcoai_notebook.emulator._router``)."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest
from _fake_requester import FakeRequester

from lcoai_notebook._contracts import Requester, RequesterDecisions
from lcoai_notebook._http import AsyncRequester, SyncRequester
from lcoai_notebook._requester import BaseRequester


def _protocol_methods(proto: type) -> list[str]:
    return [name for name, value in vars(proto).items()
            if callable(value) and not name.startswith("_")]


def _same_parameters(proto: type, impl: Any) -> None:
    """Every Protocol method exists on ``impl`` with the same parameter names and kinds."""
    for name in _protocol_methods(proto):
        want = _shape(getattr(proto, name))
        assert _shape(getattr(impl, name)) == want, (impl, name)


def _shape(fn: Any) -> list[tuple[str, Any]]:
    """Parameter names and kinds, without ``self`` (a staticmethod honours a method too)."""
    params = list(inspect.signature(fn).parameters.values())
    return [(p.name, p.kind) for p in params if p.name != "self"]


def _requesters() -> list[Any]:
    sync = SyncRequester(httpx.Client(), base_url="http://127.0.0.1:9", api_token="at_x")
    async_ = AsyncRequester(httpx.AsyncClient(), base_url="http://127.0.0.1:9", api_token="at_x")
    return [sync, async_]


def test_the_real_shells_and_the_fake_are_requesters() -> None:
    sync, async_ = _requesters()
    for impl in (sync, async_, FakeRequester(), FakeRequester(is_async=True)):
        assert isinstance(impl, Requester), impl
        _same_parameters(Requester, type(impl))
    assert sync.is_async is False and async_.is_async is True
    sync.close()


def test_the_base_makes_every_decision_the_shells_delegate() -> None:
    assert _protocol_methods(RequesterDecisions)  # the contract is not empty
    _same_parameters(RequesterDecisions, BaseRequester)
    for impl in _requesters():
        assert isinstance(impl, RequesterDecisions)
    # The shells add I/O only: they override no decision.
    for shell in (SyncRequester, AsyncRequester):
        for name in _protocol_methods(RequesterDecisions):
            assert name not in vars(shell), (shell, name)


def test_a_fake_missing_a_member_is_not_a_requester() -> None:
    class NoFlavor:
        is_async = False

        def request(self, spec: Any) -> Any:  # pragma: no cover
            return spec

    assert not isinstance(NoFlavor(), Requester)


def test_the_fake_answers_the_way_the_real_requester_parses() -> None:
    from lcoai_notebook._requester import RequestSpec

    fake = FakeRequester(reply={"a": [1]})
    out = fake.request(RequestSpec("GET", "/x"))
    assert out.to_dict() == {"a": [1]} and fake.spec.path == "/x"
    assert FakeRequester(reply=b"\x00").request(RequestSpec("GET", "/b", response="bytes")) \
        == b"\x00"
    assert FakeRequester(reply="plain").request(RequestSpec("GET", "/t", response="auto")) \
        == "plain"


def test_the_async_fake_raises_when_awaited_like_the_real_one() -> None:
    import asyncio

    from lcoai_notebook._requester import RequestSpec

    def boom(spec: Any) -> Any:
        raise RuntimeError("api down")

    pending = FakeRequester(boom, is_async=True).request(RequestSpec("GET", "/x"))
    with pytest.raises(RuntimeError, match="api down"):
        asyncio.run(pending)


# -- the emulator's route handlers -----------------------------------------------------------


def test_the_app_and_the_one_stub_offer_the_handler_services() -> None:
    from _emu_stub import StubApp

    from lcoai_notebook.emulator._app import EmuApp
    from lcoai_notebook.emulator._router import AppServices

    for app in (EmuApp(), StubApp()):
        assert isinstance(app, AppServices), app
        _same_parameters(AppServices, type(app))
    stub = StubApp()
    first = stub.new_id("file-")
    assert first == EmuApp().new_id("file-")  # the real services, not a copy of them
    assert stub.store("jobs", dict) is stub.store("jobs", list)


def test_every_route_in_the_table_is_a_handler_of_one_request() -> None:
    from lcoai_notebook.emulator._router import RouteHandler
    from lcoai_notebook.emulator._routes import ROUTE_TABLE

    for method, template, handler in ROUTE_TABLE:
        assert isinstance(handler, RouteHandler), (method, template)
        params = list(inspect.signature(handler).parameters)
        assert params == ["req"], (method, template, params)
    assert not isinstance(42, RouteHandler)
