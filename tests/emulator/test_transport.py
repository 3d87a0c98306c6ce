"""The in-process httpx transports (sync and async) and Emulator's client wiring."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from _emu_stub import route

from lcoai_notebook.emulator import Emulator
from lcoai_notebook.emulator._router import SSE
from lcoai_notebook.emulator._routes import ROUTES


@pytest.fixture
def sse_route() -> Iterator[list[str]]:
    before = list(ROUTES)
    closed: list[str] = []

    @route("GET", "/v1/_test/transport/sse")
    def sse(req):  # noqa: ANN001, ANN202
        def gen():
            try:
                for i in range(int(req.query.get("n", "5"))):
                    yield {"i": i}
            finally:
                closed.append("closed")
        return SSE(gen())

    yield closed
    ROUTES[:] = before


def _params(emu: Emulator) -> dict[str, str]:
    return {"api_token": emu.api_token}


def test_sync_transport_json_and_stream(sse_route) -> None:
    emu = Emulator()
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url) as http:
        r = http.get("/v1/models/gpt-4o", params=_params(emu))
        assert r.json()["result"]["id"] == "gpt-4o"
        assert r.headers["content-length"] == str(len(r.content))
        with http.stream("GET", "/v1/_test/transport/sse", params=_params(emu)) as s:
            lines = [ln for ln in s.iter_lines() if ln]
    assert lines[-1] == "data: [DONE]"
    assert [json.loads(ln[6:])["i"] for ln in lines[:-1]] == list(range(5))
    assert sse_route == ["closed"]


def test_closing_a_stream_early_closes_the_generator(sse_route) -> None:
    emu = Emulator(stream_mode="incremental")
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url) as http:
        with http.stream("GET", "/v1/_test/transport/sse",
                         params={**_params(emu), "n": "100000"}) as s:
            first = next(s.iter_raw())
    assert first.startswith(b'data: {"i":0}')
    assert sse_route == ["closed"]


def test_async_transport_matches_sync(sse_route) -> None:
    emu = Emulator(flavor="openai")
    headers = {"Authorization": f"Bearer {emu.api_token}"}

    async def main() -> tuple[dict, list[str], int]:
        async with httpx.AsyncClient(transport=emu.async_transport(), base_url=emu.inprocess_url,
                                     headers=headers) as http:
            listing = (await http.get("/models")).json()
            async with http.stream("GET", "/_test/transport/sse") as s:
                lines = [ln async for ln in s.aiter_lines() if ln]
            missing = (await http.get("/models/nope")).status_code
        return listing, lines, missing

    listing, lines, missing = asyncio.run(main())
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url,
                      headers=headers) as http:
        assert http.get("/models").json() == listing
    assert lines[-1] == "data: [DONE]" and len(lines) == 6
    assert missing == 404


def test_async_drop_and_latency() -> None:
    emu = Emulator()

    async def main() -> float:
        async with httpx.AsyncClient(transport=emu.async_transport(), base_url=emu.inprocess_url,
                                     params=_params(emu)) as http:
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get("/v1/models", headers={"X-Emulator-Fault": "drop=1"})
            t0 = time.perf_counter()
            # Two delayed requests at once: the async transport sleeps without blocking.
            rs = await asyncio.gather(*[http.get("/v1/models", headers={
                "X-Emulator-Fault": "latency=0.2"}) for _ in range(2)])
            assert all(r.status_code == 200 for r in rs)
            return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    assert 0.2 <= elapsed < 0.39


def test_client_wiring_in_process_and_over_http(monkeypatch) -> None:
    import lcoai_notebook._client as client_module

    made: list[tuple[str, dict]] = []

    class Recorder:
        def __init__(self, **kw: object) -> None:
            made.append((type(self).__name__, kw))

    monkeypatch.setattr(client_module, "Client", type("Client", (Recorder,), {}))
    monkeypatch.setattr(client_module, "AsyncClient", type("AsyncClient", (Recorder,), {}))
    emu = Emulator(flavor="openai")
    emu.client(max_retries=0)
    emu.async_client()
    name, kw = made[0]
    assert name == "Client" and kw["flavor"] == "openai" and kw["max_retries"] == 0
    assert kw["base_url"] == "http://emulator.invalid/v1" and kw["api_token"] == emu.api_token
    assert isinstance(kw["http_client"], httpx.Client)
    assert isinstance(made[1][1]["http_client"], httpx.AsyncClient)
    kw["http_client"].close()
    asyncio.run(made[1][1]["http_client"].aclose())
    with emu:
        emu.client()
        assert made[2][1]["base_url"] == emu.url and "http_client" not in made[2][1]
