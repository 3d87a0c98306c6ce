"""The relay in front of the emulator (standing in for the service), served on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from lcoai_notebook.emulator import DEFAULT_OPENAI_KEY, DEFAULT_TOKEN, Emulator
from lcoai_notebook.relay import Relay

TOKENS = {"lowcodeapi": DEFAULT_TOKEN, "openai": DEFAULT_OPENAI_KEY}


class CountingEmulator:
    """An emulator that counts the API requests it answers (what the relay forwarded)."""

    def __init__(self, flavor: str, **config: Any) -> None:
        self.flavor = flavor
        self.token = TOKENS[flavor]
        self.emu = Emulator(flavor=flavor, **config)
        self.paths: list[str] = []
        self._lock = threading.Lock()
        handle = self.emu.app.handle

        def counted(method: str, raw_path: str, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.paths.append(f"{method} {raw_path}")
            return handle(method, raw_path, *args, **kwargs)

        self.emu.app.handle = counted  # type: ignore[method-assign]

    @property
    def url(self) -> str:
        return self.emu.url


@pytest.fixture(params=["lowcodeapi", "openai"])
def upstream(request: pytest.FixtureRequest) -> Iterator[CountingEmulator]:
    counting = CountingEmulator(request.param)
    counting.emu.start()
    yield counting
    counting.emu.stop()


@pytest.fixture
def make_relay(tmp_path: Any) -> Iterator[Callable[..., Relay]]:
    made: list[Relay] = []

    def make(up: CountingEmulator, **kw: Any) -> Relay:
        kw.setdefault("seats", 3)
        kw.setdefault("per_seat_usd", 0.5)
        kw.setdefault("budget_usd", 1.0)
        kw.setdefault("db", tmp_path / "relay.sqlite")
        relay = Relay(upstream=up.url, api_token=kw.pop("api_token", up.token),
                      flavor=up.flavor, port=0, **kw)
        made.append(relay)
        return relay.start()

    yield make
    for relay in made:
        relay.close()


@pytest.fixture
def learner() -> Iterator[Callable[..., Any]]:
    """``learner(relay, "seat-01", **connect_kwargs)``: a client through the relay, closed after
    the test."""
    import lcoai_notebook as lco

    clients: list[Any] = []

    def make(relay: Relay, seat: str, **kw: Any) -> Any:
        client = lco.connect(relay=relay.url, seat=relay.seat_codes[seat], **kw)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
