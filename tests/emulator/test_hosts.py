"""The emulator answers only requests addressed to it (DNS rebinding is refused).

A web page can rebind its own DNS name to 127.0.0.1 and then call the emulator from the
browser; the request then carries the page's name in ``Host``. Those are refused with an
OpenAI-shaped 403 naming the problem, over the real loopback server.
"""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest

from lcoai_notebook.emulator import Emulator


def _get(emu: Emulator, host: str | None) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", emu._server.port, timeout=30)
    try:
        if emu.config.flavor == "lowcodeapi":
            target, headers = f"/openai/v1/models?api_token={emu.api_token}", {}
        else:
            target, headers = "/v1/models", {"Authorization": f"Bearer {emu.api_token}"}
        conn.putrequest("GET", target, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


@pytest.fixture(params=["lowcodeapi", "openai"])
def emu(request: pytest.FixtureRequest) -> Any:
    with Emulator(flavor=request.param) as e:
        yield e


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io",
                                  "localhost.evil.example:{port}", "10.0.0.1:{port}",
                                  "[::2]:{port}", "", "emulator.invalid.evil"])
def test_forged_hosts_are_refused(emu: Emulator, host: str) -> None:
    status, body = _get(emu, host.format(port=emu._server.port))
    assert status == 403, body
    err = body["error"]["error"] if emu.config.flavor == "lowcodeapi" else body["error"]
    assert err["code"] == "host_not_allowed" and err["type"] == "invalid_request_error"
    assert "is not served here" in err["message"] and "127.0.0.1" in err["message"]
    assert emu.api_token not in json.dumps(body)


def test_missing_host_is_refused() -> None:
    # h11 already refuses an HTTP/1.1 request without Host; the app refuses it on its own too.
    emu = Emulator(flavor="openai")
    resp = emu.app.handle("GET", "/v1/models", [], {"authorization": f"Bearer {emu.api_token}"},
                          b"")
    assert resp.status == 403 and b"no Host header" in resp.body  # type: ignore[operator]


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "127.0.0.1", "localhost:{port}",
                                  "LOCALHOST", "localhost.:{port}", "[::1]:{port}"])
def test_loopback_names_are_served(emu: Emulator, host: str) -> None:
    status, body = _get(emu, host.format(port=emu._server.port))
    assert status == 200, body


def test_configured_names_are_served() -> None:
    with Emulator(allowed_hosts=("Workshop.Local",)) as emu:
        assert _get(emu, f"workshop.local:{emu._server.port}")[0] == 200
        assert _get(emu, "other.local")[0] == 403


def test_in_process_transport_host_still_works() -> None:
    emu = Emulator()
    with emu.client() as client:
        assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
