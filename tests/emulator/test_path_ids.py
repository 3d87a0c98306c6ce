"""Ids placed in a path that could change the URL's meaning are refused by the emulator itself.

httpx removes ``.``/``..`` segments before sending, so the literal forms go over a raw socket
(http.client to the loopback server) and the encoded forms (``%2E%2E``, ``%2F`` ...) through
httpx, which sends them as they are, to both shells.
"""

from __future__ import annotations

import http.client
import json
from typing import Any

import httpx
import pytest

from lcoai_notebook.emulator import Emulator

#: Encoded path segments that must not be taken as ids (httpx sends them unchanged).
ENCODED_BAD = ["%2E%2E", "%2E", "%2e%2e", "", "a%2Fb", "a%5Cb", "a%3Fb", "a%23b", "a%25b",
               "a%20b", "%09", "a%00b", "%7F", "a%E2%80%A8b", "%C2%85"]


def _error_of(flavor: str, resp_json: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI error object (nested one level deeper on LowCodeAPI)."""
    if flavor == "lowcodeapi":
        assert resp_json["provider"] == "openai" and resp_json["message"]
        return resp_json["error"]["error"]
    return resp_json["error"]


def _assert_refused(flavor: str, status: int, body: dict[str, Any], param: str) -> None:
    assert status == 400, body
    err = _error_of(flavor, body)
    assert err["code"] == "invalid_id" and err["param"] == param, err
    assert err["type"] == "invalid_request_error" and "not a valid ID" in err["message"]


class Inproc:
    def __init__(self, flavor: str) -> None:
        self.flavor = flavor
        self.emu = Emulator(flavor=flavor)
        self.http = httpx.Client(transport=self.emu.transport(), timeout=None)
        root = "http://emulator.invalid"
        self.base = root + ("/openai" if flavor == "lowcodeapi" else "")
        self.params = {"api_token": self.emu.api_token} if flavor == "lowcodeapi" else {}
        self.headers = ({} if flavor == "lowcodeapi" else
                        {"Authorization": f"Bearer {self.emu.api_token}"})

    def send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.http.request(method, self.base + path, params={**self.params,
                                 **kw.pop("params", {})}, headers=self.headers, **kw)

    def ok(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        resp = self.send(method, path, **kw)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        return body["result"] if self.flavor == "lowcodeapi" else body


@pytest.fixture(params=["lowcodeapi", "openai"])
def target(request: pytest.FixtureRequest) -> Any:
    t = Inproc(request.param)
    yield t
    t.http.close()


@pytest.mark.parametrize("segment", ENCODED_BAD)
def test_encoded_bad_ids_are_refused_in_process(target: Inproc, segment: str) -> None:
    store = target.ok("POST", "/v1/vector_stores", json={"name": "s"})["id"]
    resp = target.send("DELETE", f"/v1/vector_stores/{store}/files/{segment}")
    _assert_refused(target.flavor, resp.status_code, resp.json(), "file_id")
    resp = target.send("GET", f"/v1/files/{segment}")
    _assert_refused(target.flavor, resp.status_code, resp.json(), "file_id")
    # The store is untouched.
    assert target.ok("GET", f"/v1/vector_stores/{store}")["id"] == store


def test_an_encoded_slash_does_not_reach_another_route(target: Inproc) -> None:
    thread = target.ok("POST", "/v1/threads", json={})["id"]
    # Decoded first, this would be GET /v1/threads/<id>/messages (a list, 200).
    resp = target.send("GET", f"/v1/threads/{thread}%2Fmessages")
    _assert_refused(target.flavor, resp.status_code, resp.json(), "thread_id")


@pytest.mark.parametrize("value", ["..", ".", "", "a/b", "a\\b", "a?b", "a#b", "a%b", "a b",
                                   "\n", "a\x00b"])
def test_old_format_bad_ids_are_refused(value: str) -> None:
    t = Inproc("lowcodeapi")
    store = t.ok("POST", "/v1/vector_stores", json={"name": "s"})["id"]
    resp = t.send("DELETE", "/v1/vector_stores/vector_store_id/files/file_id",
                  params={"vector_store_id": store, "file_id": value})
    _assert_refused("lowcodeapi", resp.status_code, resp.json(), "file_id")
    assert t.ok("GET", "/v1/vector_stores/vector_store_id",
                params={"vector_store_id": store})["id"] == store


def test_good_ids_still_work(target: Inproc) -> None:
    """Ids with ':' '-' '_' '.' inside (fine-tuned models, file names) are ids, not dot segments."""
    assert target.ok("GET", "/v1/models/gpt-4o-mini")["id"] == "gpt-4o-mini"
    image = target.ok("POST", "/v1/images/generations",
                      json={"prompt": "a fox", "size": "256x256"})["data"][0]["url"]
    name = image.rsplit("/", 1)[1].split("?")[0]
    assert "." in name
    assert target.send("GET", f"/v1/_emulator/images/{name}").status_code == 200


# ------------------------------------------------------------------ over a raw socket (loopback)
def _raw(emu: Emulator, method: str, target: str, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", emu._server.port, timeout=30)
    try:
        conn.request(method, target, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
@pytest.mark.parametrize("segment", ["..", ".", "%2E%2E", "%2e", "a%2Fb", "a%20b", "%00", "",
                                     "a\\b"])
def test_raw_bad_ids_are_refused_over_loopback(flavor: str, segment: str) -> None:
    with Emulator(flavor=flavor) as emu:
        client = emu.client()
        store = client.vector_stores.create(name="s").id
        if flavor == "lowcodeapi":
            prefix, query, headers = "/openai", f"?api_token={emu.api_token}", {}
        else:
            prefix, query = "", ""
            headers = {"Authorization": f"Bearer {emu.api_token}"}
        status, body = _raw(emu, "DELETE",
                            f"{prefix}/v1/vector_stores/{store}/files/{segment}{query}", headers)
        _assert_refused(flavor, status, body, "file_id")
        status, body = _raw(emu, "GET", f"{prefix}/v1/files/{segment}{query}", headers)
        _assert_refused(flavor, status, body, "file_id")
        assert client.vector_stores.retrieve(store).id == store
        client.close()
