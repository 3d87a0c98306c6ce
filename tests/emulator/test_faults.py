"""Injected faults: the X-Emulator-Fault header and configured random faults."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from _emu_stub import route

from lcoai_notebook.emulator import Emulator
from lcoai_notebook.emulator._faults import FaultDrawer, parse_fault_header
from lcoai_notebook.emulator._router import SSE
from lcoai_notebook.emulator._routes import ROUTES


@pytest.fixture
def sse_route() -> Iterator[None]:
    before = list(ROUTES)

    @route("GET", "/v1/_test/faults/sse")
    def sse(req):  # noqa: ANN001, ANN202
        return SSE({"i": i} for i in range(10))

    @route("POST", "/v1/_test/faults/count")
    def count(req):  # noqa: ANN001, ANN202
        with req.app.lock:
            n = req.app.store("hits", lambda: Counter())
            n["hits"] += 1
        return {"object": "count"}

    yield
    ROUTES[:] = before


def client(emu: Emulator) -> httpx.Client:
    auth = {} if emu.config.flavor == "lowcodeapi" else {
        "Authorization": f"Bearer {emu.api_token}"}
    params = {"api_token": emu.api_token} if emu.config.flavor == "lowcodeapi" else {}
    return httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url, headers=auth,
                        params=params)


def fault(value: str) -> dict[str, str]:
    return {"X-Emulator-Fault": value}


def test_status_fault_lowcodeapi_puts_retry_after_in_body() -> None:
    with client(Emulator()) as http:
        r = http.get("/v1/models", headers=fault("status=503;retry_after=0.02"))
    assert r.status_code == 503
    body = r.json()
    assert body["message"] == "Error received from the openai API"
    assert body["error"]["error"]["type"] == "server_error"
    assert body["headers"]["retry-after-ms"] == "20"
    assert body["headers"]["retry-after"] == "1"
    assert "retry-after" not in r.headers


def test_status_fault_openai_puts_retry_after_in_http_headers() -> None:
    with client(Emulator(flavor="openai")) as http:
        r = http.get("/models", headers=fault("status=429;retry_after=2.5"))
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limit_exceeded"
    assert r.headers["retry-after"] == "3" and r.headers["retry-after-ms"] == "2500"
    assert r.headers["x-ratelimit-remaining-requests"] == "0"


def test_default_retry_after_on_429_and_503_only() -> None:
    emu = Emulator(flavor="openai", fault_retry_after=0.07)
    with client(emu) as http:
        r429 = http.get("/models", headers=fault("status=429"))
        r500 = http.get("/models", headers=fault("status=500"))
        r418 = http.get("/models", headers=fault("status=418"))
    assert r429.headers["retry-after-ms"] == "70"
    assert "retry-after" not in r500.headers and r500.json()["error"]["type"] == "server_error"
    assert r418.status_code == 418 and "retry-after" not in r418.headers


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_insufficient_quota_is_the_real_error(flavor: str) -> None:
    emu = Emulator(flavor=flavor)
    with client(emu) as http:
        r = http.get("/v1/models" if flavor == "lowcodeapi" else "/models",
                     headers=fault("code=insufficient_quota"))
    assert r.status_code == 429
    body = r.json()
    err = body["error"]["error"] if flavor == "lowcodeapi" else body["error"]
    assert err["type"] == err["code"] == "insufficient_quota"
    assert err["message"].startswith("You exceeded your current quota")
    assert "retry-after" not in (body.get("headers") or r.headers)


def test_fault_replaces_the_handler(sse_route) -> None:
    emu = Emulator()
    with client(emu) as http:
        http.post("/v1/_test/faults/count", json={}, headers=fault("status=500"))
        http.post("/v1/_test/faults/count", json={}, headers=fault("malformed=1"))
        http.post("/v1/_test/faults/count", json={})
    assert emu.app.store("hits", Counter)["hits"] == 1


def test_malformed_is_200_with_unparseable_body() -> None:
    with client(Emulator()) as http:
        r = http.get("/v1/models", headers=fault("malformed=1"))
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_drop_raises_remote_protocol_error_in_process() -> None:
    with client(Emulator()) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/v1/models", headers=fault("drop=1"))
        assert http.get("/v1/models").status_code == 200


def test_latency_delays_the_response() -> None:
    with client(Emulator()) as http:
        t0 = time.perf_counter()
        r = http.get("/v1/models", headers=fault("latency=0.15"))
        elapsed = time.perf_counter() - t0
    assert r.status_code == 200 and elapsed >= 0.15


def test_configured_latency() -> None:
    with client(Emulator(latency=0.1)) as http:
        t0 = time.perf_counter()
        http.get("/v1/models")
    assert time.perf_counter() - t0 >= 0.1


@pytest.mark.parametrize("mode", ["incremental", "buffered"])
def test_cut_after_ends_stream_without_done(sse_route, mode: str) -> None:
    with client(Emulator(stream_mode=mode)) as http:
        r = http.get("/v1/_test/faults/sse", headers=fault("cut_after=3"))
        full = http.get("/v1/_test/faults/sse")
    blocks = [b for b in r.text.split("\n\n") if b]
    assert blocks == ['data: {"i":0}', 'data: {"i":1}', 'data: {"i":2}']
    assert full.text.endswith("data: [DONE]\n\n") and full.text.count("data: ") == 11


@pytest.mark.parametrize("value", ["status=abc", "bogus=1", "drop=2", "latency=-1", "status",
                                   "status=200", "latency=1e300", "retry_after=601",
                                   "latency=nan"])
def test_bad_fault_header_is_a_clear_400(value: str) -> None:
    with client(Emulator(flavor="openai")) as http:
        r = http.get("/models", headers=fault(value))
    assert r.status_code == 400
    assert "X-Emulator-Fault" in r.json()["error"]["message"]


def test_parse_fault_header_combinations() -> None:
    f = parse_fault_header(" status=503 ; retry_after=0.5;latency=0.01; cut_after=2 ")
    assert (f.status, f.retry_after, f.latency, f.cut_after) == (503, 0.5, 0.01, 2)
    assert parse_fault_header("").is_error is False
    assert parse_fault_header("retry_after=1").is_error is True  # alone it means a 429


def test_code_with_status_and_retry_after_alone() -> None:
    with client(Emulator(flavor="openai")) as http:
        coded = http.get("/models", headers=fault("status=400;code=context_length_exceeded"))
        bare = http.get("/models", headers=fault("retry_after=0.3"))
    assert coded.status_code == 400 and coded.json()["error"]["code"] == "context_length_exceeded"
    assert bare.status_code == 429 and bare.headers["retry-after-ms"] == "300"


def _verdicts(emu: Emulator, n: int) -> list[str]:
    out = []
    with client(emu) as http:
        for _ in range(n):
            try:
                r = http.get("/v1/models")
            except httpx.RemoteProtocolError:
                out.append("drop")
                continue
            out.append(str(r.status_code))
    return out


def test_random_faults_are_deterministic_and_near_the_rate() -> None:
    cfg = {"fault_rate": 0.3, "fault_seed": 7}
    a = _verdicts(Emulator(**cfg), 300)
    b = _verdicts(Emulator(**cfg), 300)
    c = _verdicts(Emulator(fault_rate=0.3, fault_seed=8), 300)
    assert a == b and a != c
    counts = Counter(a)
    faults = 300 - counts["200"]
    assert 60 <= faults <= 120
    assert set(counts) == {"200", "429", "500", "503", "drop"}


def test_random_fault_kinds_and_header_precedence() -> None:
    emu = Emulator(fault_rate=1.0, fault_kinds=("503",))
    with client(emu) as http:
        r = http.get("/v1/models")
        forced = http.get("/v1/models", headers=fault("latency=0"))
    assert r.status_code == 503 and r.json()["headers"]["retry-after-ms"] == "50"
    assert forced.status_code == 200  # a header fault replaces the random draw


def test_random_429_carries_retry_after_in_body() -> None:
    emu = Emulator(fault_rate=1.0, fault_kinds=("429",), fault_retry_after=0.02)
    with client(emu) as http:
        body = http.get("/v1/models").json()
    assert body["headers"]["retry-after-ms"] == "20"
    assert body["error"]["error"]["code"] == "rate_limit_exceeded"


def test_fault_config_validation() -> None:
    with pytest.raises(ValueError, match="fault_rate"):
        FaultDrawer(1.5, ("429",), 0)
    with pytest.raises(ValueError, match="fault_kinds"):
        Emulator(fault_rate=0.1, fault_kinds=("teapot",))
